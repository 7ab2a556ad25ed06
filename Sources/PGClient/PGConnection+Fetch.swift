import CLibPQ

extension PGConnection {
    /// How many FETCHes `forEachCursorRow` keeps asked ahead: the server reads the next batch
    /// while the caller works through this one.
    static let fetchesInFlight = 2

    /// Reads an open cursor to its end in batches of `batchSize` rows (binary format), handing
    /// each row to `body` through a reader that is valid only during the call. Returns how many
    /// rows were read.
    ///
    /// Why not single-row mode: there every row is a `PGresult` of its own (allocated, its
    /// column descriptions copied, freed), which costs a reader of hundreds of thousands of rows
    /// more than the rows themselves; and why not one FETCH at a time: the server would wait
    /// while the caller works, and the caller while the server reads. So the FETCHes go through
    /// libpq's pipeline mode, the next one asked before this batch is read, and memory holds a
    /// batch or two whatever the cursor's length.
    ///
    /// If `body` throws, no further batch is asked for, the batches in flight are discarded, and
    /// the error is rethrown; a server error is thrown once the pipeline is drained. The cursor
    /// must be fetched inside the transaction that opened it.
    @discardableResult
    public func forEachCursorRow(
        _ cursor: String, batchSize: Int = 2000, _ body: (PGRowReader) throws -> Void
    ) throws -> Int {
        precondition(batchSize > 0, "a batch holds at least one row")
        let fetch = "FETCH FORWARD \(batchSize) FROM \(try quoteIdentifier(cursor))"
        let connection = try liveHandle()
        guard PQenterPipelineMode(connection) == 1 else { throw failure(on: connection, result: nil) }

        var inFlight = 0
        var ended = false  // a short batch came back, or something failed: ask for no more
        var stopped: (any Error)?
        var rows = 0
        let reader = PGRowReader()

        func ask() {
            guard !ended else { return }
            guard PQsendQueryParams(connection, fetch, 0, nil, nil, nil, nil, 1) == 1,
                  PQsendFlushRequest(connection) == 1, PQflush(connection) == 0 else {
                if stopped == nil { stopped = failure(on: connection, result: nil) }
                ended = true
                return
            }
            inFlight += 1
        }

        for _ in 0..<Self.fetchesInFlight { ask() }
        while inFlight > 0 {
            // One FETCH's results, then NULL.
            while let result = PQgetResult(connection) {
                defer { PQclear(result) }
                switch PQresultStatus(result) {
                case PGRES_TUPLES_OK:
                    let count = Int(PQntuples(result))
                    if count < batchSize { ended = true }
                    ask()
                    guard stopped == nil else { continue }
                    defer { reader.result = nil }
                    for row in 0..<count {
                        reader.start(result, row: Int32(row))
                        do {
                            try body(reader)
                        } catch {
                            stopped = error
                            ended = true
                            break
                        }
                        rows += 1
                    }
                case PGRES_PIPELINE_ABORTED:
                    continue
                default:
                    if stopped == nil { stopped = failure(on: connection, result: result) }
                    ended = true
                }
            }
            inFlight -= 1
        }
        if PQpipelineSync(connection) == 1 {
            while let result = PQgetResult(connection) {
                let status = PQresultStatus(result)
                PQclear(result)
                if status == PGRES_PIPELINE_SYNC { break }
            }
        }
        PQexitPipelineMode(connection)
        if let stopped { throw stopped }
        return rows
    }
}
