import CLibPQ

/// How strictly concurrent transactions are kept apart (SQL standard levels).
public enum PGIsolationLevel: String, Sendable {
    /// PostgreSQL's default.
    case readCommitted = "READ COMMITTED"
    /// One snapshot for the whole transaction.
    case repeatableRead = "REPEATABLE READ"
    /// As if transactions ran one after another; may fail with 40001 and need a retry.
    case serializable = "SERIALIZABLE"
}

extension PGConnection {
    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
    ///
    /// If a statement inside failed and `body` swallowed the error, PostgreSQL would turn the
    /// COMMIT into a silent ROLLBACK; this refuses that case loudly instead. Nesting is refused
    /// too, rather than pretending an inner block could be rolled back on its own.
    public func transaction<T>(
        _ isolation: PGIsolationLevel = .readCommitted, _ body: (PGConnection) throws -> T
    ) throws -> T {
        let connection = try liveHandle()
        guard PQtransactionStatus(connection) == PQTRANS_IDLE else {
            throw PGError(.transactionMisuse, message: "a transaction is already open on this connection")
        }
        try query("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
        let value: T
        do {
            value = try body(self)
        } catch {
            rollbackQuietly(connection)
            throw error
        }
        guard PQtransactionStatus(connection) == PQTRANS_INTRANS else {
            rollbackQuietly(connection)
            throw PGError(.transactionMisuse, message: "a statement in the transaction failed; it was rolled back")
        }
        let commit = try query("COMMIT")
        guard commit.commandTag == "COMMIT" else {
            throw PGError(.transactionMisuse, message: "the transaction was rolled back by the server (\(commit.commandTag))")
        }
        return value
    }

    /// Whether a transaction is open (and whether it has failed), for callers deciding on retries.
    public var isInTransaction: Bool {
        guard let handle else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    private func rollbackQuietly(_ connection: OpaquePointer) {
        guard PQstatus(connection) == CONNECTION_OK, PQtransactionStatus(connection) != PQTRANS_IDLE else { return }
        _ = try? query("ROLLBACK")
    }
}
