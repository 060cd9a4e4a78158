import MaillageCore
import Testing

/// The drawer's count at the closing: pieces by denomination, the expected cash, the gap.
@Suite("Trade: the cash count")
struct CashCountTests {
    @Test func piecesAddUpByDenomination() {
        // Two 50 € notes, three 20 € notes, a 2 € coin, 20 and 10 cents: 162,30 €.
        #expect(CashCount.total([5_000: 2, 2_000: 3, 200: 1, 20: 1, 10: 1]) == 16_230)
        #expect(CashCount.total([:]) == 0)
        #expect(CashCount.total([1: 9_999]) == 9_999)
        // Not a euro piece, a negative or impossible count: no total.
        #expect(CashCount.total([300: 1]) == nil)
        #expect(CashCount.total([100: -1]) == nil)
        #expect(CashCount.total([100: 10_000]) == nil)
    }

    @Test func theExpectedCashIsTheFloatPlusTheNetCashAndTheGapIsCountedMinusExpected() {
        // A 150 € float, 10,50 € of cash taken net of change and refunds.
        let expected = CashCount.expected(openingFloatCents: 15_000, netCashCents: 1_050)
        #expect(expected == 16_050)
        #expect(CashCount.gap(counted: 16_030, expected: expected) == -20)
        #expect(CashCount.gap(counted: 16_100, expected: expected) == 50)
        #expect(CashCount.gap(counted: 16_050, expected: expected) == 0)
    }

    @Test func denominationsAreTheEurosFifteenAndReadInFrench() {
        #expect(CashCount.denominations.count == 15)
        #expect(CashCount.denominations == CashCount.denominations.sorted(by: >))
        #expect(CashCount.label(5_000) == "50 €")
        #expect(CashCount.label(200) == "2 €")
        #expect(CashCount.label(20) == "0,20 €")
        #expect(CashCount.label(5) == "0,05 €")
        #expect(CashCount.isNote(500) && !CashCount.isNote(200))
    }
}
