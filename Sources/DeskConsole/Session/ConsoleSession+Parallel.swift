import PGClient

/// A script run with `--jobs N`: look-ups run side by side on N connections, everything that
/// changes something runs alone on the session's own connection once every earlier command has
/// finished, and every result is written in input order. Output, effects and exit status are
/// those of a one-by-one run; only with `--on-error stop` may look-ups after the failed command
/// have run (they change nothing, and their results are not written).
extension ConsoleSession {
    /// A line read but not yet written.
    private enum Pending {
        case lookUp(index: Int, command: String, place: String)
        case refused(command: String, ConsoleFailure, place: String)
    }

    func runInParallel<Source, Output>(
        io: ConsoleIO<Source, Output>, jobs: Int,
        connect: @escaping @Sendable () throws -> PGConnection, progress: ((Int) -> Void)?
    ) -> ConsoleExitStatus {
        let workers = LookupWorkers(count: jobs, settings: settings, connect: connect)
        defer { workers.stop() }
        let window = jobs * 8
        var pending: [Pending] = []
        pending.reserveCapacity(window + 1)
        var nextIndex = 0
        var lineNumber = firstLineNumber - 1
        var anyFailed = false

        /// Writes finished results from the front, waiting for one while `waiting` (given how many
        /// are pending) says so; a status means the run ends now.
        func flush(waitingWhile waiting: (Int) -> Bool) -> ConsoleExitStatus? {
            while let first = pending.first {
                let outcome: LineOutcome
                switch first {
                case .refused(let command, let failure, let place):
                    io.fail(command: command, failure, place: place)
                    outcome = .failed
                case .lookUp(let index, let command, let place):
                    let result = waiting(pending.count) ? workers.outcome(of: index) : workers.readyOutcome(of: index)
                    guard let result else { return nil }
                    outcome = io.write(result.result, command: command, place: place, elapsed: result.elapsed)
                }
                pending.removeFirst()
                io.output.endOfCommand()
                switch outcome {
                case .failed:
                    anyFailed = true
                    if settings.onError == .stop { return .stoppedAtError }
                case .connectionLost: return .connection
                case .done, .quit: continue
                }
            }
            return nil
        }

        while let input = io.source.nextLine(prompt: Self.prompt) {
            lineNumber += 1
            progress?(lineNumber)
            let place = "\(settings.sourceName):\(lineNumber)"
            switch plan(input, remember: { _ in }) {
            case .skip:
                continue
            case .quit:
                return flush(waitingWhile: { _ in true }) ?? (anyFailed ? .failure : .success)
            case .refuse(let command, let failure):
                pending.append(.refused(command: command, failure, place: place))
            case .run(let spec, let command) where spec.isLookUp:
                workers.submit(.init(index: nextIndex, spec: spec, command: command))
                pending.append(.lookUp(index: nextIndex, command: spec.name, place: place))
                nextIndex += 1
            case .run(let spec, let command):
                // A change waits for everything before it, and everything after waits for it.
                if let stop = flush(waitingWhile: { _ in true }) { return stop }
                switch run(spec, command, place: place, io: io) {
                case .failed:
                    anyFailed = true
                    if settings.onError == .stop { return .stoppedAtError }
                case .connectionLost:
                    if state.requestInFlight != nil { recover(io: io) }
                    return .connection
                case .done, .quit:
                    break
                }
                io.output.endOfCommand()
                continue
            }
            if let stop = flush(waitingWhile: { $0 > window }) { return stop }
        }
        return flush(waitingWhile: { _ in true }) ?? (anyFailed ? .failure : .success)
    }
}
