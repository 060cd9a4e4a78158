import MaillageCore
import Testing

/// The indicator catalogue on a small first half-year of the Caillols cooperative, every figure
/// worked out by hand in the comments.
@Suite("Impact: indicators computed from the records")
struct ImpactRulesTests {
    static let half = DayPeriod(from: CalendarDay("2026-01-01")!, to: CalendarDay("2026-06-30")!)
    static func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

    static var facts: ImpactFacts {
        var facts = ImpactFacts()
        // Three referrals sent in the half-year (two by the Mission Locale, one by a referrer of no
        // organisation); the December one is outside.
        facts.referrals = [.init(sentOn: day("2026-01-12"), referrerKind: "mission-locale"), .init(sentOn: day("2026-03-03"), referrerKind: "mission-locale"),
                           .init(sentOn: day("2026-06-30"), referrerKind: nil), .init(sentOn: day("2025-12-15"), referrerKind: "centre-social")]
        facts.pathways = [
            // A: open all along, in the QPV; childcare lifted in March, mobility never assessed.
            .init(openedOn: day("2025-11-03"), qpvCode: "QN01306M", barriersAtEntry: [.childcare, .mobility],
                  barrierChecks: [.init(.childcare, .moderate, on: day("2025-11-10")), .init(.childcare, .none, on: day("2026-03-02"))]),
            // B: a CDI at the end of May; digital lifted only in July, after the period.
            .init(openedOn: day("2026-02-01"), exit: (day("2026-05-31"), .cdi), barriersAtEntry: [.digital],
                  barrierChecks: [.init(.digital, .severe, on: day("2026-02-05")), .init(.digital, .none, on: day("2026-07-15"))]),
            // C: left before the period.
            .init(openedOn: day("2025-01-06"), exit: (day("2025-12-19"), .cdi), qpvCode: "QN01306M", barriersAtEntry: [.housing]),
            // D: opened on the last day, in the QPV; health noted then, not lifted.
            .init(openedOn: day("2026-06-30"), qpvCode: "QN01306M", barrierChecks: [.init(.health, .light, on: day("2026-06-30"))]),
        ]
        // 400 h + 400 h validated; 10 h awaiting validation and December's 15 h do not count.
        facts.hours = [(day("2026-01-05"), 24_000, .validated), (day("2026-03-02"), 24_000, .validated),
                       (day("2026-06-29"), 600, .submitted), (day("2025-12-29"), 900, .validated)]
        // 3 h attended + 2 h attended; the absent person's 3 h do not count.
        facts.trainingSessions = [(day("2026-02-10"), 180, .attended), (day("2026-02-10"), 180, .absent), (day("2026-04-14"), 120, .attended)]
        facts.skills = [
            .init(person: "A", competence: "hygiène", level: .discovered, day: day("2025-12-01")),
            .init(person: "A", competence: "hygiène", level: .autonomous, day: day("2026-02-01")),        // gained: autonomous
            .init(person: "A", competence: "hygiène", level: .practisedWithHelp, day: day("2026-03-01")), // lower: no gain
            .init(person: "B", competence: "caisse", level: .discovered, day: day("2026-02-10")),          // gained: discovered
            .init(person: "B", competence: "caisse", level: .canPassOn, day: day("2026-07-01")),           // after the period
        ]
        // h1 bought at T1 then T2: counted at T2 with h2; h3 at the public price.
        facts.householdPurchases = [.init(household: "h1", tier: "T1"), .init(household: "h2", tier: "T2"),
                                    .init(household: "h1", tier: "T2"), .init(household: "h3", tier: "public")]
        // 120 meals at 1 € for T1 (public value 8,50 €), 80 at 3 € for T2 with the CCAS funding
        // them, 50 at the public price; 6 suspended meals drawn from the pool (51 €).
        facts.trade = TradeFigures.summarise(
            lines: [.init(tier: "T1", fundedBy: nil, category: "repas", quantity: 120, salesCents: 12_000, publicValueCents: 102_000),
                    .init(tier: "T2", fundedBy: "CCAS de Marseille", category: "repas", quantity: 80, salesCents: 24_000, publicValueCents: 68_000),
                    .init(tier: "public", fundedBy: nil, category: "repas", quantity: 50, salesCents: 42_500, publicValueCents: 42_500)],
            tickets: [.init(tier: "T1", tickets: 120, donationCents: 0, poolDrawCents: 5_100, suspendedMeals: 6)])
        // 10 000 € of purchases: 6 000 € local, 4 000 € short circuit, 1 500 € in a QPV,
        // 5 500 € EGAlim of which 2 500 € organic.
        var purchases = SourcingIndicators(lines: [], local: .departement)
        purchases.totalCents = 1_000_000
        purchases.localCents = 600_000
        purchases.shortCircuitCents = 400_000
        purchases.qpvCents = 150_000
        purchases.bioCents = 250_000
        purchases.officialQualityCents = 200_000
        purchases.otherEgalimCents = 100_000
        facts.purchases = purchases
        facts.membersAtEnd = [("Habitant·es", "Habitant·es"), ("Habitant·es", "Habitant·es"), ("Salarié·es", "Salarié·es"), ("Partenaires", nil)]
        // 4 × 20 € subscribed, one 20 € reimbursed in May, a transfer that moves nothing, one
        // subscription after the period.
        facts.capitalMoves = [.init(day: day("2025-09-01"), kind: .subscription, cents: 8_000), .init(day: day("2026-05-10"), kind: .reimbursement, cents: 2_000),
                              .init(day: day("2026-05-11"), kind: .transfer, cents: 2_000), .init(day: day("2026-07-01"), kind: .subscription, cents: 2_000)]
        // The June assembly: 9 of the 12 voters present or represented; last year's does not count.
        facts.assemblies = [.init(day: day("2026-06-20"), attendees: 9, voters: 12), .init(day: day("2025-06-21"), attendees: 5, voters: 10)]
        facts.partnerKinds = ["mission-locale", "centre-social", "mission-locale", "region"]
        facts.bookings = [day("2026-02-03"), day("2026-02-04"), day("2026-08-01")]
        return facts
    }

    @Test func everyIndicatorOfTheHalfYear() throws {
        let figures = Dictionary(uniqueKeysWithValues: ImpactFigures.compute(Self.facts, period: Self.half).map { ($0.indicator, $0) })
        #expect(Set(figures.keys) == Set(Indicator.allCases))
        func value(_ indicator: Indicator) -> Double? { figures[indicator]?.value }

        #expect(value(.peopleReferred) == 3)
        #expect(figures[.peopleReferred]?.parts == ["mission-locale": 2, "sans-structure": 1])
        #expect(value(.peopleAccompanied) == 3)                       // A, B, D
        #expect(abs(try #require(value(.qpvShare)) - 66.666) < 0.01) // A and D of 3
        #expect(value(.barriersAtEntry) == 2)                         // A and B
        #expect(figures[.barriersAtEntry]?.parts == ["childcare": 1, "mobility": 1, "digital": 1])
        #expect(value(.barriersResolved) == 1)                        // A's childcare
        #expect(figures[.barriersResolved]?.parts == ["childcare": 1])
        #expect(value(.hoursWorked) == 800)
        #expect(value(.trainingHours) == 5)
        #expect(value(.skillsGained) == 2)
        #expect(figures[.skillsGained]?.parts == ["autonomous": 1, "discovered": 1])
        #expect(value(.exits) == 1)
        #expect(figures[.exits]?.parts["durableEmployment"] == 1)
        #expect(value(.dynamicExitRate) == 100)
        // 800 h over 1 607 h × 181 / 365 = 796,89 h: 1,00 FTE.
        #expect(value(.fteJobs) == 1.0)
        #expect(value(.householdsServed) == 3)
        #expect(figures[.householdsServed]?.parts == ["T2": 2, "public": 1])
        #expect(value(.reducedPriceMeals) == 200)                     // 120 + 80
        // (1 020 − 120) + (680 − 240) + 51 = 1 391 €, of which the CCAS 440 € and the pool 51 €.
        #expect(value(.solidarityValue) == 139_100)
        #expect(figures[.solidarityValue]?.parts == ["Marge de la coopérative": 90_000, "CCAS de Marseille": 44_000, "Caisse de solidarité (repas suspendus)": 5_100])
        #expect(value(.localPurchaseShare) == 60)
        #expect(value(.shortCircuitShare) == 40)
        #expect(value(.qpvPurchaseShare) == 15)
        #expect(value(.egalimShare) == 55)
        #expect(value(.organicShare) == 25)
        #expect(value(.members) == 4)
        #expect(figures[.members]?.parts == ["Habitant·es": 2, "Salarié·es": 1, "Partenaires": 1])
        #expect(figures[.membersByCollege]?.parts == ["Habitant·es": 2, "Salarié·es": 1, "sans-collège": 1])
        #expect(value(.capital) == 6_000)                             // 80 € − 20 €
        #expect(value(.assembliesHeld) == 1)
        #expect(value(.attendanceRate) == 75)                         // 9 of 12
        #expect(value(.partners) == 4)
        #expect(figures[.partners]?.parts == ["mission-locale": 2, "centre-social": 1, "region": 1])
        #expect(value(.resourceBookings) == 2)
    }

    @Test func cooperativesAddUpTheirPartsAndWholes() {
        // Caillols: 6 000 € local of 10 000 €; Avignon: 500 € of 5 000 €: 6 500 / 15 000 = 43,33 %.
        let together = IndicatorFigure.total([IndicatorFigure(.localPurchaseShare, amount: 600_000, whole: 1_000_000),
                                              IndicatorFigure(.localPurchaseShare, amount: 50_000, whole: 500_000)], of: .localPurchaseShare)
        #expect(abs((together.value ?? 0) - 43.333) < 0.01)
        let referred = IndicatorFigure.total([IndicatorFigure(.peopleReferred, amount: 3, parts: ["mission-locale": 2, "sans-structure": 1]),
                                              IndicatorFigure(.peopleReferred, amount: 4, parts: ["mission-locale": 4])], of: .peopleReferred)
        #expect(referred.value == 7)
        #expect(referred.parts == ["mission-locale": 6, "sans-structure": 1])
        #expect(IndicatorFigure.total([], of: .egalimShare).value == nil)
    }

    @Test func aFunderSeesLessThanFiveAndCannotSubtractItBack() {
        // 12 people referred: 9 by the Mission Locale, 2 by the social centre, 1 without organisation.
        let referred = IndicatorFigure(.peopleReferred, amount: 12, parts: ["mission-locale": 9, "centre-social": 2, "sans-structure": 1])
        let shown = ShownFigure(referred, exact: false, threshold: 5)
        #expect(shown.value == 12 && !shown.masked)
        // A breakdown whole or not at all: 12 − 9 would say the small cells are 3 together, and
        // the Mission Locale's 9 could come back from another period or level (issue 21).
        #expect(shown.parts.map(\.masked) == [true, true, true])
        #expect(shown.parts.first { $0.key == "mission-locale" }?.secret == true)
        #expect(shown.parts.first { $0.key == "centre-social" }?.secret == false)

        let lone = ShownFigure(IndicatorFigure(.exits, amount: 17, parts: ["durableEmployment": 9, "positiveExit": 2, "otherExit": 6, "transitionalEmployment": 0]),
                               exact: false, threshold: 5)
        #expect(lone.parts.filter(\.masked).map(\.key) == ["durableEmployment", "otherExit", "positiveExit"])
        // Zero points at nobody and stays; the coordinator sees everything.
        #expect(lone.parts.first { $0.key == "transitionalEmployment" }?.value == 0)
        #expect(!ShownFigure(IndicatorFigure(.exits, amount: 3), exact: true, threshold: 5).masked)

        // A total under five hides itself and its parts; a threshold of 3 shows 4.
        let few = ShownFigure(IndicatorFigure(.peopleAccompanied, amount: 4, parts: ["a": 4]), exact: false, threshold: 5)
        #expect(few.masked && few.value == nil && few.parts.allSatisfy(\.masked))
        #expect(!ShownFigure(IndicatorFigure(.peopleAccompanied, amount: 4), exact: false, threshold: 3).masked)

        // 2 of 3 accompanied in a QPV: 66,7 % would give both counts away; 18 of 20 gives the 2 others.
        #expect(ShownFigure(IndicatorFigure(.qpvShare, amount: 2, whole: 3), exact: false, threshold: 5).masked)
        #expect(ShownFigure(IndicatorFigure(.qpvShare, amount: 18, whole: 20), exact: false, threshold: 5).masked)
        #expect(ShownFigure(IndicatorFigure(.qpvShare, amount: 12, whole: 20), exact: false, threshold: 5).value == 60)
        // Money and purchases are not people: shown as they are.
        #expect(ShownFigure(IndicatorFigure(.capital, amount: 2_000), exact: false, threshold: 5).value == 2_000)
    }

    @Test func aPeriodIsCutIntoItsCalendarMonths() {
        // 15 November 2025 to 10 February 2026: four months, the first and last clipped.
        let months = ImpactFigures.months(of: DayPeriod(from: Self.day("2025-11-15"), to: Self.day("2026-02-10")))
        #expect(months.map(\.from.description) == ["2025-11-15", "2025-12-01", "2026-01-01", "2026-02-01"])
        #expect(months.map(\.to.description) == ["2025-11-30", "2025-12-31", "2026-01-31", "2026-02-10"])
        // Two years: the last twelve months only.
        let long = ImpactFigures.months(of: DayPeriod(from: Self.day("2025-01-01"), to: Self.day("2026-12-31")))
        #expect(long.count == 12 && long.first?.from.description == "2026-01-01")
        // The monthly people accompanied of the half-year: A all along, B from February to May, D on 30 June.
        let figures = ImpactFigures.months(of: Self.half).map { month in
            ImpactFigures.compute(Self.facts, period: month).first { $0.indicator == .peopleAccompanied }?.amount ?? -1
        }
        #expect(figures == [1, 2, 2, 2, 2, 2])
    }
}
