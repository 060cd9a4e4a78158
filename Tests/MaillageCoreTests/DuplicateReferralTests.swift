import MaillageCore
import Testing

@Suite struct DuplicateReferralTests {
    @Test func sameNameAndYearWhateverTheSpelling() {
        let typed = DuplicateReferral.key(firstName: "Aïcha", lastName: "Ben-Saïd", birthYear: 1994)
        #expect(typed != nil)
        #expect(DuplicateReferral.key(firstName: "aicha", lastName: "BEN SAID", birthYear: 1994) == typed)
        #expect(DuplicateReferral.key(firstName: " Aicha ", lastName: "Bensaid", birthYear: 1994) == typed)
    }

    @Test func anotherYearOrAnotherNameIsAnotherPerson() {
        let typed = DuplicateReferral.key(firstName: "Fatou", lastName: "Diallo", birthYear: 1990)
        #expect(DuplicateReferral.key(firstName: "Fatou", lastName: "Diallo", birthYear: 1991) != typed)
        #expect(DuplicateReferral.key(firstName: "Fatoumata", lastName: "Diallo", birthYear: 1990) != typed)
        // First and last names are not swapped silently.
        #expect(DuplicateReferral.key(firstName: "Diallo", lastName: "Fatou", birthYear: 1990) != typed)
    }

    @Test func withoutBirthYearOrNameNothingIsClaimed() {
        #expect(DuplicateReferral.key(firstName: "Fatou", lastName: "Diallo", birthYear: nil) == nil)
        #expect(DuplicateReferral.key(firstName: "—", lastName: "Diallo", birthYear: 1990) == nil)
    }
}
