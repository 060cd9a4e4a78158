import MaillageCore
import Testing

@Suite("French text: hours as typed, numbers, counts, table labels (issue 22)")
struct FrenchTextTests {
    @Test(arguments: [
        ("7", 7.0), ("7,5", 7.5), ("7.5", 7.5), ("7,25", 7.25), ("7h30", 7.5), ("7 h 30", 7.5), ("7H30", 7.5),
        ("7:30", 7.5), ("7h", 7.0), ("7 h", 7.0), ("7,5 h", 7.5), ("7 heures 30", 7.5), ("7 heures", 7.0),
        ("0h45", 0.75), ("12h15", 12.25), ("35", 35.0), (" 7 h 30 ", 7.5), ("45 min", 0.75), ("7h30min", 7.5), ("7 h 30 min", 7.5),
    ])
    func hoursAreReadAsPeopleTypeThem(_ typed: String, _ hours: Double) {
        #expect(HoursText.parse(typed) == hours)
    }

    @Test(arguments: ["sept", "", "h30", "7h75", "7h3", "7:", "7,5h30", "7..5", "-7", "7,555", "1000", "7h30h", "7 h 30 min 10", "min", "4,5 min"])
    func whatIsNotADurationIsRefused(_ typed: String) {
        #expect(HoursText.parse(typed) == nil)
    }

    @Test func hoursTypedAsSevenThirtyAreValidatedAsQuarterHours() throws {
        // A resident types "7h30": 450 minutes, not an error.
        let draft = HoursDraft(week: "2026-11-30", role: "kitchen", hours: HoursText.parse("7h30"))
        let valid = try draft.validate(alreadyThatWeek: 0, today: CalendarDay(year: 2026, month: 12, day: 7))
        #expect(valid.minutes == 450)
        // 7 h 10 is not a quarter hour: refused with the French example.
        let tenPast = HoursDraft(week: "2026-11-30", role: "kitchen", hours: HoursText.parse("7h10"))
        #expect(throws: FieldErrors.self) { try tenPast.validate(alreadyThatWeek: 0, today: CalendarDay(year: 2026, month: 12, day: 7)) }
    }

    @Test func numbersCountsAndTimesReadTheFrenchWay() {
        #expect(FrenchText.integer(15_000) == "15\u{202F}000")
        #expect(FrenchText.integer(1_038_000) == "1\u{202F}038\u{202F}000")
        #expect(FrenchText.integer(-2_500) == "-2\u{202F}500")
        #expect(FrenchText.integer(999) == "999")
        #expect(FrenchText.count(0, "ticket", "tickets") == "0\u{A0}ticket")
        #expect(FrenchText.count(1, "ticket", "tickets") == "1\u{A0}ticket")
        #expect(FrenchText.count(2, "ticket", "tickets") == "2\u{A0}tickets")
        #expect(FrenchText.count(1_250, "repas", "repas") == "1\u{202F}250\u{A0}repas")
        #expect(FrenchText.clock(hour: 14, minute: 0) == "14\u{A0}h\u{A0}00")
        #expect(FrenchText.clock(hour: 9, minute: 5) == "9\u{A0}h\u{A0}05")
        #expect(FrenchText.duration(minutes: 450) == "7\u{A0}h\u{A0}30")
        #expect(FrenchText.duration(minutes: 420) == "7\u{A0}h")
    }

    @Test func everyBodyCellIsLabelledWithItsColumn() {
        let html = #"<table class="stack"><thead><tr><th>Personne</th><th class="num">Montant <span class="visually-hidden">"TTC"</span></th><th></th></tr></thead>"#
            + #"<tbody><tr><td><a href="/x">Fatou</a></td><td class="num">12,00 €</td><td><form></form></td></tr>"#
            + #"<tr><th scope="row">Total</th><td>3</td><td>x</td></tr></tbody></table>"#
        let labelled = TableCellLabels.label(html)
        #expect(labelled.contains(#"<td data-label="Personne"><a href="/x">Fatou</a></td>"#))
        #expect(labelled.contains(#"<td data-label="Montant &quot;TTC&quot;" class="num">12,00 €</td>"#))
        // A column without a heading (the actions) gets no label; a row heading gets its column's.
        #expect(labelled.contains(#"<td><form></form></td>"#))
        #expect(labelled.contains(#"<th data-label="Personne" scope="row">Total</th>"#))
        // The head itself is untouched.
        #expect(labelled.hasPrefix(#"<table class="stack"><thead><tr><th>Personne</th>"#))
    }

    @Test func aHeadingSpanningColumnsNamesEachAndATableWithoutHeadIsLeftAlone() {
        let spanned = #"<table><thead><tr><th colspan="2">Période</th><th>Total</th></tr></thead><tbody><tr><td>1</td><td>2</td><td>3</td></tr></tbody></table>"#
        #expect(TableCellLabels.label(spanned).contains(#"<td data-label="Période">1</td><td data-label="Période">2</td><td data-label="Total">3</td>"#))
        let bare = #"<table><tbody><tr><td>1</td></tr></tbody></table>"#
        #expect(TableCellLabels.label(bare) == bare)
        // An escaped heading stays escaped: no way out of the attribute.
        let hostile = #"<table><thead><tr><th>a" onmouseover="x &lt;b&gt;'</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"#
        #expect(TableCellLabels.label(hostile).contains(#"<td data-label="a&quot; onmouseover=&quot;x &lt;b&gt;&#39;">1</td>"#))
    }

    @Test func aListIsSearchedWithoutAccentsOrCaseFilteredByStateAndPaged() throws {
        let states = ReferralStatus.allCases.map { (raw: $0.rawValue, label: $0.frenchLabel) }
        let filter = try ListFilter.parse(query: "  aicha  BENALI ", status: "sent,received", page: nil, limit: nil, allowedStates: states)
        #expect(filter.words == ["aicha", "benali"])
        #expect(filter.keeps(texts: ["Aïcha Benali", "Centre social"], state: "sent"))
        #expect(!filter.keeps(texts: ["Aïcha Benali"], state: "accepted"))
        #expect(!filter.keeps(texts: ["Aïcha Traoré"], state: "sent"))
        #expect(SearchText.fold("Hélène LÉA Œuvre") == "helene lea œuvre")

        let rows = Array(1...120)
        let third = try ListFilter.parse(query: nil, status: nil, page: "3", limit: "50", allowedStates: states).page(of: rows)
        #expect(third.rows == Array(101...120) && third.total == 120 && third.pageCount == 3 && !third.hasNext && third.hasPrevious)
        // A page past the end shows the last one.
        #expect(try ListFilter.parse(query: nil, status: nil, page: "9", limit: nil, allowedStates: states).page(of: rows).page == 3)
        #expect(ListFilter().page(of: [Int]()).pageCount == 1)
    }

    @Test func aBadFilterIsRefusedNamingWhatIsWrong() {
        let states = ReferralStatus.allCases.map { (raw: $0.rawValue, label: $0.frenchLabel) }
        do {
            _ = try ListFilter.parse(query: String(repeating: "a", count: 201), status: "envoyee", page: "0", limit: "500", allowedStates: states)
            Issue.record("accepted a bad filter")
        } catch {
            #expect(Set(error.messages.keys) == ["q", "status", "page", "limit"])
            #expect(error.messages["status"]?.contains("Envoyée : sent") == true)
        }
    }
}
