/// Runs a built executable under a small python3 parent that reports its peak resident memory,
/// as /usr/bin/time does: a child spawned straight from the test runner would report the
/// runner's own memory, since posix_spawn's child shares it until exec.
public enum PeakMemory {
    private static let measure = """
        import resource, subprocess, sys
        status = subprocess.run(sys.argv[1:]).returncode
        sys.stderr.write("peak-kb %d\\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        sys.exit(status if status >= 0 else 128 - status)
        """

    /// The run's output (stderr without the measurement line) and its peak in kB (-1 if unknown).
    public static func run(_ name: String, _ arguments: [String], input: String = "") throws -> (output: ProcessOutput, peakKB: Int) {
        let raw = try ProcessRunner.run("python3", ["-c", measure, BuiltProduct.path(name)] + arguments,
                                        input: input, environment: ["DATABASE_URL": ""])
        var errors = raw.standardError.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if errors.last == "" { errors.removeLast() }
        guard let last = errors.last, last.hasPrefix("peak-kb "), let peak = Int(last.dropFirst(8)) else { return (raw, -1) }
        errors.removeLast()
        let standardError = errors.isEmpty ? "" : errors.joined(separator: "\n") + "\n"
        return (ProcessOutput(status: raw.status, standardOutput: raw.standardOutput, standardError: standardError), peak)
    }
}
