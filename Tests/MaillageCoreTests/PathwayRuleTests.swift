import MaillageCore
import Testing

@Suite("Referral workflow")
struct ReferralWorkflowTests {
    @Test func theNormalJourney() throws {
        #expect(try ReferralWorkflow.check(from: .sent, to: .received, reason: nil) == nil)
        #expect(try ReferralWorkflow.check(from: .received, to: .interview, reason: nil) == nil)
        #expect(try ReferralWorkflow.check(from: .interview, to: .accepted, reason: " ") == nil)
    }

    @Test(arguments: [ReferralStatus.sent, .received, .interview])
    func refusalNeedsAReasonAtEveryOpenStep(_ from: ReferralStatus) throws {
        #expect(throws: ReferralWorkflow.Refusal.reasonRequired) {
            try ReferralWorkflow.check(from: from, to: .refused, reason: "  ")
        }
        #expect(try ReferralWorkflow.check(from: from, to: .refused, reason: " Projet hors activité de la coopérative ") == "Projet hors activité de la coopérative")
    }

    /// Every pair of states: only the five arrows of the machine are allowed.
    @Test func everyOtherTransitionIsImpossible() {
        let allowed: Set<String> = ["sent>received", "sent>refused", "received>interview", "received>refused", "interview>accepted", "interview>refused"]
        for from in ReferralStatus.allCases {
            for to in ReferralStatus.allCases {
                let key = "\(from.rawValue)>\(to.rawValue)"
                let outcome = Result { () throws(ReferralWorkflow.Refusal) in try ReferralWorkflow.check(from: from, to: to, reason: "motif") }
                if allowed.contains(key) {
                    #expect((try? outcome.get()) != nil, "\(key) should be allowed")
                } else {
                    #expect(throws: ReferralWorkflow.Refusal.impossible(from: from, to: to), "\(key) should be impossible") { try outcome.get() }
                }
            }
        }
    }

    @Test func messagesSayWhatIsPossible() {
        #expect(ReferralWorkflow.message(for: .impossible(from: .sent, to: .accepted)).contains("« reçue » ou « refusée »"))
        #expect(ReferralWorkflow.message(for: .impossible(from: .accepted, to: .refused)).contains("ne peut plus changer"))
    }

    @Test func expiryAfterThirtyUntouchedDays() {
        let day = 86_400.0
        #expect(!ReferralWorkflow.hasExpired(status: .sent, lastChange: 0, now: 29 * day))
        #expect(ReferralWorkflow.hasExpired(status: .sent, lastChange: 0, now: 30 * day))
        #expect(ReferralWorkflow.hasExpired(status: .interview, lastChange: 0, now: 45 * day))
        #expect(!ReferralWorkflow.hasExpired(status: .accepted, lastChange: 0, now: 400 * day))
        #expect(!ReferralWorkflow.hasExpired(status: .refused, lastChange: 0, now: 400 * day))
    }
}

@Suite("Exit classification")
struct ExitClassificationTests {
    @Test(arguments: [
        (ExitDestination.cdi, ExitCategory.durableEmployment),
        (.cddOver6Months, .durableEmployment),
        (.interimOver6Months, .durableEmployment),
        (.businessCreation, .durableEmployment),
        (.publicService, .durableEmployment),
        (.cddUnder6Months, .transitionalEmployment),
        (.interimUnder6Months, .transitionalEmployment),
        (.subsidisedContract, .transitionalEmployment),
        (.qualifyingTraining, .positiveExit),
        (.otherInclusionEmployer, .positiveExit),
        (.jobSeeker, .otherExit),
        (.inactive, .otherExit),
        (.other, .otherExit),
    ])
    func everyDestinationHasItsCategory(_ destination: ExitDestination, _ category: ExitCategory) {
        #expect(ExitClassification.category(of: destination) == category)
    }

    @Test func everyDestinationIsCovered() {
        #expect(ExitDestination.allCases.count == 13)
        #expect(Set(ExitDestination.allCases.map(\.rawValue)) == [
            "cdi", "cdd_over_6_months", "interim_over_6_months", "business_creation", "public_service",
            "cdd_under_6_months", "interim_under_6_months", "subsidised_contract", "qualifying_training",
            "other_inclusion_employer", "job_seeker", "inactive", "other",
        ])
    }

    @Test func dynamicExitRate() {
        // A year at a coopérative d'habitants: 2 CDI, 1 CDD of 3 months, 1 qualifying training,
        // 1 job seeker, 1 inactive → 4 dynamic exits out of 6.
        let exits: [ExitDestination] = [.cdi, .cdi, .cddUnder6Months, .qualifyingTraining, .jobSeeker, .inactive]
        #expect(ExitClassification.dynamicExitRate(exits) == 4.0 / 6.0)
        #expect(ExitClassification.dynamicExitRate([]) == nil)
        #expect(ExitClassification.dynamicExitRate([.other]) == 0)
    }
}

@Suite("Referral form")
struct ReferralDraftTests {
    let today = CalendarDay(year: 2026, month: 11, day: 26)

    @Test func aCompleteReferralFromTheSocialCentre() throws {
        let valid = try ReferralDraft(
            firstName: " Aïcha ", lastName: "Benali", birthYear: 1990, contact: "06 12 34 56 78",
            commune: "Marseille 12e", qpvCode: "qn01306m", situationAtEntry: "rsa", educationLevel: "cap_bep",
            reason: "Souhaite se former à la cuisine collective.", barriers: ["childcare", "mobility", "childcare"],
            consentGiven: true, consentDate: "2026-11-20"
        ).validate(today: today)
        #expect(valid.firstName == "Aïcha")
        #expect(valid.qpvCode == "QN01306M")
        #expect(valid.situationAtEntry == .rsa)
        #expect(valid.barriers == [.childcare, .mobility])
        #expect(valid.consentDate == CalendarDay(year: 2026, month: 11, day: 20))
    }

    @Test func noConsentNoReferral() {
        let error = #expect(throws: FieldErrors.self) {
            try ReferralDraft(firstName: "Aïcha", lastName: "Benali", reason: "Cuisine", consentGiven: false).validate(today: today)
        }
        #expect(error?["consent"]?.contains("accord") == true)
    }

    @Test func badValuesAreNamed() {
        let error = #expect(throws: FieldErrors.self) {
            try ReferralDraft(firstName: "", lastName: "B", birthYear: 2020, qpvCode: "X", situationAtEntry: "chomage",
                              reason: " ", barriers: ["weather"], consentGiven: true, consentDate: "2026-12-01").validate(today: today)
        }
        for field in ["person.firstName", "person.birthYear", "person.qpvCode", "person.situationAtEntry", "reason", "barriers", "consent.date"] {
            #expect(error?[field] != nil, "\(field)")
        }
    }

    @Test func followUpSixMonthsAfterTheExit() {
        #expect(CalendarDay("2026-08-31")!.adding(months: 6) == CalendarDay("2027-02-28"))
        #expect(CalendarDay("2027-08-31")!.adding(months: 6) == CalendarDay("2028-02-29"))
        #expect(CalendarDay("2026-03-15")!.adding(months: 6).description == "2026-09-15")
        #expect(CalendarDay("2026-02-30") == nil)
        #expect(CalendarDay("26-02-03") == nil)
    }
}

@Suite("Pathway summary")
struct PathwaySummaryTests {
    let year2026 = DayPeriod(from: CalendarDay(year: 2026, month: 1, day: 1), to: CalendarDay(year: 2026, month: 12, day: 31))

    @Test func aYearAtTheCaillols() {
        let referrals: [PathwaySummary.ReferralFact] = [
            .init(status: .sent, sentOn: CalendarDay("2026-11-20")!),
            .init(status: .accepted, sentOn: CalendarDay("2026-03-02")!),
            .init(status: .refused, sentOn: CalendarDay("2026-05-10")!),
            .init(status: .accepted, sentOn: CalendarDay("2025-10-01")!), // before the period
        ]
        let pathways: [PathwaySummary.PathwayFact] = [
            // Opened in 2025, left in March 2026 with a CDI: accompanied and counted as an exit.
            .init(openedOn: CalendarDay("2025-10-17")!, exit: (CalendarDay("2026-03-31")!, .cdi), qpvCode: "QN01306M", barriers: [.childcare, .digital]),
            // Opened in March 2026, still there.
            .init(openedOn: CalendarDay("2026-03-20")!, exit: nil, qpvCode: "QN01306M", barriers: [.childcare]),
            // Left in 2025: not accompanied in 2026.
            .init(openedOn: CalendarDay("2025-01-10")!, exit: (CalendarDay("2025-12-15")!, .jobSeeker), qpvCode: nil, barriers: [.health]),
            // Lives outside any QPV, left in 2026 to a job seeker status.
            .init(openedOn: CalendarDay("2026-02-01")!, exit: (CalendarDay("2026-09-30")!, .jobSeeker), qpvCode: nil, barriers: []),
        ]
        let summary = PathwaySummary.compute(referrals: referrals, pathways: pathways, period: year2026)
        #expect(summary.referralsByStatus == ["sent": 1, "received": 0, "interview": 0, "accepted": 1, "refused": 1, "expired": 0])
        #expect(summary.accompanied == 3)
        #expect(summary.byBarrier["childcare"] == 2)
        #expect(summary.byBarrier["digital"] == 1)
        #expect(summary.byBarrier["health"] == 0)
        #expect(summary.byQpv == ["QN01306M": 2, "none": 1])
        #expect(summary.exitsByCategory == ["durableEmployment": 1, "transitionalEmployment": 0, "positiveExit": 0, "otherExit": 1])
        #expect(summary.dynamicExitRate == 0.5)
    }

    @Test func anEmptyPeriodHasNoRate() {
        let summary = PathwaySummary.compute(referrals: [], pathways: [], period: year2026)
        #expect(summary.accompanied == 0)
        #expect(summary.dynamicExitRate == nil)
        #expect(summary.exitsByCategory.values.allSatisfy { $0 == 0 })
    }
}

@Suite("Barrier diagnostic")
struct BarrierDiagnosticTests {
    @Test func latestAssessmentWinsAndResolvedBarriersAreFound() {
        let day = { (text: String) in CalendarDay(text)! }
        let history: [BarrierDiagnostic.Assessment] = [
            .init(barrier: .childcare, level: .severe, day: day("2026-03-02"), sequence: 1),
            .init(barrier: .mobility, level: .moderate, day: day("2026-03-02"), sequence: 2),
            // A crèche place found in June.
            .init(barrier: .childcare, level: .none, day: day("2026-06-15"), sequence: 3),
            // Recorded later about an earlier day: the later day still wins.
            .init(barrier: .mobility, level: .severe, day: day("2026-02-01"), sequence: 4),
            .init(barrier: .digital, level: .none, day: day("2026-03-02"), sequence: 5),
        ]
        let current = BarrierDiagnostic.current(history)
        #expect(current.map(\.barrier) == [.mobility, .childcare, .digital])
        #expect(current.first { $0.barrier == .mobility }?.level == .moderate)
        #expect(current.first { $0.barrier == .childcare }?.level == BarrierLevel.none)
        // Digital was never a barrier: not "resolved".
        #expect(BarrierDiagnostic.resolved(history) == [.childcare])
    }
}
