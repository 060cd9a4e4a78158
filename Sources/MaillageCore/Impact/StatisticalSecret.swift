/// The statistical secret of the figures shown outside the cooperative (to a funder, to another
/// cooperative's coordinator): a count of people from 1 to `threshold − 1` is shown as "< 5", and
/// a second cell is hidden where the total and the other cells would give it away. Zero is
/// shown: it points at nobody.
public enum StatisticalSecret {
    public static let defaultThreshold = 5

    public static func isSmall(_ count: Double, threshold: Int) -> Bool {
        count > 0 && count < Double(threshold)
    }

    /// Which of `cells` to hide when they are shown beside `total` (nil when the total itself is
    /// hidden or not shown): the small ones, and when exactly one is hidden while the total is
    /// shown, the smallest other non-zero one as well, so the hidden one cannot be subtracted out.
    public static func hidden(cells: [Double], total: Double?, threshold: Int) -> Set<Int> {
        var hidden = Set(cells.indices.filter { isSmall(cells[$0], threshold: threshold) })
        if total != nil, hidden.count == 1,
           let second = cells.indices.filter({ !hidden.contains($0) && cells[$0] > 0 }).min(by: { cells[$0] < cells[$1] }) {
            hidden.insert(second)
        }
        return hidden
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
        let cells = keys.map { figure.parts[$0] ?? 0 }
        let hidden = masked ? Set(cells.indices) : StatisticalSecret.hidden(cells: cells, total: figure.amount, threshold: threshold)
        parts = keys.enumerated().map { index, key in
            let isHidden = hidden.contains(index)
            return Part(key: key, value: isHidden ? nil : cells[index], masked: isHidden,
                        secret: isHidden && !StatisticalSecret.isSmall(cells[index], threshold: threshold))
        }
    }
}

extension StatisticalSecret {
    /// Cooperatives side by side with their total: a cooperative's cell hidden under the secret
    /// must not come back as the total minus the cells shown. When exactly one cell is hidden and
    /// the total is shown, the smallest other cell the viewer does not already know is hidden too;
    /// when there is none, the total is. Returns the cells to hide and whether to hide the total.
    public static func across(amounts: [Double], hidden: Set<Int>, known: Set<Int>, totalShown: Bool) -> (cells: Set<Int>, hideTotal: Bool) {
        guard totalShown, hidden.count == 1 else { return (hidden, false) }
        if let second = amounts.indices.filter({ !hidden.contains($0) && !known.contains($0) && amounts[$0] > 0 }).min(by: { amounts[$0] < amounts[$1] }) {
            return (hidden.union([second]), false)
        }
        return (hidden, true)
    }
}
