import Dispatch
import Foundation
import PGClient
import Synchronization

/// Threads, each with a connection of its own, that run a script's look-ups side by side.
///
/// Only commands that change nothing go here (`CommandSpec.isLookUp`); the console hands them
/// out in order and writes their results in order, so a script reads exactly as if they had run
/// one by one, only sooner.
final class LookupWorkers: Sendable {
    /// One look-up to run, numbered in input order.
    struct Job: Sendable {
        let index: Int
        let spec: CommandSpec
        let command: ParsedCommand
    }

    /// What a look-up came to, and how long it took.
    struct Outcome: Sendable {
        let result: Result<CommandReport, ConsoleFailure>
        let elapsed: Duration
    }

    private let jobs = Mutex<[Job?]>([])
    private let jobsWaiting = DispatchSemaphore(value: 0)
    private let outcomes = Mutex<[Int: Outcome]>([:])
    private let outcomeArrived = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let count: Int

    /// Starts `count` workers; each opens its connection with `connect` before its first job.
    init(count: Int, settings: ConsoleSettings, connect: @escaping @Sendable () throws -> PGConnection) {
        self.count = count
        for _ in 0..<count {
            let thread = Thread { [self] in work(settings: settings, connect: connect) }
            thread.start()
        }
    }

    /// Queues a look-up.
    func submit(_ job: Job) {
        jobs.withLock { $0.append(job) }
        jobsWaiting.signal()
    }

    /// The outcome of look-up `index`, waiting for it if need be.
    func outcome(of index: Int) -> Outcome {
        while true {
            if let outcome = readyOutcome(of: index) { return outcome }
            outcomeArrived.wait()
        }
    }

    /// The outcome of look-up `index` if it has arrived.
    func readyOutcome(of index: Int) -> Outcome? {
        outcomes.withLock { $0.removeValue(forKey: index) }
    }

    /// Lets every worker finish its current look-up, then waits for all of them to close.
    func stop() {
        for _ in 0..<count { jobs.withLock { $0.append(nil) } }
        for _ in 0..<count { jobsWaiting.signal() }
        for _ in 0..<count { stopped.wait() }
    }

    private func work(settings: ConsoleSettings, connect: @Sendable () throws -> PGConnection) {
        defer { stopped.signal() }
        var link: DatabaseLink?
        defer { link?.connection.close() }
        let state = SessionState()
        while true {
            jobsWaiting.wait()
            guard let job = jobs.withLock({ $0.removeFirst() }) else { return }
            let started = ContinuousClock.now
            let result: Result<CommandReport, ConsoleFailure>
            do throws(ConsoleFailure) {
                if link == nil { link = try Self.open(connect) }
                let runner = CommandRunner(
                    link: link!, state: state, interactive: false, wantsHuman: settings.format == .table, format: settings.format,
                    times: settings.times, ask: { _ in nil }, say: { _ in })
                result = .success(try runner.run(job.command))
            } catch {
                result = .failure(error)
            }
            let outcome = Outcome(result: result, elapsed: ContinuousClock.now - started)
            outcomes.withLock { $0[job.index] = outcome }
            outcomeArrived.signal()
        }
    }

    private static func open(_ connect: () throws -> PGConnection) throws(ConsoleFailure) -> DatabaseLink {
        do {
            return DatabaseLink(connection: try connect())
        } catch let error as PGError {
            throw ConsoleFailure(.connectionLost, message: "could not open another connection: \(error.message.trimmingTrailingNewlines)")
        } catch {
            throw ConsoleFailure(.connectionLost, message: "could not open another connection: \(error)")
        }
    }
}
