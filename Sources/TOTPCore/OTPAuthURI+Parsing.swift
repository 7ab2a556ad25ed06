extension OTPAuthURI {
    /// Reads a Key URI, refusing anything ambiguous rather than guessing.
    ///
    /// The label separator may be `:` or `%3A` with optional spaces after it; an `issuer`
    /// parameter must agree with the label prefix when both are present; the algorithm is read in
    /// any case; digits and period must be valid numbers; unknown parameters are ignored, as the
    /// format requires, but a known one given twice is refused.
    public init(parsing text: String) throws(OTPAuthURIError) {
        let scheme = "otpauth://"
        guard text.count > scheme.count, text.prefix(scheme.count).lowercased() == scheme else {
            throw .notOTPAuth
        }
        let rest = text.dropFirst(scheme.count)
        guard let slash = rest.firstIndex(of: "/") else { throw .missingAccountName }
        let type = rest[..<slash].lowercased()
        guard type == "totp" || type == "hotp" else { throw .unknownType(String(rest[..<slash])) }
        let afterType = rest[rest.index(after: slash)...]
        let query = afterType.firstIndex(of: "?")
        let rawLabel = afterType[..<(query ?? afterType.endIndex)]
        let rawQuery = query.map { afterType[afterType.index(after: $0)...] } ?? ""

        let (labelIssuer, accountName) = try Self.parseLabel(rawLabel)
        let parameters = try Self.parseQuery(rawQuery)

        guard let secretText = parameters["secret"] else { throw .missingSecret }
        let secret: OTPSecret
        do { secret = try OTPSecret(base32: secretText) } catch { throw .invalidSecret(error) }

        var issuer = labelIssuer
        if let parameterIssuer = parameters["issuer"] {
            if let labelIssuer, labelIssuer != parameterIssuer {
                throw .issuerMismatch(label: labelIssuer, parameter: parameterIssuer)
            }
            issuer = parameterIssuer
        }

        var algorithm = OTPAlgorithm.sha1
        if let name = parameters["algorithm"] {
            guard let parsed = OTPAlgorithm(caseInsensitive: name) else { throw .unknownAlgorithm(name) }
            algorithm = parsed
        }

        var digits = 6
        if let text = parameters["digits"] {
            guard let value = Self.decimal(text), value <= UInt64(HOTP.supportedDigits.upperBound),
                HOTP.supportedDigits.contains(Int(value))
            else { throw .invalidDigits(text) }
            digits = Int(value)
        }

        let kind: Kind
        if type == "totp" {
            var period = TOTP.defaultPeriod
            if let text = parameters["period"] {
                guard let value = Self.decimal(text), value >= 1, value <= UInt64(Int64.max) else {
                    throw .invalidPeriod(text)
                }
                period = Int64(value)
            }
            kind = .totp(period: period)
        } else {
            guard let text = parameters["counter"] else { throw .missingCounter }
            guard let value = Self.decimal(text) else { throw .invalidCounter(text) }
            kind = .hotp(counter: value)
        }
        try self.init(
            kind: kind, secret: secret, accountName: accountName, issuer: issuer,
            algorithm: algorithm, digits: digits)
    }

    private static func parseLabel(_ raw: Substring) throws(OTPAuthURIError) -> (issuer: String?, account: String) {
        guard let label = PercentEncoding.decode(raw) else { throw .badPercentEncoding("label") }
        let parts = label.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            let account = String(label.drop(while: { $0 == " " }))
            guard !account.isEmpty else { throw .missingAccountName }
            return (nil, account)
        case 2:
            let issuer = String(parts[0])
            let account = String(parts[1].drop(while: { $0 == " " }))
            guard !issuer.isEmpty else { throw .emptyIssuer }
            guard !account.isEmpty else { throw .missingAccountName }
            return (issuer, account)
        default:
            throw .colonInLabel(label)
        }
    }

    private static let knownParameters: Set<String> = ["secret", "issuer", "algorithm", "digits", "period", "counter"]

    private static func parseQuery(_ raw: Substring) throws(OTPAuthURIError) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in raw.split(separator: "&") {
            let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = PercentEncoding.decode(keyValue[0]) else { throw .badPercentEncoding("query") }
            guard keyValue.count == 2, let value = PercentEncoding.decode(keyValue[1]) else {
                if knownParameters.contains(key) { throw .badPercentEncoding(key) }
                continue
            }
            guard knownParameters.contains(key) else { continue }
            guard parameters[key] == nil else { throw .duplicateParameter(key) }
            parameters[key] = value
        }
        return parameters
    }

    /// Plain ASCII decimal digits only: no sign, no spaces, no `0x`.
    private static func decimal(_ text: String) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return UInt64(text)
    }
}
