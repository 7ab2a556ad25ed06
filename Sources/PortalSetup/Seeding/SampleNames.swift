import TOTPCore
import PortalCore
import DeskDatabase
import Foundation

/// Believable names, companies and phone numbers for demo and scale data, including accents and
/// scripts beyond ASCII, since real customers have them and the console must show them right.
enum SampleNames {
    static let firstNames = [
        "Jane", "John", "Amira", "Bjørn", "Chloé", "Dmitri", "Elif", "Farah", "Gabriel", "Hana",
        "Ines", "Jakub", "Kwame", "Lena", "Mateo", "Nadia", "Oluwaseun", "Priya", "Quentin", "Rosa",
        "Sven", "Tomás", "Uma", "Valentina", "Wei", "Ximena", "Yusuf", "Zoë", "Aiko", "Bruno",
        "Carmen", "Dara", "Emil", "Fatima", "Giulia", "Hugo", "Ivan", "Jonas", "Keiko", "Liam",
        "Maya", "Noah", "Olga", "Pedro", "Rania", "Sofia", "Theo", "Ana", "Lars", "Mei",
    ]
    static let lastNames = [
        "Doe", "Smith", "Haddad", "Lindqvist", "Martin", "Volkov", "Yılmaz", "Rahman", "Silva", "Tanaka",
        "García", "Nowak", "Mensah", "Schmidt", "Rossi", "Kowalski", "Adeyemi", "Patel", "Dubois", "Moreno",
        "Berg", "Ó Briain", "Nair", "Bianchi", "Zhang", "López", "Demir", "Müller", "Sato", "Costa",
        "Fernández", "Kaur", "Jensen", "Hassan", "Romano", "Leroy", "Petrov", "Weber", "Suzuki", "O'Connor",
        "Novak", "Fischer", "Kim", "Santos", "Ahmed", "Larsen", "Nguyen", "Okafor", "Wójcik", "Chen",
    ]
    static let companyWords = [
        "Acme", "Northwind", "Blue Harbor", "Granite", "Kestrel", "Lumen", "Meridian", "Nimbus", "Orchid",
        "Pinecrest", "Quarry", "Redwood", "Saffron", "Tidewater", "Umber", "Vantage", "Willow", "Zephyr",
        "Atlas", "Beacon", "Cobalt", "Driftwood", "Ember", "Fjord", "Golden Gate", "Helix", "Ironbark",
        "Juniper", "Kite", "Lighthouse", "Maple", "Nordlicht", "Obsidian", "Polaris", "Quill", "Riverside",
    ]
    static let companyKinds = [
        "Hosting Ltd", "Web Services", "GmbH", "Digital", "Studios", "& Partners", "Consulting", "Labs",
        "Networks", "Systems AB", "S.A.", "Media", "Cloud", "Software", "Trading Co.", "Design",
    ]
    static let countryPrefixes = ["+44 20", "+1 415", "+49 30", "+33 1", "+46 8", "+81 3", "+34 91", "+61 2"]

    static func pick<T>(_ list: [T], _ random: inout SeededGenerator) -> T {
        list[Int(random.next() % UInt64(list.count))]
    }

    static func personName(_ random: inout SeededGenerator) -> String {
        "\(pick(firstNames, &random)) \(pick(lastNames, &random))"
    }

    static func companyName(_ random: inout SeededGenerator) -> String {
        "\(pick(companyWords, &random)) \(pick(companyKinds, &random))"
    }

    static func phone(_ random: inout SeededGenerator) -> String {
        let number = random.next() % 100_000_000
        let text = String(number)
        let padded = String(repeating: "0", count: 8 - text.count) + text
        return "\(pick(countryPrefixes, &random)) \(padded.prefix(4)) \(padded.suffix(4))"
    }

    /// `jane.doe` from `Jane Doe`, ASCII only, for email local parts and domains.
    static func slug(_ text: String, separator: String = ".") -> String {
        var spelled = text
        for (letter, ascii) in [("ø", "o"), ("Ø", "O"), ("ı", "i"), ("ß", "ss"), ("æ", "ae"), ("ł", "l"), ("'", "")] {
            spelled = spelled.replacingOccurrences(of: letter, with: ascii)
        }
        let folded = spelled.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        var words: [String] = []
        var current = ""
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.isEmpty ? "x" : words.joined(separator: separator)
    }
}

/// Remembers slugs: generated names repeat (50 × 50 combinations), and folding is not cheap.
struct SlugCache {
    private var known: [String: String] = [:]

    mutating func slug(_ name: String) -> String {
        if let slug = known[name] { return slug }
        let slug = SampleNames.slug(name)
        known[name] = slug
        return slug
    }
}
