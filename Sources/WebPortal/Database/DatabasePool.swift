import Foundation
import NIOPosix
public import PGClient
import Synchronization

/// A bounded pool of libpq connections acting as `portal_app`, whose blocking calls run on a
/// thread pool of their own, never on the event loop.
///
/// At most `size` connections are open; a request that finds none free waits in line, and
/// when `size * 8` already wait it is turned away at once (`DatabasePoolError.busy`) rather
/// than queueing without bound. A connection that failed with a connection problem is closed
/// and replaced on the next use, so a restarted database heals the pool by itself.
public final class DatabasePool: Sendable {
    /// Why the pool could not serve a request.
    public enum DatabasePoolError: Error, Sendable {
        /// Every connection is busy and too many requests already wait.
        case busy
        /// The pool is shutting down.
        case closed
    }

    /// What the pool was opened with.
    public let connectionString: String
    /// The most connections it opens.
    public let size: Int
    private let threads: NIOThreadPool
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var idle: [PooledConnection] = []
        var open = 0
        var waiters: [CheckedContinuation<PooledConnection?, any Error>] = []
        var closed = false
    }

    /// A pool of at most `size` connections to `connectionString`, with as many threads.
    public init(connectionString: String, size: Int) {
        self.connectionString = connectionString
        self.size = max(1, size)
        threads = NIOThreadPool(numberOfThreads: self.size)
        threads.start()
        state = Mutex(State())
    }

    /// Runs `body` with a connection, off the event loop; blocking libpq calls belong here.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        let pooled = try await checkOut()
        do {
            let result = try await threads.runIfActive { () throws -> T in
                let connection = try pooled.connect(self.connectionString)
                return try body(connection)
            }
            checkIn(pooled)
            return result
        } catch let error as PGError where error.isConnectionProblem {
            pooled.discard()
            checkIn(pooled)
            throw error
        } catch {
            checkIn(pooled)
            throw error
        }
    }

    /// Closes every idle connection and stops the threads; later requests fail with `.closed`.
    public func close() async throws {
        let (idle, waiters) = state.withLock { state -> ([PooledConnection], [CheckedContinuation<PooledConnection?, any Error>]) in
            state.closed = true
            defer { state.idle = []; state.waiters = [] }
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.resume(throwing: DatabasePoolError.closed) }
        for connection in idle { connection.discard() }
        try await threads.shutdownGracefully()
    }

    private func checkOut() async throws -> PooledConnection {
        enum Next { case take(PooledConnection), wait, refuse(DatabasePoolError) }
        let next = state.withLock { state -> Next in
            if state.closed { return .refuse(.closed) }
            if let connection = state.idle.popLast() { return .take(connection) }
            if state.open < size { state.open += 1; return .take(PooledConnection()) }
            return state.waiters.count >= size * 8 ? .refuse(.busy) : .wait
        }
        switch next {
        case .take(let connection): return connection
        case .refuse(let error): throw error
        case .wait:
            let handed = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PooledConnection?, any Error>) in
                let refused = state.withLock { state -> Bool in
                    if state.closed { return true }
                    // A connection may have come back between the first look and now.
                    if let connection = state.idle.popLast() { continuation.resume(returning: connection); return false }
                    state.waiters.append(continuation)
                    return false
                }
                if refused { continuation.resume(throwing: DatabasePoolError.closed) }
            }
            guard let handed else { throw DatabasePoolError.closed }
            return handed
        }
    }

    private func checkIn(_ connection: PooledConnection) {
        let waiter = state.withLock { state -> CheckedContinuation<PooledConnection?, any Error>? in
            if state.closed { return nil }
            if state.waiters.isEmpty { state.idle.append(connection); return nil }
            return state.waiters.removeFirst()
        }
        if let waiter { waiter.resume(returning: connection) } else if state.withLock({ $0.closed }) { connection.discard() }
    }
}

/// One slot of the pool: a connection opened on first use and reopened after it was lost.
/// Only the task that checked the slot out touches it, and the pool's lock hands it over, so
/// it is safe to send between threads although libpq's connection object is not.
final class PooledConnection: @unchecked Sendable {
    private var connection: PGConnection?

    /// The open connection, opening it (as `portal_app`) when the slot is empty.
    func connect(_ connectionString: String) throws -> PGConnection {
        if let connection, connection.isConnected { return connection }
        connection?.close()
        let fresh = try PGConnection(connectionString)
        do {
            // Whatever the login role, the portal acts with portal_app's rights and no more.
            try fresh.query("SET ROLE portal_app")
        } catch {
            fresh.close()
            throw error
        }
        connection = fresh
        return fresh
    }

    /// Closes the connection; the next use opens a new one.
    func discard() {
        connection?.close()
        connection = nil
    }
}
