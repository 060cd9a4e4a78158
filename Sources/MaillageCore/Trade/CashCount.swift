/// The cash in the drawer: counted at the opening (the float, fond de caisse) and at the day's
/// closing, by denomination or as a total; what should be there, and the gap.
public enum CashCount {
    /// The euro's notes and coins, in cents, largest first.
    public static let denominations: [Int] = [50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50, 20, 10, 5, 2, 1]

    /// The most of one denomination a drawer can hold (a typo guard, not a rule of law).
    public static let maximumPieces = 9_999
    /// The most a drawer is counted at: 100 000 €.
    public static let maximumCents = 10_000_000

    /// What the pieces add up to; nil when a denomination is not the euro's or a count is out
    /// of range.
    public static func total(_ pieces: [Int: Int]) -> Int? {
        var cents = 0
        for (value, count) in pieces {
            guard denominations.contains(value), (0...maximumPieces).contains(count) else { return nil }
            cents += value * count
        }
        return cents
    }

    /// What the drawer should hold at the closing: the float counted at the opening, plus the
    /// cash taken that day net of the change given back and of the cash refunds.
    public static func expected(openingFloatCents: Int, netCashCents: Int) -> Int {
        openingFloatCents + netCashCents
    }

    /// Counted minus expected: negative when cash is missing, positive when there is too much.
    public static func gap(counted: Int, expected: Int) -> Int {
        counted - expected
    }

    /// The label of a denomination: « 50 € », « 2 € », « 0,20 € ».
    public static func label(_ cents: Int) -> String {
        cents >= 100 && cents % 100 == 0 ? "\(cents / 100) €" : "0,\(cents < 10 ? "0" : "")\(cents) €"
    }

    /// Whether a denomination is a note (5 € and more) or a coin.
    public static func isNote(_ cents: Int) -> Bool { cents >= 500 }
}
