/// The statistical secret of the figures shown outside the cooperative (to a funder, to another
/// cooperative's coordinator): a count of people from 1 to `threshold − 1` is shown as "< 5";
/// zero is shown (it points at nobody).
///
/// So that nothing hidden can be worked out by subtracting what is shown (another level,
/// another endpoint, an adjacent period), a figure shown under the secret is always a sum of
/// figures shown under the secret: periods are whole calendar years (`DayPeriod.wholeYears`),
/// a breakdown is shown whole or not at all, and a total of several cooperatives only when
/// every cooperative's figure is shown.
public enum StatisticalSecret {
    public static let defaultThreshold = 5

    public static func isSmall(_ count: Double, threshold: Int) -> Bool {
        count > 0 && count < Double(threshold)
    }

    /// A share over people (of those accompanied, of the voters) is hidden when its base, its
    /// part or the rest is a small count: each can be worked back from the share and the base.
    public static func hidesShare(part: Double, whole: Double, threshold: Int) -> Bool {
        isSmall(whole, threshold: threshold) || isSmall(part, threshold: threshold) || isSmall(whole - part, threshold: threshold)
    }
}

/// A figure as shown to someone: its value, or masked.
public struct ShownFigure: Sendable, Equatable {
    public var indicator: Indicator
    /// Nil when masked, or for a share of nothing.
    public var value: Double?
    public var masked: Bool
    /// Masked for another reason than being a small count (a share, a cell hidden so that
    /// another cannot be subtracted out): shown as « secret », never as a false "< 5".
    public var secret: Bool = false
    public var parts: [Part]

    public struct Part: Sendable, Equatable {
        public var key: String
        public var value: Double?
        public var masked: Bool
        public var secret: Bool
        public init(key: String, value: Double?, masked: Bool, secret: Bool = false) {
            self.key = key; self.value = value; self.masked = masked; self.secret = secret
        }
    }

    /// Hides the value as « secret ».
    public mutating func hideAsSecret() {
        value = nil
        masked = true
        secret = true
    }

    /// `exact`: the viewer works in the cooperative (every figure as it is); otherwise the
    /// statistical secret applies to counts of people and shares over them.
    public init(_ figure: IndicatorFigure, exact: Bool, threshold: Int) {
        indicator = figure.indicator
        let keys = figure.parts.keys.sorted()
        let indicator = figure.indicator
        guard !exact, indicator.countsPeople || indicator.isShareOfPeople else {
            value = figure.value
            masked = false
            parts = keys.map { Part(key: $0, value: figure.parts[$0], masked: false) }
            return
        }
        if indicator.isShareOfPeople {
            masked = StatisticalSecret.hidesShare(part: figure.amount, whole: figure.whole ?? 0, threshold: threshold)
            secret = masked
            value = masked ? nil : figure.value
            parts = []
            return
        }
        masked = StatisticalSecret.isSmall(figure.amount, threshold: threshold)
        value = masked ? nil : figure.value
        // A breakdown whole or not at all: with one cell hidden, the total and the others
        // would give it back; a cell hidden to protect another reads « secret ».
        let cells = keys.map { figure.parts[$0] ?? 0 }
        let hideAll = masked || cells.contains { StatisticalSecret.isSmall($0, threshold: threshold) }
        parts = keys.enumerated().map { index, key in
            // Zero points at nobody and stays.
            guard hideAll, cells[index] != 0 else { return Part(key: key, value: cells[index], masked: false) }
            return Part(key: key, value: nil, masked: true, secret: !StatisticalSecret.isSmall(cells[index], threshold: threshold))
        }
    }
}


extension ShownFigure {
    /// Meals by bracket follow the trade figures (`TradeSecret`): a bracket bought in by fewer
    /// than `threshold` households is hidden, and the total with it (it would give it back).
    /// `wholeBreakdown`: the parts are not brackets (the solidarity by who funded it) and go
    /// with the total.
    public mutating func hideBrackets(withFewHouseholds householdsByTier: [String: Double], threshold: Int, wholeBreakdown: Bool = false) {
        let few = Set(householdsByTier.filter { Tier(code: $0.key) != .publicPrice && StatisticalSecret.isSmall($0.value, threshold: threshold) }.keys)
        guard !few.isEmpty else { return }
        parts = parts.map { wholeBreakdown || few.contains($0.key) ? Part(key: $0.key, value: nil, masked: true, secret: true) : $0 }
        if !masked { hideAsSecret() }
    }
}

extension Indicator {
    /// Counted on the period's last day (the associates): a span of years says what its last
    /// year says, nothing to subtract.
    public var isCountAtPeriodEnd: Bool { self == .members || self == .membersByCollege }
}

extension DayPeriod {
    /// From the first of January of the first day's year to the thirty-first of December of
    /// the last day's: the periods read under the statistical secret.
    public var wholeYears: DayPeriod {
        DayPeriod(from: CalendarDay(year: from.year, month: 1, day: 1), to: CalendarDay(year: to.year, month: 12, day: 31))
    }

    public var isWholeYears: Bool { self == wholeYears }

    /// As many whole years just before.
    public var previousWholeYears: DayPeriod {
        let years = to.year - from.year + 1
        return DayPeriod(from: CalendarDay(year: from.year - years, month: 1, day: 1), to: CalendarDay(year: from.year - 1, month: 12, day: 31))
    }
}
