import MaillageCore
import Testing

@Suite("Security rules (issue 21)")
struct SecurityRulesTests {
    @Test func markupEscapingClosesEveryWayOutOfATextOrAnAttribute() {
        #expect(MarkupEscaping.escape(#"x"><meta http-equiv="refresh" content="0;url=//evil">"#)
            == "x&quot;&gt;&lt;meta http-equiv=&quot;refresh&quot; content=&quot;0;url=//evil&quot;&gt;")
        #expect(MarkupEscaping.escape("Café d'Amélie & Cie") == "Café d&#39;Amélie &amp; Cie")
        #expect(MarkupEscaping.escape("Coopérative des Caillols") == "Coopérative des Caillols")
    }

    @Test(arguments: ["/coops", "/coops/1/pathways?filtre=ouvert", "/invitations/abc-DEF_1"])
    func localPathsAreSafeRedirects(_ path: String) {
        #expect(LocalRedirect.isSafe(path))
    }

    @Test(arguments: ["//evil.example/x", "/\\evil.example", "/\t/evil.example/x", "/\n/evil", "/ /evil", "https://evil.example",
                      "evil", "", "/a\u{0}b", "/\u{202E}gpj.exe", "/a\u{85}b"])
    func anythingABrowserCouldReadAsAnotherSiteIsRefused(_ path: String) {
        #expect(!LocalRedirect.isSafe(path))
    }

    @Test func controlCharactersAndBidiOverridesAreForbiddenButTabsAndLineBreaksAreNot() {
        #expect(ControlCharacters.contains("a\u{0}b"))
        #expect(ControlCharacters.contains("\u{1B}[31mrouge"))
        #expect(ControlCharacters.contains("facture\u{202E}fdp.exe"))
        #expect(ControlCharacters.contains("\u{2066}x\u{2069}"))
        #expect(!ControlCharacters.contains("Ligne 1\r\nLigne 2\tfin"))
        #expect(!ControlCharacters.contains("مرحبا Fatou — 12 € ✓"))
        #expect(ControlCharacters.stripped("facture\u{202E}fdp.exe") == "facturefdp.exe")
    }

    @Test func typedDaysFallInAPlausibleRangeWithAFrenchMessage() {
        #expect(CalendarDay("2026-12-07") != nil)
        #expect(CalendarDay("0000-01-01") == nil)
        #expect(CalendarDay("9999-12-31") == nil)
        var errors = FieldErrors()
        _ = CalendarDay.parse("9999-12-31", field: "date", fallback: nil, latest: nil, into: &errors)
        #expect(errors["date"] == "La date doit être entre 1900 et 2100.")
        var malformed = FieldErrors()
        _ = CalendarDay.parse("07/12/2026", field: "date", fallback: nil, latest: nil, into: &malformed)
        #expect(malformed["date"] == "La date doit s'écrire AAAA-MM-JJ.")
    }

    @Test func fortyGuessesCountAgainstTheAccountButASharedConnectionIsNotLockedOutByFive() {
        let now = 10_000.0
        let five = (0..<5).map { now - Double($0) * 10 }
        #expect(LoginThrottle.standard.retryAfter(failures: five, now: now) != nil)
        #expect(LoginThrottle.sharedAddress.retryAfter(failures: five, now: now) == nil)
        let fifty = (0..<50).map { now - Double($0) * 10 }
        #expect(LoginThrottle.sharedAddress.retryAfter(failures: fifty, now: now) != nil)
    }

    @Test func aMaskedRateReadsSecretNeverASmallCount() {
        // Two exits out of three, one of them dynamic: 67 %, over a base of three people.
        let rate = IndicatorFigure(.dynamicExitRate, amount: 2, whole: 3)
        let shown = ShownFigure(rate, exact: false, threshold: 5)
        #expect(shown.masked && shown.secret && shown.value == nil)
    }

    @Test func aCellHiddenToProtectAnotherIsSecretAndTheSmallOneIsLessThanFive() {
        // 12 people referred by the mission locale, 2 by a social centre: the 2 is small, the
        // 12 hidden so that 14 − 12 does not give the 2 back.
        let referred = IndicatorFigure(.peopleReferred, amount: 14, parts: ["mission-locale": 12, "centre-social": 2])
        let shown = ShownFigure(referred, exact: false, threshold: 5)
        let parts = Dictionary(uniqueKeysWithValues: shown.parts.map { ($0.key, $0) })
        #expect(parts["centre-social"]?.masked == true && parts["centre-social"]?.secret == false)
        #expect(parts["mission-locale"]?.masked == true && parts["mission-locale"]?.secret == true)
        #expect(shown.value == 14)
    }

    @Test func aBracketBoughtInByFewHouseholdsIsHiddenWithASecondOne() {
        // Tranche 1: 3 households, tranche 2: 11, tranche 3: 8, public price: many.
        let decision = TradeSecret.decide(householdsByTier: ["T1": 3, "T2": 11, "T3": 8], tiers: ["T1", "T2", "T3", "public"], threshold: 5)
        #expect(decision.small == ["T1"])
        #expect(decision.secondary == ["T3"])
        #expect(!decision.hideTotals)
        // With only one bracket, the totals would give it away: they are hidden.
        let alone = TradeSecret.decide(householdsByTier: ["T1": 2], tiers: ["T1", "public"], threshold: 5)
        #expect(alone.small == ["T1"] && alone.secondary.isEmpty && alone.hideTotals)
        let none = TradeSecret.decide(householdsByTier: ["T1": 6, "T2": 9], tiers: ["T1", "T2"], threshold: 5)
        #expect(none.hidden.isEmpty && !none.hideTotals)
    }

    @Test func fundersReadWholeMonths() {
        let (from, to) = TradeSecret.wholeMonths(from: CalendarDay(year: 2026, month: 2, day: 14), to: CalendarDay(year: 2026, month: 2, day: 15))
        #expect(from.description == "2026-02-01" && to.description == "2026-02-28")
        let leap = TradeSecret.wholeMonths(from: CalendarDay(year: 2028, month: 2, day: 3), to: CalendarDay(year: 2028, month: 2, day: 3))
        #expect(leap.to.description == "2028-02-29")
    }
}
