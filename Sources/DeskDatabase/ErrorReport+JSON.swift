

extension ErrorReport {
    /// The error object both executables print for scripts, in one shape:
    /// `{"sqlstate":"DK005","message":"…"}`, with `"sqlstate":null` when no database refusal is
    /// behind it (the key is never left out). Strings are escaped by `JSONText`, as the
    /// console's JSON Lines are.
    public var jsonObject: String {
        "{\"sqlstate\":" + (sqlState.map(JSONText.string) ?? "null") + ",\"message\":" + JSONText.string(message) + "}"
    }
}
