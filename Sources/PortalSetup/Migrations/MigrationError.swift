import TOTPCore
import PortalCore
import DeskDatabase
/// Why migrations could not be loaded or applied; each says what to do about it.
public enum MigrationError: Error, Equatable, CustomStringConvertible {
    /// The migrations folder is missing or unreadable.
    case folderUnreadable(path: String)
    /// A file in the folder is not named `NNNN_name.sql`.
    case badFileName(String)
    /// Two files carry the same number.
    case duplicateVersion(Int)
    /// The folder holds no migrations at all.
    case empty(path: String)
    /// An applied migration's file changed after it was applied.
    case edited(name: String, recorded: String, now: String)
    /// The database has a migration this build does not know: it is newer than the code.
    case unknownApplied(version: Int, name: String)

    public var description: String {
        switch self {
        case .folderUnreadable(let path):
            return "cannot read the migrations folder \(path) (set SUPPORTDESK_MIGRATIONS or pass --migrations)"
        case .badFileName(let name):
            return "\(name) is not named like a migration (NNNN_description.sql)"
        case .duplicateVersion(let version):
            return "two migration files are numbered \(version)"
        case .empty(let path):
            return "no migrations in \(path)"
        case .edited(let name, let recorded, let now):
            return "\(name) was edited after it was applied (recorded checksum \(recorded.prefix(12))…, file now \(now.prefix(12))…); write a new migration instead of changing an applied one"
        case .unknownApplied(let version, let name):
            return "the database has migration \(version) (\(name)) that this build does not know; it was migrated by a newer version"
        }
    }
}
