/// The database's ticket rule (`portal.require_ticket`, migration 0004), checked before a
/// disable is confirmed. The database stays the authority; a property test runs random text
/// through both and requires the same answer.
enum TicketRule {
    /// The database's DK008 sentence.
    static let refusalMessage = "a ticket reference is required (2 to 64 letters, digits or # _ . / : -, like SUP-4411)"

    /// Why the database would refuse `ticket`, or nil when it would not.
    static func refusal(_ ticket: String) -> String? {
        // btrim without characters trims spaces only.
        var bytes = Array(ticket.utf8)
        while bytes.first == 0x20 { bytes.removeFirst() }
        while bytes.last == 0x20 { bytes.removeLast() }
        guard (2...64).contains(bytes.count), isAlphanumeric(bytes[0]),
              bytes.dropFirst().allSatisfy({ isAlphanumeric($0) || "#_./:-".utf8.contains($0) }) else {
            return refusalMessage
        }
        return nil
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
