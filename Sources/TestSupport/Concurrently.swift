import Foundation
import Synchronization

/// Runs `body` on `count` threads at once (released together) and returns each one's result,
/// for tests of what the database does under concurrent callers. Threads, not Dispatch: on a
/// 2-core machine Swift Testing's workers are all busy, and these must really run in parallel.
public func concurrently<T: Sendable>(
    _ count: Int, _ body: @escaping @Sendable (Int) throws -> T
) -> [Result<T, any Error>] {
    let results = Mutex<[Int: Result<T, any Error>]>([:])
    let start = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    for index in 0..<count {
        Thread.detachNewThread {
            start.wait()
            let result = Result { try body(index) }
            results.withLock { $0[index] = result }
            done.signal()
        }
    }
    for _ in 0..<count { start.signal() }
    for _ in 0..<count { done.wait() }
    return results.withLock { all in (0..<count).map { all[$0]! } }
}
