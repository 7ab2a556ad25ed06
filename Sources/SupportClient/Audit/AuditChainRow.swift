import Foundation
import PGClient

/// Where each field of `support.open_audit_chain`'s rows is, checked once per stream: the
/// columns are looked up by name and their types confirmed, so reading a row is arithmetic.
struct AuditChainColumns {
    let seq, prevHash, hash, occurredAt, version, eventID, customerID, memberID, requestID: Int
    /// The encoding's texts. Six fields rather than an array: the columns are copied with every
    /// row, and an array would be retained and released each time.
    let actor, action, target, reason, ticket, accountNumber: Int

    /// The column of the encoding's text `index`: actor, action, target, reason, ticket,
    /// account number (0 to 5).
    func text(_ index: Int) -> Int {
        switch index {
        case 0: actor
        case 1: action
        case 2: target
        case 3: reason
        case 4: ticket
        default: accountNumber
        }
    }

    init(_ reader: PGRowReader) throws(PGError) { try self.init(reader.columns) }

    /// From the columns a query describes (a cursor's rows, or the select list of the COPY that
    /// `log verify` runs, asked with `LIMIT 0`).
    init(_ described: [PGColumn]) throws(PGError) {
        func column(_ name: String, _ type: UInt32) throws(PGError) -> Int {
            guard let index = described.firstIndex(where: { $0.name == name }) else {
                throw PGError(.decoding, message: "the audit chain has no column \"\(name)\"")
            }
            guard described[index].typeOID == type else {
                throw PGError(.decoding, message: "the audit chain's column \"\(name)\" has type \(described[index].typeOID)")
            }
            return index
        }
        let (int8, int4, bytea, text, uuid): (UInt32, UInt32, UInt32, UInt32, UInt32) = (20, 23, 17, 25, 2950)
        seq = try column("seq", int8)
        prevHash = try column("prev_hash", bytea)
        hash = try column("hash", bytea)
        occurredAt = try column("occurred_at_us", int8)
        version = try column("version", int4)
        eventID = try column("event_id", int8)
        customerID = try column("customer_id", int8)
        memberID = try column("member_id", int8)
        requestID = try column("request_id", uuid)
        actor = try column("actor", text)
        action = try column("action", text)
        target = try column("target", text)
        reason = try column("reason", text)
        ticket = try column("ticket", text)
        accountNumber = try column("account_number", text)
    }
}

/// One chain row read where libpq holds it: its cells are lent for the length of a
/// `PGRowReader.withCells` call, and so is this.
struct AuditChainRow: AuditChainEntry {
    let cells: UnsafeBufferPointer<UnsafeRawBufferPointer?>
    let columns: AuditChainColumns
    let seq: Int64
    let version: Int32
    let eventID: Int64?
    let occurredAtMicroseconds: Int64
    let customerID: Int64?
    let memberID: Int64?

    init(_ cells: UnsafeBufferPointer<UnsafeRawBufferPointer?>, _ columns: AuditChainColumns) throws(PGError) {
        self.cells = cells
        self.columns = columns
        guard let seq = try Self.integer(cells[columns.seq]), let occurred = try Self.integer(cells[columns.occurredAt]),
              let version = try Self.integer(cells[columns.version]) else {
            throw PGError(.decoding, message: "an audit chain row has no seq, time or version")
        }
        self.seq = seq
        self.version = Int32(truncatingIfNeeded: version)
        occurredAtMicroseconds = occurred
        eventID = try Self.integer(cells[columns.eventID])
        customerID = try Self.integer(cells[columns.customerID])
        memberID = try Self.integer(cells[columns.memberID])
    }

    /// An int4 or int8 in binary (big-endian), or nil for NULL.
    static func integer(_ cell: UnsafeRawBufferPointer?) throws(PGError) -> Int64? {
        guard let bytes = cell else { return nil }
        guard bytes.count == 8 || bytes.count == 4 else {
            throw PGError(.decoding, message: "a malformed integer in the audit chain (\(bytes.count) bytes)")
        }
        return bytes.count == 8
            ? Int64(bigEndian: bytes.loadUnaligned(as: Int64.self))
            : Int64(Int32(bigEndian: bytes.loadUnaligned(as: Int32.self)))
    }

    func appendText(_ index: Int, to encoder: inout AuditEncoder) {
        encoder.appendField(cells[columns.text(index)])
    }

    func appendRequestID(to encoder: inout AuditEncoder) {
        encoder.appendField(cells[columns.requestID])
    }

    func withPrevHash<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R { body(cells[columns.prevHash] ?? UnsafeRawBufferPointer(start: nil, count: 0)) }
    func withHash<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R { body(cells[columns.hash] ?? UnsafeRawBufferPointer(start: nil, count: 0)) }
}

/// Byte-for-byte equality of two buffers.
func sameBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    guard a.count > 0, let left = a.baseAddress, let right = b.baseAddress else { return true }
    return memcmp(left, right, a.count) == 0
}
