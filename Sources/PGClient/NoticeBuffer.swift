import CLibPQ

/// Collects the server's NOTICE and WARNING messages for the statement being run.
///
/// libpq's default receiver prints them to stderr, which would scribble over the console's
/// output; instead they are attached to the `PGResult` they came with.
final class NoticeBuffer {
    var notices: [PGNotice] = []

    func drain() -> [PGNotice] {
        defer { notices.removeAll() }
        return notices
    }
}

extension PGConnection {
    func installNoticeReceiver(on connection: OpaquePointer) {
        let context = Unmanaged.passUnretained(noticeBuffer).toOpaque()
        PQsetNoticeReceiver(connection, { context, result in
            guard let context, let result else { return }
            let buffer = Unmanaged<NoticeBuffer>.fromOpaque(context).takeUnretainedValue()
            buffer.notices.append(PGNotice(
                severity: errorField(result, .severity) ?? "NOTICE",
                sqlState: errorField(result, .sqlState).map(SQLState.init(rawValue:)),
                message: errorField(result, .message) ?? ""))
        }, context)
    }
}

/// The diagnostic fields of an error or notice result (PG_DIAG_* in postgres_ext.h).
enum DiagnosticField: UInt8 {
    case severity = 86      // 'V': non-localised severity
    case sqlState = 67      // 'C'
    case message = 77       // 'M'
    case detail = 68        // 'D'
    case hint = 72          // 'H'
    case constraint = 110   // 'n'
}

func errorField(_ result: OpaquePointer, _ field: DiagnosticField) -> String? {
    guard let value = PQresultErrorField(result, Int32(field.rawValue)) else { return nil }
    return String(cString: value)
}
