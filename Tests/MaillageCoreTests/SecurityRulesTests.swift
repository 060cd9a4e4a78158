import MaillageCore
import Testing

@Suite("Security rules (issue 21)")
struct SecurityRulesTests {
    @Test func markupEscapingClosesEveryWayOutOfATextOrAnAttribute() {
        #expect(MarkupEscaping.escape(#"x"><meta http-equiv="refresh" content="0;url=//evil">"#)
            == "x&quot;&gt;&lt;meta http-equiv=&quot;refresh&quot; content=&quot;0;url=//evil&quot;&gt;")
        #expect(MarkupEscaping.escape("Café d'Amélie & Cie") == "Café d&#39;Amélie &amp; Cie")
        #expect(MarkupEscaping.escape("Coopérative des Caillols") == "Coopérative des Caillols")
        // Between tags, quotes are only quotes; an entity typed by someone shows as typed.
        #expect(MarkupEscaping.escapeText(#"Le "Café d'Amélie" &#39; <b>"#) == #"Le "Café d'Amélie" &amp;#39; &lt;b&gt;"#)
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
        _ = CalendarDay.parse("7 décembre", field: "date", fallback: nil, latest: nil, into: &malformed)
        #expect(malformed["date"] == "La date doit s'écrire comme 04/12/2026.")
        // The French way is read as well as the ISO one.
        #expect(CalendarDay("07/12/2026") == CalendarDay("2026-12-07"))
        #expect(CalendarDay("31/02/2026") == nil && CalendarDay("7/12/2026") == nil && CalendarDay("07/12/0001") == nil)
        #expect(LocalDateTime("07/12/2026 14:30") == LocalDateTime("2026-12-07T14:30"))
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

    @Test func aBreakdownIsShownWholeOrNotAtAllWithSecretBesideLessThanFive() {
        // 12 people referred by the mission locale, 2 by a social centre, 9 without one: the 2
        // is small, and the others are hidden with it (the total would give it back).
        let referred = IndicatorFigure(.peopleReferred, amount: 23, parts: ["mission-locale": 12, "centre-social": 2, "sans-structure": 9])
        let shown = ShownFigure(referred, exact: false, threshold: 5)
        let parts = Dictionary(uniqueKeysWithValues: shown.parts.map { ($0.key, $0) })
        #expect(parts["centre-social"]?.masked == true && parts["centre-social"]?.secret == false)
        #expect(parts["mission-locale"]?.masked == true && parts["mission-locale"]?.secret == true)
        #expect(parts["sans-structure"]?.masked == true && parts["sans-structure"]?.secret == true)
        #expect(shown.value == 23)
        let large = ShownFigure(IndicatorFigure(.peopleReferred, amount: 21, parts: ["mission-locale": 12, "sans-structure": 9]), exact: false, threshold: 5)
        #expect(large.parts.allSatisfy { !$0.masked })
    }

    @Test func mealsOfABracketOfFewHouseholdsAreHiddenWithTheTotal() {
        let meals = IndicatorFigure(.reducedPriceMeals, amount: 412, parts: ["T1": 300, "T2": 112])
        var shown = ShownFigure(meals, exact: false, threshold: 5)
        shown.hideBrackets(withFewHouseholds: ["T1": 14, "T2": 3, "public": 2], threshold: 5)
        let parts = Dictionary(uniqueKeysWithValues: shown.parts.map { ($0.key, $0) })
        #expect(parts["T1"]?.value == 300 && parts["T2"]?.masked == true && parts["T2"]?.secret == true)
        #expect(shown.masked && shown.secret && shown.value == nil)
        var many = ShownFigure(meals, exact: false, threshold: 5)
        many.hideBrackets(withFewHouseholds: ["T1": 14, "T2": 9], threshold: 5)
        #expect(many.value == 412 && many.parts.allSatisfy { !$0.masked })
    }

    @Test func underTheSecretPeriodsAreWholeCalendarYearsAndTheirPreviousOnes() {
        let asked = DayPeriod(from: CalendarDay(year: 2026, month: 10, day: 1), to: CalendarDay(year: 2026, month: 12, day: 7))
        #expect(asked.wholeYears == DayPeriod(from: CalendarDay(year: 2026, month: 1, day: 1), to: CalendarDay(year: 2026, month: 12, day: 31)))
        #expect(asked.wholeYears.isWholeYears && !asked.isWholeYears)
        #expect(asked.wholeYears.previousWholeYears == DayPeriod(from: CalendarDay(year: 2025, month: 1, day: 1), to: CalendarDay(year: 2025, month: 12, day: 31)))
        let two = DayPeriod(from: CalendarDay(year: 2025, month: 3, day: 1), to: CalendarDay(year: 2026, month: 2, day: 1)).wholeYears
        #expect(two.previousWholeYears == DayPeriod(from: CalendarDay(year: 2023, month: 1, day: 1), to: CalendarDay(year: 2024, month: 12, day: 31)))
    }

    @Test func aBracketBoughtInByFewHouseholdsIsHiddenWithTheTotals() {
        // Tranche 1: 3 households, tranche 2: 11, tranche 3: 8, public price: any number.
        let decision = TradeSecret.decide(householdsByTier: ["T1": 3, "T2": 11, "T3": 8], tiers: ["T1", "T2", "T3", "public"], threshold: 5)
        #expect(decision.hidden == ["T1"] && decision.hideTotals)
        let none = TradeSecret.decide(householdsByTier: ["T1": 6, "T2": 9, "public": 1], tiers: ["T1", "T2", "public"], threshold: 5)
        #expect(none.hidden.isEmpty && !none.hideTotals)
    }
}
