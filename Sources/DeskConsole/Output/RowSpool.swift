import Foundation
import Synchronization

/// The rows of a large result (a `log` page of up to 10,000 events), kept in an unlinked
/// temporary file as they stream from the database, already written as the chosen format
/// writes them: so a page of any size costs the console one row of memory, and nothing is
/// written before the whole page has arrived (a failure half-way shows as a failure, not as a
/// truncated result). The table format also learns its column widths here, so the table is
/// aligned as a whole.
///
/// Filled by the thread that runs the command, then read by the one that writes it (`--jobs`
/// hands it over once); the lock only makes that hand-over safe.
public final class RowSpool: Sendable {
    private struct State {
        var file: FileHandle?
        var memory: [String] = []
        var pending: [UInt8] = []
        var count = 0
        var widths: [Int] = []
    }

    /// The format its lines are in.
    let format: OutputFormat
    private let state: Mutex<State>

    /// A new, empty spool; in memory if no temporary file can be made.
    init(format: OutputFormat) {
        self.format = format
        var state = State()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("support-desk-\(UUID().uuidString)").path
        if FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
           let file = FileHandle(forUpdatingAtPath: path) {
            try? FileManager.default.removeItem(atPath: path)   // gone when closed, whatever happens
            state.file = file
        }
        self.state = Mutex(state)
    }

    deinit { state.withLock { try? $0.file?.close() } }

    /// How many rows it holds.
    var count: Int { state.withLock { $0.count } }

    /// The widest cell of each column, in terminal columns (table format).
    var widths: [Int] { state.withLock { $0.widths } }

    /// Adds one row: `record` for JSON and CSV, `cells` (unescaped) for the table. Fails only
    /// when the temporary file cannot take it (a full disk).
    func append(_ record: ReportRecord, cells: [String]) throws(ConsoleFailure) {
        let line: String
        var escaped: [String] = []
        switch format {
        case .json: line = JSONLineWriter.object(record)
        case .csv: line = CSVWriter.row(record)
        case .table:
            escaped = cells.map { TerminalSafeText.escape($0) }
            line = escaped.joined(separator: Self.cellSeparator)
        }
        let written = state.withLock { state -> Bool in
            state.count += 1
            for (index, cell) in escaped.enumerated() {
                if index == state.widths.count { state.widths.append(0) }
                state.widths[index] = max(state.widths[index], DisplayWidth.of(cell))
            }
            guard let file = state.file else {
                state.memory.append(line)
                return true
            }
            state.pending.append(contentsOf: line.utf8)
            state.pending.append(0x0A)
            return state.pending.count < 64 * 1024 || Self.flush(&state, to: file)
        }
        if !written { throw .refused("could not keep the result in a temporary file (is the disk full?)") }
    }

    /// Writes out what is still buffered; call once the last row is in.
    func finish() throws(ConsoleFailure) {
        let written = state.withLock { state in state.file.map { Self.flush(&state, to: $0) } ?? true }
        if !written { throw .refused("could not keep the result in a temporary file (is the disk full?)") }
    }

    /// Hands every row's line to `body`, in order (table rows as escaped cells).
    func forEachLine(_ body: (String) -> Void) {
        state.withLock { state in
            guard let file = state.file else {
                state.memory.forEach(body)
                return
            }
            try? file.seek(toOffset: 0)
            var reader = ByteLineReader(maximumLineLength: 16 * 1024 * 1024) { buffer in
                guard let data = try? file.read(upToCount: buffer.count), !data.isEmpty else { return 0 }
                data.copyBytes(to: &buffer, count: data.count)
                return data.count
            }
            while let line = reader.nextLine(prompt: "") {
                if case .text(let text) = line { body(text) }
            }
        }
    }

    /// Splits a table row's line back into its cells.
    static func cells(of line: String) -> [String] {
        line.components(separatedBy: cellSeparator)
    }

    /// Escaped cells never hold a control character, so the unit separator cannot occur in one.
    private static let cellSeparator = "\u{1F}"

    /// Writes the buffered lines to the file; false when the file would not take them.
    private static func flush(_ state: inout State, to file: FileHandle) -> Bool {
        defer { state.pending.removeAll(keepingCapacity: true) }
        guard !state.pending.isEmpty else { return true }
        return (try? file.write(contentsOf: state.pending)) != nil
    }
}
