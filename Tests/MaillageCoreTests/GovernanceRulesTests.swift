@testable import MaillageCore
import Testing

// The Coopérative d'habitants des Caillols (Marseille 12e), a SCIC of about forty members
// in three colleges.
private let habitants = CollegeWeight(id: "habitants", name: "Habitant·es bénéficiaires", weightPercent: 40)
private let salaries = CollegeWeight(id: "salaries", name: "Salarié·es et coopérant·es", weightPercent: 35)
private let partenaires = CollegeWeight(id: "partenaires", name: "Partenaires (centres sociaux, associations, Ville)", weightPercent: 25)
private let caillolsColleges = [habitants, salaries, partenaires]
private let members = 40

private typealias Ballot = (college: String?, choice: VoteChoice)

/// So many ballots for, against and abstaining in one college (nil: no colleges).
private func ballots(_ college: CollegeWeight?, for forCount: Int, against againstCount: Int, abstain abstainCount: Int = 0) -> [Ballot] {
    let id = college?.id
    var result: [Ballot] = []
    result += Array<Ballot>(repeating: (college: id, choice: .for), count: forCount)
    result += Array<Ballot>(repeating: (college: id, choice: .against), count: againstCount)
    result += Array<Ballot>(repeating: (college: id, choice: .abstain), count: abstainCount)
    return result
}

/// Shares are floating point: compare them to the exact fraction within 1e-9.
private func nearly(_ value: Double?, _ expected: Double) -> Bool {
    guard let value else { return false }
    return abs(value - expected) < 1e-9
}

@Suite("Governance: fractions")
struct FractionTests {
    @Test func reachingAFractionIncludesTheBoundary() {
        let fifth = Fraction(1, 5)
        #expect(fifth.isReached(by: 8, of: members)) // 8 of 40 is exactly 1/5
        #expect(!fifth.isReached(by: 7, of: members))
        let twoThirds = Fraction(2, 3)
        #expect(twoThirds.isReached(by: 20, of: 30))
        #expect(!twoThirds.isReached(by: 19, of: 30))
        #expect(twoThirds.description == "2/3")
    }

    @Test func exceedingAFractionExcludesTheBoundary() {
        let half = Fraction(1, 2)
        #expect(half.isReached(by: 20, of: members))
        #expect(!half.isExceeded(by: 20, of: members)) // exactly half is not more than half
        #expect(half.isExceeded(by: 21, of: members))
        #expect(!Fraction(1, 5).isExceeded(by: 8, of: members))
        #expect(!Fraction(2, 3).isExceeded(by: 20, of: 30))
    }
}

@Suite("Governance: quorum and majority")
struct AssemblyRulesTests {
    let rules = AssemblyRules.codeDeCommerce

    @Test func theCodeDeCommerceQuorums() {
        #expect(rules.quorum(.ordinary, .first) == Fraction(1, 5))
        #expect(rules.quorum(.ordinary, .second) == nil)
        #expect(rules.quorum(.extraordinary, .first) == Fraction(1, 4))
        #expect(rules.quorum(.extraordinary, .second) == Fraction(1, 5))
    }

    @Test func anOrdinaryAssemblyNeedsAFifthOnFirstConvocationAndNothingOnSecond() {
        #expect(rules.quorumReached(.ordinary, .first, participating: 8, members: members))
        #expect(!rules.quorumReached(.ordinary, .first, participating: 7, members: members))
        // On second convocation it deliberates whoever comes, even nobody.
        #expect(rules.quorumReached(.ordinary, .second, participating: 1, members: members))
        #expect(rules.quorumReached(.ordinary, .second, participating: 0, members: members))
    }

    @Test func anExtraordinaryAssemblyNeedsAQuarterThenAFifth() {
        #expect(rules.quorumReached(.extraordinary, .first, participating: 10, members: members))
        #expect(!rules.quorumReached(.extraordinary, .first, participating: 9, members: members))
        #expect(rules.quorumReached(.extraordinary, .second, participating: 8, members: members))
        #expect(!rules.quorumReached(.extraordinary, .second, participating: 7, members: members))
    }

    @Test func aBodyWithoutMembersNeverReachesAQuorumThatExists() {
        // 0 of 0 would "reach" any fraction in integers: the rule refuses it.
        #expect(!rules.quorumReached(.ordinary, .first, participating: 0, members: 0))
        #expect(!rules.quorumReached(.extraordinary, .first, participating: 0, members: 0))
        #expect(!rules.quorumReached(.extraordinary, .second, participating: 0, members: 0))
        #expect(rules.quorumReached(.ordinary, .second, participating: 0, members: 0)) // no quorum at all
    }

    @Test func theStatutesMayAskForAHigherQuorum() {
        var statutes = AssemblyRules.codeDeCommerce
        statutes.ordinaryFirstQuorum = Fraction(1, 3)
        #expect(statutes.quorumReached(.ordinary, .first, participating: 14, members: members)) // 14 × 3 = 42 ≥ 40
        #expect(!statutes.quorumReached(.ordinary, .first, participating: 13, members: members)) // 39 < 40
        // Only that one changes.
        #expect(statutes.quorum(.ordinary, .second) == nil)
        #expect(statutes.quorum(.extraordinary, .first) == Fraction(1, 4))
        #expect(rules.quorumReached(.ordinary, .first, participating: 13, members: members)) // enough under the code alone
    }

    @Test func anOrdinaryResolutionNeedsMoreThanHalfOfVotesCast() {
        // 10 for, 10 against, 15 abstain: abstentions are not cast, 10 of 20 is not more than half.
        #expect(!rules.adopted(.ordinary, forVotes: 10, cast: 20))
        #expect(rules.adopted(.ordinary, forVotes: 11, cast: 21)) // 11 for, 10 against
    }

    @Test func anExtraordinaryResolutionNeedsTwoThirdsOfVotesCast() {
        #expect(rules.adopted(.extraordinary, forVotes: 20, cast: 30)) // 20 for, 10 against: exactly two thirds
        #expect(!rules.adopted(.extraordinary, forVotes: 19, cast: 29)) // 19 for, 10 against
    }

    @Test func withoutAVoteCastNothingIsAdopted() {
        #expect(!rules.adopted(.ordinary, forVotes: 0, cast: 0))
        #expect(!rules.adopted(.extraordinary, forVotes: 0, cast: 0))
    }
}

@Suite("Governance: colleges and categories")
struct CollegeAndStatutesRulesTests {
    @Test func theCaillolsCollegesAreValid() {
        #expect(CollegeRules.problems(caillolsColleges).isEmpty)
    }

    @Test func aCollegeAboveHalfOfTheVotesIsNamed() {
        let errors = CollegeRules.problems([
            CollegeWeight(id: "habitants", name: "Habitant·es bénéficiaires", weightPercent: 60),
            CollegeWeight(id: "salaries", name: "Salarié·es et coopérant·es", weightPercent: 25),
            CollegeWeight(id: "partenaires", name: "Partenaires", weightPercent: 15),
        ])
        // The sum is still 100 %: only the first college is at fault.
        #expect(Array(errors.messages.keys) == ["colleges[0].weightPercent"])
        #expect(errors["colleges[0].weightPercent"]?.contains("60 %") == true)
        #expect(errors["colleges[0].weightPercent"]?.contains("Habitant·es bénéficiaires") == true)
    }

    @Test func aCollegeBelowTenPercentIsNamed() {
        let errors = CollegeRules.problems([
            CollegeWeight(id: "habitants", name: "Habitant·es bénéficiaires", weightPercent: 5),
            CollegeWeight(id: "salaries", name: "Salarié·es et coopérant·es", weightPercent: 45),
            CollegeWeight(id: "partenaires", name: "Partenaires", weightPercent: 50), // 50 % is allowed
        ])
        #expect(Array(errors.messages.keys) == ["colleges[0].weightPercent"])
    }

    @Test func weightsThatDoNotSumToAHundredAreRefused() {
        let errors = CollegeRules.problems([habitants, salaries, CollegeWeight(id: "partenaires", name: "Partenaires", weightPercent: 20)])
        #expect(Array(errors.messages.keys) == ["colleges"])
        #expect(errors["colleges"]?.contains("95 %") == true)
    }

    @Test func withoutCollegesThereIsNothingToCheck() {
        #expect(CollegeRules.problems([]).isEmpty)
    }

    @Test func aSCICWithEmployeesBeneficiariesAndSupportersIsComplete() {
        #expect(StatutesRules.scicWarnings(categories: [.employees, .beneficiaries, .supporters]).isEmpty)
        // Producers stand in for employees.
        #expect(StatutesRules.scicWarnings(categories: [.producers, .beneficiaries, .publicBodies]).isEmpty)
    }

    @Test func aCooperativeInPrefigurationIsWarnedOfWhatItLacks() {
        // Residents and the social centre alone: too few categories, and no employees.
        let warnings = StatutesRules.scicWarnings(categories: [.beneficiaries, .supporters])
        #expect(warnings.count == 2)
        #expect(warnings.contains { $0.contains("au moins trois catégories") && $0.contains("il y en a 2") })
        #expect(warnings.contains { $0.contains("salarié·es") })
    }

    @Test func aSCICWithoutBeneficiariesIsWarned() {
        #expect(StatutesRules.scicWarnings(categories: [.employees, .supporters, .publicBodies])
            == ["Il manque les bénéficiaires parmi les catégories d'associés."])
    }
}

@Suite("Governance: proxies")
struct ProxyRulesTests {
    private func check(_ mode: AttendanceMode?, isGiver: Bool = false, held: Int = 0, cap: Int = 2,
                       sameCollege: Bool = false, holder: String? = "habitants", giver: String? = "habitants") -> ProxyRules.Problem? {
        ProxyRules.check(holderMode: mode, holderIsGiver: isGiver, proxiesHeld: held, cap: cap,
                         sameCollegeRequired: sameCollege, holderCollege: holder, giverCollege: giver)
    }

    @Test func aMemberPresentInTheRoomCarriesAProxy() {
        #expect(check(.present) == nil)
        #expect(check(.present, held: 1) == nil) // a second one, still under the cap of 2
    }

    @Test func onlyAMemberInTheRoomCarriesAProxy() {
        #expect(check(.remote) == .holderAbsent)
        #expect(check(.postal) == .holderAbsent)
        #expect(check(.represented) == .holderAbsent)
        #expect(check(nil) == .holderAbsent) // not at the assembly at all
    }

    @Test func noOneGivesAProxyToThemself() {
        #expect(check(.present, isGiver: true) == .holderIsGiver)
    }

    @Test func theStatutesCapTheProxiesPerHolder() {
        #expect(check(.present, held: 2, cap: 2) == .capReached(2))
    }

    @Test func theStatutesMayKeepProxiesWithinACollege() {
        #expect(check(.present, sameCollege: true, holder: "salaries", giver: "habitants") == .otherCollege)
        #expect(check(.present, sameCollege: true, holder: "habitants", giver: "habitants") == nil)
        #expect(check(.present, sameCollege: false, holder: "salaries", giver: "habitants") == nil)
    }

    @Test func problemsAreExplainedInFrench() {
        #expect(ProxyRules.message(.holderAbsent) == "Le mandataire doit être présent dans la salle pour porter un pouvoir.")
        #expect(ProxyRules.message(.holderIsGiver) == "On ne se donne pas pouvoir à soi-même.")
        #expect(ProxyRules.message(.capReached(2)) == "Ce mandataire porte déjà 2 pouvoir(s), le plafond des statuts.")
        #expect(ProxyRules.message(.otherCollege) == "Les statuts demandent que le mandataire soit du même collège.")
    }
}

@Suite("Governance: a resolution's tally by college")
struct TallyTests {
    let rules = AssemblyRules.codeDeCommerce

    @Test func theWeightedResultAdoptsWhatTheHeadCountRejects() throws {
        // Raising the rent of the common room: the residents, most numerous, are against;
        // the employees and partners are all for.
        let votes = ballots(habitants, for: 2, against: 16, abstain: 2)
            + ballots(salaries, for: 8, against: 0, abstain: 2)
            + ballots(partenaires, for: 5, against: 0, abstain: 3)
        let tally = Tally(votes: votes, colleges: caillolsColleges)

        #expect(tally.forVotes == 15)
        #expect(tally.against == 16)
        #expect(tally.abstain == 7)
        #expect(tally.cast == 31)
        #expect(tally.byCollege.map(\.college) == caillolsColleges)
        #expect(tally.byCollege.map(\.forVotes) == [2, 8, 5])
        #expect(tally.byCollege.map(\.against) == [16, 0, 0])
        #expect(tally.byCollege.map(\.abstain) == [2, 2, 3])
        #expect(tally.byCollege.map(\.cast) == [18, 8, 5])
        #expect(nearly(tally.byCollege[0].forShare, 2.0 / 18.0))
        #expect(tally.byCollege[1].forShare == 1)
        #expect(tally.byCollege[2].forShare == 1)
        // Every college voted: the weights stay 40, 35 and 25 %.
        #expect(nearly(tally.byCollege[0].effectiveWeight, 0.40))
        #expect(nearly(tally.byCollege[1].effectiveWeight, 0.35))
        #expect(nearly(tally.byCollege[2].effectiveWeight, 0.25))

        // 0,4 × 2/18 + 0,35 × 1 + 0,25 × 1 = 29/45 ≈ 64,4 %
        let weighted = try #require(tally.weightedForShare)
        #expect(nearly(weighted, 29.0 / 45.0))
        #expect(tally.adopted(.ordinary, rules: rules))
        #expect(!tally.adoptedByHeadCount(.ordinary, rules: rules)) // 15 for, 16 against
        // Short of two thirds, even weighted.
        #expect(!tally.adopted(.extraordinary, rules: rules))
    }

    @Test func theWeightedResultRejectsWhatTheHeadCountAdopts() throws {
        // Turning the common room into a flat: the residents are for, employees and partners against.
        let votes = ballots(habitants, for: 20, against: 4, abstain: 1)
            + ballots(salaries, for: 1, against: 5)
            + ballots(partenaires, for: 2, against: 6)
        let tally = Tally(votes: votes, colleges: caillolsColleges)

        #expect(tally.forVotes == 23)
        #expect(tally.against == 15)
        #expect(tally.abstain == 1)
        #expect(tally.byCollege.map(\.forVotes) == [20, 1, 2])
        #expect(tally.byCollege.map(\.against) == [4, 5, 6])
        // 0,4 × 20/24 + 0,35 × 1/6 + 0,25 × 2/8 = 109/240 ≈ 45,4 %
        let weighted = try #require(tally.weightedForShare)
        #expect(nearly(weighted, 109.0 / 240.0))
        #expect(tally.adoptedByHeadCount(.ordinary, rules: rules)) // 23 of 38 cast
        #expect(!tally.adopted(.ordinary, rules: rules))
    }

    @Test func aCollegeThatCastsNoVoteIsLeftOutAndTheOthersScaledUp() throws {
        // The partners all abstain: residents and employees share the votes, 40/75 and 35/75.
        let votes = ballots(habitants, for: 15, against: 5)
            + ballots(salaries, for: 3, against: 5)
            + ballots(partenaires, for: 0, against: 0, abstain: 5)
        let tally = Tally(votes: votes, colleges: caillolsColleges)

        let silent = tally.byCollege[2]
        #expect(silent.cast == 0)
        #expect(silent.abstain == 5)
        #expect(silent.forShare == nil)
        #expect(silent.effectiveWeight == 0)
        #expect(nearly(tally.byCollege[0].effectiveWeight, 40.0 / 75.0))
        #expect(nearly(tally.byCollege[1].effectiveWeight, 35.0 / 75.0))

        // 40/75 × 3/4 + 35/75 × 3/8 = 23/40 = 57,5 %; counting the partners as 0 would give
        // 0,4 × 3/4 + 0,35 × 3/8 ≈ 43,1 % and reject it.
        let weighted = try #require(tally.weightedForShare)
        #expect(nearly(weighted, 23.0 / 40.0))
        #expect(tally.adopted(.ordinary, rules: rules))
    }

    @Test func withoutCollegesTheHeadCountDecides() {
        // 10 for, 10 against, 15 abstain: rejected; one more for and it passes.
        let tie = Tally(votes: ballots(nil, for: 10, against: 10, abstain: 15), colleges: [])
        #expect(tie.byCollege.isEmpty)
        #expect(tie.weightedForShare == nil)
        #expect(tie.cast == 20)
        #expect(!tie.adopted(.ordinary, rules: rules))
        #expect(tie.adopted(.ordinary, rules: rules) == tie.adoptedByHeadCount(.ordinary, rules: rules))

        let oneMore = Tally(votes: ballots(nil, for: 11, against: 10, abstain: 15), colleges: [])
        #expect(oneMore.weightedForShare == nil)
        #expect(oneMore.adopted(.ordinary, rules: rules))
        #expect(!oneMore.adopted(.extraordinary, rules: rules))

        // 20 for, 10 against: exactly two thirds.
        #expect(Tally(votes: ballots(nil, for: 20, against: 10), colleges: []).adopted(.extraordinary, rules: rules))
        #expect(!Tally(votes: ballots(nil, for: 19, against: 10), colleges: []).adopted(.extraordinary, rules: rules))
    }

    @Test func whenEveryoneAbstainsNothingIsAdopted() {
        let votes = ballots(habitants, for: 0, against: 0, abstain: 12) + ballots(salaries, for: 0, against: 0, abstain: 4)
        let tally = Tally(votes: votes, colleges: caillolsColleges)
        #expect(tally.weightedForShare == nil)
        #expect(tally.byCollege.allSatisfy { $0.effectiveWeight == 0 })
        #expect(!tally.adopted(.ordinary, rules: rules))
        #expect(!tally.adopted(.extraordinary, rules: rules))
    }

    @Test func exactlyTwoThirdsWeightedPassesAnExtraordinaryResolution() throws {
        // Amending the statutes: 0,4 × 1 + 0,35 × 1/3 + 0,25 × 3/5 = 24/60 + 7/60 + 9/60 = 2/3.
        let votes = ballots(habitants, for: 4, against: 0)
            + ballots(salaries, for: 1, against: 2)
            + ballots(partenaires, for: 3, against: 2)
        let tally = Tally(votes: votes, colleges: caillolsColleges)
        let weighted = try #require(tally.weightedForShare)
        #expect(nearly(weighted, 2.0 / 3.0))
        #expect(tally.adopted(.extraordinary, rules: rules))

        // One partner for fewer: 0,4 + 0,35/3 + 0,25 × 2/4 = 77/120 ≈ 64,2 %.
        let short = Tally(votes: ballots(habitants, for: 4, against: 0) + ballots(salaries, for: 1, against: 2)
            + ballots(partenaires, for: 2, against: 2), colleges: caillolsColleges)
        #expect(nearly(short.weightedForShare, 77.0 / 120.0))
        #expect(!short.adopted(.extraordinary, rules: rules))
    }

    @Test func twoEqualCollegesAtOneAndAThirdMakeTwoThirds() throws {
        // 0,5 × 1 + 0,5 × 1/3 = 2/3 in floating point falls just below: the comparison must still pass.
        let residents = CollegeWeight(id: "habitants", name: "Habitant·es", weightPercent: 50)
        let employees = CollegeWeight(id: "salaries", name: "Salarié·es", weightPercent: 50)
        let tally = Tally(votes: ballots(residents, for: 2, against: 0) + ballots(employees, for: 3, against: 6),
                          colleges: [residents, employees])
        let weighted = try #require(tally.weightedForShare)
        #expect(nearly(weighted, 2.0 / 3.0))
        #expect(tally.adopted(.extraordinary, rules: rules))
        #expect(!tally.adoptedByHeadCount(.extraordinary, rules: rules)) // 5 for of 11 cast

        let short = Tally(votes: ballots(residents, for: 2, against: 0) + ballots(employees, for: 3, against: 7),
                          colleges: [residents, employees])
        #expect(nearly(short.weightedForShare, 0.65))
        #expect(!short.adopted(.extraordinary, rules: rules))
    }
}

@Suite("Governance: capital")
struct CapitalRulesTests {
    @Test func publicBodiesHoldAtMostHalfOfTheCapital() {
        // The Ville de Marseille and the Métropole together, out of 10 000 € of capital.
        #expect(CapitalRules.publicBodiesWithinCap(publicCents: 500_000, totalCents: 1_000_000))
        #expect(!CapitalRules.publicBodiesWithinCap(publicCents: 500_100, totalCents: 1_000_000)) // 5 001 €
        #expect(CapitalRules.publicBodiesWithinCap(publicCents: 0, totalCents: 0)) // before the first share
    }

    @Test func theRegisterOfSharesRunsWithoutAGap() {
        #expect(CapitalRules.firstGap(in: [1, 2, 3]) == nil)
        #expect(CapitalRules.firstGap(in: [3, 1, 2]) == nil) // order does not matter
        #expect(CapitalRules.firstGap(in: [1, 2, 4]) == 3)
        #expect(CapitalRules.firstGap(in: [2, 3]) == 1)
        #expect(CapitalRules.firstGap(in: [1, 1, 2]) == 2) // 1 twice: the run breaks where 2 was due
        #expect(CapitalRules.firstGap(in: []) == nil)
    }
}

@Suite("Capital register")
struct CapitalRegisterTests {
    /// Parts sociales of the Caillols SCIC: 20 € each, one at least.
    let nominal = ["part": 2_000]
    let minimum = ["part": 1]

    private func problems(_ entry: CapitalRegister.Entry, after entries: [CapitalRegister.Entry], publicBodies: Set<String> = []) -> [String] {
        CapitalRegister.problems(entry, after: entries, nominalCents: nominal, minimumQuantity: minimum, publicBodies: publicBodies).messages.keys.sorted()
    }

    @Test func holdingsFollowSubscriptionsTransfersAndReimbursements() {
        let entries: [CapitalRegister.Entry] = [
            .init(kind: .subscription, member: "fatou", shareClass: "part", quantity: 5),
            .init(kind: .subscription, member: "centre-social", shareClass: "part", quantity: 50),
            .init(kind: .transfer, member: "fatou", toMember: "jonathan", shareClass: "part", quantity: 2),
            .init(kind: .reimbursement, member: "centre-social", shareClass: "part", quantity: 10),
        ]
        let held = CapitalRegister.holdings(entries)
        #expect(held[.init(member: "fatou", shareClass: "part")] == 3)
        #expect(held[.init(member: "jonathan", shareClass: "part")] == 2)
        #expect(held[.init(member: "centre-social", shareClass: "part")] == 40)
        // Reimbursed in full: no holding left.
        #expect(CapitalRegister.holdings(entries + [.init(kind: .reimbursement, member: "jonathan", shareClass: "part", quantity: 2)])[.init(member: "jonathan", shareClass: "part")] == nil)
    }

    @Test func nobodyGivesOrTakesBackMoreThanTheyHold() {
        let start: [CapitalRegister.Entry] = [.init(kind: .subscription, member: "fatou", shareClass: "part", quantity: 3)]
        #expect(problems(.init(kind: .reimbursement, member: "fatou", shareClass: "part", quantity: 4), after: start) == ["quantity"])
        #expect(problems(.init(kind: .transfer, member: "fatou", toMember: "fatou", shareClass: "part", quantity: 1), after: start) == ["toMemberID"])
        #expect(problems(.init(kind: .transfer, member: "fatou", shareClass: "part", quantity: 1), after: start) == ["toMemberID"])
        #expect(problems(.init(kind: .transfer, member: "fatou", toMember: "jonathan", shareClass: "part", quantity: 3), after: start).isEmpty)
        #expect(problems(.init(kind: .subscription, member: "fatou", shareClass: "part", quantity: 0), after: start) == ["quantity"])
    }

    @Test func aClassWithAMinimumIsHeldByThatMuchOrNotAtAll() {
        let minimumFive = ["part": 5]
        let start: [CapitalRegister.Entry] = [.init(kind: .subscription, member: "ville", shareClass: "part", quantity: 10)]
        func check(_ entry: CapitalRegister.Entry) -> [String] {
            CapitalRegister.problems(entry, after: start, nominalCents: nominal, minimumQuantity: minimumFive, publicBodies: []).messages.keys.sorted()
        }
        #expect(check(.init(kind: .subscription, member: "amina", shareClass: "part", quantity: 4)) == ["quantity"])
        #expect(check(.init(kind: .subscription, member: "amina", shareClass: "part", quantity: 5)).isEmpty)
        #expect(check(.init(kind: .reimbursement, member: "ville", shareClass: "part", quantity: 7)) == ["quantity"]) // 3 left, under 5
        #expect(check(.init(kind: .reimbursement, member: "ville", shareClass: "part", quantity: 10)).isEmpty) // all of them
    }

    @Test func publicBodiesNeverHoldMoreThanHalfTheCapital() {
        // Residents hold 100 parts (2 000 €); the Ville subscribing 100 more reaches exactly half.
        let start: [CapitalRegister.Entry] = [.init(kind: .subscription, member: "habitants", shareClass: "part", quantity: 100)]
        #expect(problems(.init(kind: .subscription, member: "ville", shareClass: "part", quantity: 100), after: start, publicBodies: ["ville"]).isEmpty)
        #expect(problems(.init(kind: .subscription, member: "ville", shareClass: "part", quantity: 101), after: start, publicBodies: ["ville"]) == ["memberID"])
        // Nor once a private member is reimbursed.
        let half = start + [.init(kind: .subscription, member: "ville", shareClass: "part", quantity: 100)]
        #expect(problems(.init(kind: .reimbursement, member: "habitants", shareClass: "part", quantity: 1), after: half, publicBodies: ["ville"]) == ["memberID"])
    }
}
