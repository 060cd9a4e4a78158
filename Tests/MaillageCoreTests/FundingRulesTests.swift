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
