import MaillageCore
import Testing

@Suite("Governance: converting shares between classes")
struct CapitalConversionTests {
    let nominal = ["fondateur": 10_000, "ordinaire": 2_000, "trente": 3_000]
    let minimum = ["fondateur": 1, "ordinaire": 1, "trente": 1]
    let subscribed = [CapitalRegister.Entry(kind: .subscription, member: "centre", shareClass: "fondateur", quantity: 3)]

    @Test func aConversionKeepsTheValueAndMovesTheHolding() {
        let conversion = CapitalRegister.Entry(kind: .conversion, member: "centre", shareClass: "fondateur", quantity: 2, toShareClass: "ordinaire", toQuantity: 10)
        #expect(CapitalRegister.problems(conversion, after: subscribed, nominalCents: nominal, minimumQuantity: minimum, publicBodies: []).isEmpty)
        let held = CapitalRegister.holdings(subscribed + [conversion])
        #expect(held[.init(member: "centre", shareClass: "fondateur")] == 1)
        #expect(held[.init(member: "centre", shareClass: "ordinaire")] == 10)
    }

    @Test func aConversionThatChangesTheValueOrHasNoTargetIsRefused() {
        // 2 × 100 € = 200 €: not a whole number of 30 € shares.
        let uneven = CapitalRegister.Entry(kind: .conversion, member: "centre", shareClass: "fondateur", quantity: 2, toShareClass: "trente", toQuantity: 6)
        #expect(CapitalRegister.problems(uneven, after: subscribed, nominalCents: nominal, minimumQuantity: minimum, publicBodies: [])["quantity"] != nil)
        let cheated = CapitalRegister.Entry(kind: .conversion, member: "centre", shareClass: "fondateur", quantity: 2, toShareClass: "ordinaire", toQuantity: 11)
        #expect(CapitalRegister.problems(cheated, after: subscribed, nominalCents: nominal, minimumQuantity: minimum, publicBodies: [])["quantity"] != nil)
        let same = CapitalRegister.Entry(kind: .conversion, member: "centre", shareClass: "fondateur", quantity: 1, toShareClass: "fondateur", toQuantity: 1)
        #expect(CapitalRegister.problems(same, after: subscribed, nominalCents: nominal, minimumQuantity: minimum, publicBodies: [])["toShareClassID"] != nil)
        let nowhere = CapitalRegister.Entry(kind: .conversion, member: "centre", shareClass: "fondateur", quantity: 1)
        #expect(CapitalRegister.problems(nowhere, after: subscribed, nominalCents: nominal, minimumQuantity: minimum, publicBodies: [])["toShareClassID"] != nil)
        let tooMany = CapitalRegister.Entry(kind: .conversion, member: "centre", shareClass: "fondateur", quantity: 4, toShareClass: "ordinaire", toQuantity: 20)
        #expect(CapitalRegister.problems(tooMany, after: subscribed, nominalCents: nominal, minimumQuantity: minimum, publicBodies: [])["quantity"] != nil)
    }
}
