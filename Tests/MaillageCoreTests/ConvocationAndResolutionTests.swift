import MaillageCore
import Testing

@Suite("Governance: convocation, resolutions and their majority")
struct ConvocationAndResolutionTests {
    @Test func theConvocationLeavesFifteenDaysBefore() throws {
        let assembly = try #require(CalendarDay("2027-06-12"))
        let inTime = try #require(CalendarDay("2027-05-28"))
        #expect(ConvocationRules.problem(sentOn: inTime, assemblyOn: assembly) == nil)
        let tooLate = try #require(CalendarDay("2027-05-29"))
        let late = try #require(ConvocationRules.problem(sentOn: tooLate, assemblyOn: assembly))
        #expect(late.contains("il en reste 14"))
        #expect(late.contains("13/06/2027"))
        let after = try #require(CalendarDay("2027-06-13"))
        #expect(ConvocationRules.problem(sentOn: after, assemblyOn: assembly)?.contains("déjà eu lieu") == true)
    }

    @Test func aResolutionTakesItsAssemblysMajorityOrAStricterOne() throws {
        #expect(try ResolutionDraft(title: "Comptes", text: "Approuvés.").validate(assembly: .ordinary).majority == .ordinary)
        #expect(try ResolutionDraft(title: "Statuts", text: "Modifiés.").validate(assembly: .extraordinary).majority == .extraordinary)
        #expect(try ResolutionDraft(title: "Fusion", text: "Approuvée.", majority: "3/4").validate(assembly: .extraordinary).majority == .atLeast(Fraction(3, 4)))
        #expect(throws: FieldErrors.self) { try ResolutionDraft(title: "Statuts", text: "x", majority: "ordinary").validate(assembly: .extraordinary) }
        #expect(throws: FieldErrors.self) { try ResolutionDraft(title: "x", text: "x", majority: "1/3").validate(assembly: .ordinary) }
        // "At least half" is weaker than the law's "more than half"; 3/5 is weaker than an AGE's 2/3.
        #expect(throws: FieldErrors.self) { try ResolutionDraft(title: "x", text: "x", majority: "1/2").validate(assembly: .ordinary) }
        #expect(throws: FieldErrors.self) { try ResolutionDraft(title: "x", text: "x", majority: "3/5").validate(assembly: .extraordinary) }
        #expect(try ResolutionDraft(title: "x", text: "x", majority: "3/5").validate(assembly: .ordinary).majority == .atLeast(Fraction(3, 5)))
        #expect(try ResolutionDraft(title: "x", text: "x", majority: "2/3").validate(assembly: .extraordinary).majority == .atLeast(Fraction(2, 3)))
        // Statutes asking 3/4 for every extraordinary decision: 2/3 is then too weak.
        var strict = AssemblyRules.codeDeCommerce
        strict.extraordinaryMajority = Fraction(3, 4)
        #expect(throws: FieldErrors.self) { try ResolutionDraft(title: "x", text: "x", majority: "2/3").validate(assembly: .extraordinary, rules: strict) }
        do {
            _ = try ResolutionDraft(title: " ", text: nil).validate(assembly: .ordinary)
            Issue.record("a resolution without title or text is refused")
        } catch {
            #expect(Set(error.messages.keys) == ["title", "text"])
        }
        #expect(ResolutionMajority("2/3")?.description == "2/3")
        #expect(ResolutionMajority("deux tiers") == nil)
    }

    /// 3 colleges (residents 40, workers 35, partners 25): 60 % for, weighted.
    @Test func aStricterMajorityIsMetOnTheWeightedShare() {
        let colleges = [CollegeWeight(id: "h", name: "Habitant·es", weightPercent: 40), CollegeWeight(id: "s", name: "Salarié·es", weightPercent: 35),
                        CollegeWeight(id: "p", name: "Partenaires", weightPercent: 25)]
        let votes: [(college: String?, choice: VoteChoice)] = Array(repeating: ("h", .against), count: 7) + [("s", .for), ("s", .for), ("p", .for), ("p", .for)]
        let tally = Tally(votes: votes, colleges: colleges)
        let rules = AssemblyRules.codeDeCommerce
        #expect(tally.adopted(under: .ordinary, rules: rules))
        #expect(!tally.adoptedByHeadCount(under: .ordinary, rules: rules))
        #expect(!tally.adopted(under: .extraordinary, rules: rules)) // 60 % < 2/3
        #expect(tally.adopted(under: .atLeast(Fraction(3, 5)), rules: rules)) // exactly 60 %: "at least"
        #expect(!tally.adopted(under: .atLeast(Fraction(3, 4)), rules: rules))
    }

    @Test func anAssemblyIsPlannedWithItsDateAndAgenda() throws {
        let valid = try AssemblyDraft(kind: "ordinary", convocation: nil, date: "2027-06-12T18:30", place: "Centre social",
                                      remoteLink: "https://visio.example/ag", agenda: "Comptes\n\n  Affectation du résultat ").validate()
        #expect(valid.convocation == .first)
        #expect(valid.time == "18:30")
        #expect(valid.day.description == "2027-06-12")
        #expect(valid.agenda == ["Comptes", "Affectation du résultat"])
        do {
            _ = try AssemblyDraft(kind: "annuelle", convocation: "third", date: "12 juin 2027", remoteLink: "javascript:alert(1)").validate()
            Issue.record("refused")
        } catch {
            #expect(Set(error.messages.keys) == ["kind", "convocation", "date", "remoteLink"])
        }
        #expect(AttendanceRules.holderLeaving(proxiesHeld: 2, newMode: .remote) != nil)
        #expect(AttendanceRules.holderLeaving(proxiesHeld: 2, newMode: .present) == nil)
        #expect(AttendanceRules.holderLeaving(proxiesHeld: 0, newMode: .postal) == nil)
    }
}
