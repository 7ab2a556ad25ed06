/// What a `find` hit matched on, as the database ranks them.
public enum MatchKind: String, Sendable, Equatable {
    case email, account, phone, name, customer
}
