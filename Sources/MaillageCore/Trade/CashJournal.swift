import Crypto
import Foundation

/// The tamper-evident cash journal: each entry's hash covers its content and the previous
/// entry's hash, so that changing or removing any entry breaks every hash after it.
public enum CashJournal {
    /// The "previous hash" of the first entry of a cooperative.
    public static let genesis = String(repeating: "0", count: 64)

    public struct Entry: Sendable, Equatable {
        public var number: Int
        /// The entry's content, written canonically by the app (see `canonical`).
        public var payload: String
        public var hash: String

        public init(number: Int, payload: String, hash: String) {
            self.number = number
            self.payload = payload
            self.hash = hash
        }
    }

    /// `number|previousHash|payload`, hashed with SHA-256, in lowercase hex.
    public static func hash(number: Int, previousHash: String, payload: String) -> String {
        let digest = SHA256.hash(data: Data("\(number)|\(previousHash)|\(payload)".utf8))
        // Written straight into one buffer: a string per byte cost more than the hashing when a
        // journal of half a million tickets is verified.
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: SHA256.byteCount * 2) { buffer in
            var index = 0
            for byte in digest {
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 0x0f)]
                index += 2
            }
            return index
        }
    }

    /// A canonical text of named fields: sorted by name, `name=value` joined by `;` (values
    /// escaped), so the same content always gives the same hash.
    public static func canonical(_ fields: [String: String]) -> String {
        fields.keys.sorted().map { key in
            var value = fields[key]!
            // Most values hold neither character: skip the (costly) replacing for them.
            if value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ";") }) {
                value = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            }
            return "\(key)=\(value)"
        }.joined(separator: ";")
    }

    public struct Verification: Sendable, Equatable {
        public var ok: Bool
        public var entries: Int
        /// The first entry whose number or hash is not what the chain says.
        public var firstBrokenNumber: Int?

        public init(ok: Bool, entries: Int, firstBrokenNumber: Int?) {
            self.ok = ok
            self.entries = entries
            self.firstBrokenNumber = firstBrokenNumber
        }
    }

    /// Recomputes the chain from the first entry (numbers must run 1, 2, 3… without gaps).
    public static func verify(_ entries: [Entry]) -> Verification {
        var verifier = Verifier()
        for entry in entries { verifier.check(entry) }
        return verifier.verification
    }

    /// The same check one entry at a time, so that a long journal can be read in pages instead
    /// of all at once.
    public struct Verifier: Sendable {
        private var previousHash = CashJournal.genesis
        /// Entries given so far, in order, whether or not the chain held.
        public private(set) var entries = 0
        public private(set) var firstBrokenNumber: Int?

        public init() {}

        public var isBroken: Bool { firstBrokenNumber != nil }

        /// Checks the next entry; once the chain is broken, later entries are only counted.
        @discardableResult
        public mutating func check(_ entry: Entry) -> Bool {
            entries += 1
            guard firstBrokenNumber == nil else { return false }
            guard entry.number == entries,
                  CashJournal.hash(number: entry.number, previousHash: previousHash, payload: entry.payload) == entry.hash else {
                firstBrokenNumber = entry.number
                return false
            }
            previousHash = entry.hash
            return true
        }

        /// The result for the entries checked so far.
        public var verification: Verification {
            Verification(ok: firstBrokenNumber == nil, entries: entries, firstBrokenNumber: firstBrokenNumber)
        }
    }
}

/// Invoice and credit-note numbers: one sequence per year and kind, without gaps
/// (`F-2026-0001`, `A-2026-0001`).
public enum InvoiceNumbering {
    public static func number(prefix: String, year: Int, sequence: Int) -> String {
        let digits = String(sequence)
        return "\(prefix)-\(year)-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The next sequence of the year, given those already used (they run 1…n).
    public static func next(after used: [Int]) -> Int { (used.max() ?? 0) + 1 }

    /// The numbers missing from a year's sequence: there must be none.
    public static func gaps(in used: [Int]) -> [Int] {
        guard let max = used.max(), max >= 1 else { return [] }
        return Array(Set(1...max).subtracting(used)).sorted()
    }
}

/// The solidarity pool (caisse de solidarité, repas suspendus): donations in, meals drawn out;
/// the balance never goes below zero.
public enum SolidarityPool {
    public enum Movement: Sendable, Equatable {
        case donation(cents: Int)
        case draw(cents: Int)
    }

    public static func balance(_ movements: [Movement]) -> Int {
        movements.reduce(0) { total, movement in
            switch movement {
            case .donation(let cents): total + cents
            case .draw(let cents): total - cents
            }
        }
    }

    /// Whether `cents` may be drawn from a pool holding `balance`.
    public static func canDraw(_ cents: Int, from balance: Int) -> Bool { cents >= 0 && cents <= balance }
}
