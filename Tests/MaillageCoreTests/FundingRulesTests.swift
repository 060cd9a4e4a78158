import MaillageCore
import Testing

@Suite("Partners: funding agreements' rules")
struct FundingRulesTests {
    let today = CalendarDay("2026-12-02")!

    @Test func remindersStartThirtyDaysBeforeAndTurnUrgentAtSeven() {
        #expect(ReportingReminder.level(dueOn: today.adding(days: 31), today: today, reported: false) == nil)
        #expect(ReportingReminder.level(dueOn: today.adding(days: 30), today: today, reported: false) == .upcoming)
        #expect(ReportingReminder.level(dueOn: today.adding(days: 8), today: today, reported: false) == .upcoming)
        #expect(ReportingReminder.level(dueOn: today.adding(days: 7), today: today, reported: false) == .urgent)
        #expect(ReportingReminder.level(dueOn: today, today: today, reported: false) == .urgent)
        #expect(ReportingReminder.level(dueOn: today.adding(days: -1), today: today, reported: false) == .overdue)
        #expect(ReportingReminder.level(dueOn: today.adding(days: 3), today: today, reported: true) == nil)
    }

    /// A politique de la ville agreement of 25 000 € over a year, paid 15 000 € then 10 000 €.
    @Test func anAgreementKeepsItsInstalmentsWithinItsAmountAndItsPeriodWithinFiveYears() throws {
        let valid = try FundingAgreementDraft(
            programme: "Politique de la ville", amountCents: 2_500_000, startsOn: "2026-01-01", endsOn: "2026-12-31",
            targets: [.init(indicator: "meals-sold", target: 12_000), .init(indicator: "egalim-share", target: 50)],
            deadlines: [.init(dueOn: "2027-01-31", label: nil), .init(dueOn: "2026-07-15", label: "Bilan intermédiaire")],
            instalments: [.init(dueOn: "2026-09-01", amountCents: 1_000_000), .init(dueOn: "2026-02-01", amountCents: 1_500_000, receivedOn: "2026-02-10")]
        ).validate(today: today)
        #expect(valid.deadlines.map(\.label) == ["Bilan intermédiaire", "Compte rendu"])
        #expect(valid.instalments.map(\.amountCents) == [1_500_000, 1_000_000])
        for (draft, field) in [
            (FundingAgreementDraft(programme: "FSE+", amountCents: 100, startsOn: "2026-01-01", endsOn: "2031-06-01"), "endsOn"),
            (FundingAgreementDraft(programme: "FSE+", amountCents: 100, startsOn: "2026-01-01", endsOn: "2026-12-31", instalments: [.init(dueOn: "2026-03-01", amountCents: 101)]), "instalments"),
            (FundingAgreementDraft(programme: "FSE+", amountCents: 100, startsOn: "2026-01-01", endsOn: "2026-12-31",
                                   targets: [.init(indicator: "members", target: 10), .init(indicator: "members", target: 20)]), "targets[1].indicator"),
            (FundingAgreementDraft(programme: "FSE+", amountCents: 100, startsOn: "2026-01-01", endsOn: "2026-12-31",
                                   instalments: [.init(dueOn: "2026-03-01", amountCents: 50, receivedOn: "2027-01-01")]), "instalments[0].receivedOn"),
        ] {
            do {
                _ = try draft.validate(today: today)
                Issue.record("\(field) should be refused")
            } catch {
                #expect(error.messages[field] != nil, "\(field): \(error.messages)")
            }
        }
    }
}

@Suite("Partners: a joint agreement's figures")
struct FundingFigureTests {
    @Test func sharesAddTheirPartsAndWholesNotTheirPercentages() {
        // Caillols bought 10 000 € of which 6 000 € EGAlim (60 %); Avignon 5 000 € of which
        // 1 000 € (20 %). Together: 7 000 / 15 000 = 46,67 %, not the 40 % of the average.
        let together = FundingFigure.total([.share(part: 600_000, whole: 1_000_000), .share(part: 100_000, whole: 500_000)])
        #expect(together == .share(part: 700_000, whole: 1_500_000))
        #expect(abs((together?.value ?? 0) - 46.666_666) < 0.001)
        // Counts add: 2 associates in Marseille and 1 in Avignon.
        #expect(FundingFigure.total([.amount(2), .amount(1)])?.value == 3)
        // Nothing bought anywhere is no share at all; no figure is no total.
        #expect(FundingFigure.total([.share(part: 0, whole: 0)])?.value == nil)
        #expect(FundingFigure.total([]) == nil)
        #expect(FundingFigure.total([.amount(2), .share(part: 1, whole: 2)]) == nil)
    }
}
