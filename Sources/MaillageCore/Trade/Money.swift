/// The French VAT rates a cooperative's sales use, in tenths of a percent.
public enum VATRate: Int, CaseIterable, Codable, Sendable {
    /// 5,5 % — food sold to take away, some services to people.
    case reduced = 55
    /// 10 % — meals eaten on the spot, catering.
    case intermediate = 100
    /// 20 % — objects, most services.
    case standard = 200

    /// `5,5 %`.
    public var frenchLabel: String {
        rawValue % 10 == 0 ? "\(rawValue / 10) %" : "\(rawValue / 10),\(rawValue % 10) %"
    }

    /// From the API's `5.5`, `10`, `20` (or their French spelling `5,5`).
    public init?(percent text: String) {
        let normalised = text.replacingOccurrences(of: ",", with: ".")
        switch normalised {
        case "5.5": self = .reduced
        case "10", "10.0": self = .intermediate
        case "20", "20.0": self = .standard
        default: return nil
        }
    }

    /// The part of a VAT-inclusive amount that is VAT, rounded to the cent (half up).
    /// A negative amount (a refund, a credit note) gives the exact opposite of the positive one.
    public func vatIncluded(in grossCents: Int) -> Int {
        let gross = abs(grossCents)
        let net = (gross * 1000 * 2 + (1000 + rawValue)) / ((1000 + rawValue) * 2)
        return grossCents < 0 ? -(gross - net) : gross - net
    }
}

/// A ticket's or an invoice's totals: what each VAT rate weighs, computed on the total per
/// rate (not line by line) as French tills do.
public struct VATBreakdown: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var rate: VATRate
        public var grossCents: Int
        public var vatCents: Int
        public var netCents: Int { grossCents - vatCents }
    }

    public var lines: [Line]
    public var grossCents: Int { lines.reduce(0) { $0 + $1.grossCents } }
    public var vatCents: Int { lines.reduce(0) { $0 + $1.vatCents } }
    public var netCents: Int { grossCents - vatCents }

    public init(_ amounts: [(rate: VATRate, grossCents: Int)]) {
        var byRate: [VATRate: Int] = [:]
        for amount in amounts { byRate[amount.rate, default: 0] += amount.grossCents }
        lines = VATRate.allCases.compactMap { rate in
            byRate[rate].map { Line(rate: rate, grossCents: $0, vatCents: rate.vatIncluded(in: $0)) }
        }
    }
}

/// `12,50 €`.
public enum Euros {
    public static func french(_ cents: Int) -> String {
        let sign = cents < 0 ? "-" : ""
        let value = abs(cents)
        let rest = value % 100
        var units = String(value / 100)
        // Thousands with a narrow no-break space, as French typography writes them.
        var grouped = ""
        while units.count > 3 {
            grouped = "\u{202F}" + units.suffix(3) + grouped
            units = String(units.dropLast(3))
        }
        // A no-break space before the sign: never "4,50" at a line's end and "€" below.
        return "\(sign)\(units)\(grouped),\(rest < 10 ? "0" : "")\(rest)\u{00A0}€"
    }
}

extension Euros {
    /// `4,50`, `4.5`, `4 €` or `12` typed in a form, in cents; nil when it is not an amount.
    public static func parse(_ raw: String) -> Int? {
        var text = raw.replacingOccurrences(of: "€", with: "").replacingOccurrences(of: "\u{202F}", with: "")
            .replacingOccurrences(of: "\u{00A0}", with: "").replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ",", with: ".")
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let units = Int(parts[0]), parts[0].allSatisfy(\.isNumber), parts[0].count <= 7 else { return nil }
        var cents = units * 100
        if parts.count == 2 {
            let decimals = parts[1]
            guard (1...2).contains(decimals.count), decimals.allSatisfy(\.isNumber), let value = Int(decimals) else { return nil }
            cents += decimals.count == 1 ? value * 10 : value
        }
        return negative ? -cents : cents
    }
}
