import MaillageCore
import Testing

@Suite("Governance: everyday decisions' rules")
struct DecisionRulesTests {
    let now = LocalDateTime(day: CalendarDay("2026-12-02")!, hour: 10, minute: 0)

    @Test func aPollNeedsTwoDistinctChoicesAndAClosingInTheComingYear() throws {
        let poll = try DecisionDraft(kind: "poll", title: "Jour de la formation", options: ["Lundi", " lundi ", "Mardi", ""], multipleChoice: true,
                                     closesAt: "2026-12-09", electorate: "cooperants").validate(now: now)
        #expect(poll.options == ["Lundi", "Mardi"])
        #expect(poll.closesAt == LocalDateTime(day: CalendarDay("2026-12-09")!, hour: 23, minute: 59))
        #expect(poll.electorate == .cooperants)
        #expect(poll.multipleChoice)
        let proposal = try DecisionDraft(kind: "proposal", title: "Samedi matin", multipleChoice: true, closesAt: "2026-12-02T18:00").validate(now: now)
        #expect(proposal.electorate == .members)
        #expect(!proposal.multipleChoice) // a proposal is a stance, never several
        for (draft, field) in [
            (DecisionDraft(kind: "poll", title: "Jour", options: ["Lundi"], closesAt: "2026-12-09"), "options"),
            (DecisionDraft(kind: "proposal", title: "Samedi", options: ["Oui"], closesAt: "2026-12-09"), "options"),
            (DecisionDraft(kind: "proposal", title: "Samedi", closesAt: "2026-12-02T09:59"), "closesAt"),
            (DecisionDraft(kind: "proposal", title: "Samedi", closesAt: "2028-01-01"), "closesAt"),
            (DecisionDraft(kind: "proposal", title: "Samedi", closesAt: "2026-12-09", electorate: "everyone"), "electorate"),
            (DecisionDraft(kind: "proposal", title: "Samedi", closesAt: "2026-12-09", quorumPercent: 0), "quorumPercent"),
            (DecisionDraft(kind: "vote", title: "Samedi", closesAt: "2026-12-09"), "kind"),
        ] {
            do {
                _ = try draft.validate(now: now)
                Issue.record("\(field) should be refused")
            } catch {
                #expect(error.messages[field] != nil, "\(field): \(error.messages)")
            }
        }
        #expect(Electorate("college:ab12") == .college("ab12"))
        #expect(Electorate("college:") == nil)
    }

    @Test func aBlockStopsAProposalAndTheQuorumCountsTheElectorate() {
        // 12 associates, quorum 25 %: 3 voters are enough.
        let carried = DecisionTally(ballots: [["agree"], ["agree"], ["disagree"]], electorate: 12, quorumPercent: 25)
        #expect(carried.quorumReached)
        #expect(carried.proposalCarried)
        let blocked = DecisionTally(ballots: [["agree"], ["agree"], ["block"]], electorate: 12, quorumPercent: 25)
        #expect(!blocked.proposalCarried)
        let few = DecisionTally(ballots: [["agree"], ["agree"]], electorate: 12, quorumPercent: 25)
        #expect(!few.quorumReached)
        #expect(!few.proposalCarried)
        let tie = DecisionTally(ballots: [["agree"], ["disagree"], ["abstain"]], electorate: 3, quorumPercent: nil)
        #expect(!tie.proposalCarried)
        #expect(DecisionTally(ballots: [], electorate: 0, quorumPercent: 10).quorumReached == false)
    }

    @Test func aPollLeadsWithItsMostChosenOptionsTiesIncluded() {
        let tally = DecisionTally(ballots: [["a", "b"], ["b"], ["a"], ["c", "c"]], electorate: 10, quorumPercent: nil)
        #expect(tally.count("a") == 2)
        #expect(tally.count("c") == 1) // a ballot counts an option once
        #expect(tally.leading(["a", "b", "c"]) == ["a", "b"])
        #expect(DecisionTally(ballots: [], electorate: 10, quorumPercent: nil).leading(["a", "b"]).isEmpty)
    }
}
