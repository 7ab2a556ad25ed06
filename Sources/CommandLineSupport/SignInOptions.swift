public import ArgumentParser

/// The `-w`/`--no-password` flag both executables take, with one help text, so `support-desk -w`
/// and `portal … -w` mean the same thing: psql's `-w`, never ask for a password.
public struct SignInOptions: ParsableArguments {
    @Flag(name: [.customShort("w"), .customLong("no-password")],
          help: "Never ask for a password (as psql's -w): fail when the server wants one that PGPASSWORD or ~/.pgpass does not give.")
    public var noPassword = false

    /// ArgumentParser makes the flag's value; nobody else needs to.
    public init() {}
}
