@testable import MaillageCore
import Testing

private func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

/// A household's tier and what it pays.
private struct Priced: Equatable {
    var tier: Tier
    var cents: Int
}

@Suite("Money: VAT and euros")
struct MoneyRulesTests {
    @Test func vatIncludedInFrenchPrices() {
        #expect(VATRate.intermediate.vatIncluded(in: 1200) == 109) // a 12,00 € meal at 10 %
        #expect(VATRate.reduced.vatIncluded(in: 300) == 16) // 3,00 € to take away at 5,5 %
        #expect(VATRate.standard.vatIncluded(in: 2500) == 417) // 25,00 € at 20 %
        #expect(VATRate.intermediate.vatIncluded(in: 0) == 0)
    }

    @Test func aTicketIsBrokenDownByRateInOrder() {
        let ticket = VATBreakdown([
            (rate: .intermediate, grossCents: 1200),
            (rate: .intermediate, grossCents: 450),
            (rate: .standard, grossCents: 2500),
            (rate: .reduced, grossCents: 300),
        ])
        #expect(ticket.lines.map(\.rate) == [.reduced, .intermediate, .standard])
        #expect(ticket.lines.map(\.grossCents) == [300, 1650, 2500])
        #expect(ticket.lines.map(\.vatCents) == [16, 150, 417])
        #expect(ticket.lines.map(\.netCents) == [284, 1500, 2083])
        #expect(ticket.grossCents == 4450)
        #expect(ticket.vatCents == 583)
        #expect(ticket.netCents == 3867)
        #expect(VATBreakdown([]).lines.isEmpty)
    }

    @Test func vatIsComputedOnEachRatesTotalNotLineByLine() {
        // Two coffees at 1,50 €: 0,14 € of VAT each, but 0,27 € on the 3,00 € total.
        #expect(VATRate.intermediate.vatIncluded(in: 150) == 14)
        let twoCoffees = VATBreakdown([(rate: .intermediate, grossCents: 150), (rate: .intermediate, grossCents: 150)])
        #expect(twoCoffees.lines.count == 1)
        #expect(twoCoffees.vatCents == 27)
    }

    @Test func ratesFromTheAPIAndTheirLabels() {
        #expect(VATRate(percent: "5,5") == .reduced)
        #expect(VATRate(percent: "5.5") == .reduced)
        #expect(VATRate(percent: "10") == .intermediate)
        #expect(VATRate(percent: "20") == .standard)
        #expect(VATRate(percent: "7") == nil)
        #expect(VATRate(percent: "") == nil)
        #expect(VATRate.reduced.frenchLabel == "5,5 %")
        #expect(VATRate.intermediate.frenchLabel == "10 %")
        #expect(VATRate.standard.frenchLabel == "20 %")
    }

    @Test func eurosAreWrittenTheFrenchWay() {
        #expect(Euros.french(123_456) == "1\u{202F}234,56 €")
        #expect(Euros.french(123_456_789) == "1\u{202F}234\u{202F}567,89 €")
        #expect(Euros.french(100_000) == "1\u{202F}000,00 €")
        #expect(Euros.french(99_999) == "999,99 €")
        #expect(Euros.french(-250) == "-2,50 €")
        #expect(Euros.french(5) == "0,05 €")
        #expect(Euros.french(0) == "0,00 €")
    }
}

@Suite("Solidarity tariffs")
struct TariffRulesTests {
    /// A cantine à 1 €: 1 € up to QF 400, then 50 %, 80 % and 100 % of the public price.
    let cantine = TariffGrid(brackets: [
        .init(maxFamilyQuotient: 400, rule: .fixedPrice(cents: 100)),
        .init(maxFamilyQuotient: 700, rule: .percentOfPublic(50)),
        .init(maxFamilyQuotient: 1000, rule: .percentOfPublic(80)),
        .init(maxFamilyQuotient: nil, rule: .percentOfPublic(100)),
    ], validFrom: day("2026-09-01"), validTo: day("2027-08-31"))

    /// 0,4 % of the QF, between 0,50 € and 4,00 €.
    let effort = TariffGrid(effortRate: .init(permille: 4, minCents: 50, maxCents: 400), validFrom: day("2026-09-01"))

    private func cantinePrice(_ qf: Int?, hasProof: Bool = true) -> Priced {
        let tier = TariffRules.tier(familyQuotient: qf, hasProof: hasProof, grid: cantine)
        return Priced(tier: tier, cents: TariffRules.price(publicCents: 450, category: "repas", tier: tier, familyQuotient: qf, grid: cantine))
    }

    private func effortPrice(_ qf: Int?, publicCents: Int = 1000) -> Priced {
        let tier = TariffRules.tier(familyQuotient: qf, hasProof: true, grid: effort)
        return Priced(tier: tier, cents: TariffRules.price(publicCents: publicCents, category: "repas", tier: tier, familyQuotient: qf, grid: effort))
    }

    @Test func theCantineGridByFamilyQuotient() {
        #expect(cantinePrice(250) == Priced(tier: .bracket(1), cents: 100))
        #expect(cantinePrice(400) == Priced(tier: .bracket(1), cents: 100)) // the bound is included
        #expect(cantinePrice(401) == Priced(tier: .bracket(2), cents: 225))
        #expect(cantinePrice(700) == Priced(tier: .bracket(2), cents: 225))
        #expect(cantinePrice(1000) == Priced(tier: .bracket(3), cents: 360))
        #expect(cantinePrice(5000) == Priced(tier: .bracket(4), cents: 450))
    }

    @Test func withoutProofThePublicPriceWithAReferralTheFirstBracket() {
        #expect(cantinePrice(250, hasProof: false) == Priced(tier: .publicPrice, cents: 450))
        #expect(cantinePrice(nil, hasProof: false) == Priced(tier: .publicPrice, cents: 450))
        // A social worker's referral states no QF.
        #expect(cantinePrice(nil) == Priced(tier: .bracket(1), cents: 100))
    }

    @Test func aFixedPriceNeverExceedsThePublicPrice() {
        let grid = TariffGrid(brackets: [.init(maxFamilyQuotient: nil, rule: .fixedPrice(cents: 600))], validFrom: day("2026-09-01"))
        let tier = TariffRules.tier(familyQuotient: 300, hasProof: true, grid: grid)
        #expect(tier == .bracket(1))
        #expect(TariffRules.price(publicCents: 450, category: "repas", tier: tier, familyQuotient: 300, grid: grid) == 450)
        #expect(TariffRules.price(publicCents: 700, category: "repas", tier: tier, familyQuotient: 300, grid: grid) == 600)
    }

    @Test func theEffortRateWithinItsFloorAndCeiling() {
        #expect(effortPrice(250) == Priced(tier: .effortRate, cents: 100))
        #expect(effortPrice(50) == Priced(tier: .effortRate, cents: 50)) // 0,20 € raised to the floor
        #expect(effortPrice(2000) == Priced(tier: .effortRate, cents: 400)) // 8,00 € brought down to the ceiling
        #expect(effortPrice(nil) == Priced(tier: .bracket(1), cents: 50)) // proof without a QF: the floor
        #expect(effortPrice(2000, publicCents: 300) == Priced(tier: .effortRate, cents: 300))
        #expect(TariffRules.tier(familyQuotient: 250, hasProof: false, grid: effort) == .publicPrice)
    }

    @Test func tierCodesRoundTrip() throws {
        for code in ["public", "T1", "T3", "effort"] {
            let tier = try #require(Tier(code: code))
            #expect(tier.description == code)
        }
        #expect(Tier(code: "public") == .publicPrice)
        #expect(Tier(code: "T3") == .bracket(3))
        #expect(Tier(code: "effort") == .effortRate)
        #expect(Tier(code: "T0") == nil)
        #expect(Tier(code: "X") == nil)
        #expect(Tier(code: "T") == nil)
    }

    @Test func aGridIsValidFromItsFirstToItsLastDayIncluded() {
        #expect(!cantine.isValid(on: day("2026-08-31")))
        #expect(cantine.isValid(on: day("2026-09-01")))
        #expect(cantine.isValid(on: day("2027-08-31")))
        #expect(!cantine.isValid(on: day("2027-09-01")))
        #expect(effort.isValid(on: day("2040-01-01"))) // no end
        #expect(!effort.isValid(on: day("2026-08-31")))
    }
}

@Suite("Tariff grid form")
struct TariffGridDraftTests {
    let cantineBrackets: [TariffGridDraft.BracketDraft] = [
        .init(maxFamilyQuotient: 400, priceCents: 100),
        .init(maxFamilyQuotient: 700, percentOfPublic: 50),
        .init(maxFamilyQuotient: 1000, percentOfPublic: 80),
        .init(maxFamilyQuotient: nil, percentOfPublic: 100),
    ]

    private func fieldsInError(_ draft: TariffGridDraft) -> [String]? {
        let error = #expect(throws: FieldErrors.self) { try draft.validate() }
        return error?.messages.keys.sorted()
    }

    @Test func aGoodBracketGrid() throws {
        let valid = try TariffGridDraft(name: " Cantine à 1 € ", validFrom: "2026-09-01", validTo: " ", brackets: cantineBrackets).validate()
        #expect(valid.name == "Cantine à 1 €")
        #expect(valid.grid == TariffGrid(brackets: [
            .init(maxFamilyQuotient: 400, rule: .fixedPrice(cents: 100)),
            .init(maxFamilyQuotient: 700, rule: .percentOfPublic(50)),
            .init(maxFamilyQuotient: 1000, rule: .percentOfPublic(80)),
            .init(maxFamilyQuotient: nil, rule: .percentOfPublic(100)),
        ], validFrom: day("2026-09-01"), validTo: nil))
    }

    @Test func aGoodEffortRateGrid() throws {
        let rate = TariffGrid.EffortRate(permille: 4, minCents: 50, maxCents: 400)
        let valid = try TariffGridDraft(name: "Épicerie", validFrom: "2026-09-01", validTo: "2027-08-31", effortRate: rate).validate()
        #expect(valid.grid == TariffGrid(effortRate: rate, validFrom: day("2026-09-01"), validTo: day("2027-08-31")))
    }

    @Test func eitherBracketsOrAnEffortRate() {
        let rate = TariffGrid.EffortRate(permille: 4, minCents: 50, maxCents: 400)
        #expect(fieldsInError(TariffGridDraft(name: "Cantine", validFrom: "2026-09-01", brackets: cantineBrackets, effortRate: rate)) == ["brackets"])
        #expect(fieldsInError(TariffGridDraft(name: "Cantine", validFrom: "2026-09-01")) == ["brackets"])
    }

    @Test func bracketsGoUpAndOnlyTheLastIsOpen() {
        let descending = TariffGridDraft(name: "Cantine", validFrom: "2026-09-01", brackets: [
            .init(maxFamilyQuotient: 700, priceCents: 100),
            .init(maxFamilyQuotient: 400, percentOfPublic: 50),
            .init(maxFamilyQuotient: nil, percentOfPublic: 100),
        ])
        #expect(fieldsInError(descending) == ["brackets[1].maxFamilyQuotient"])
        let openFirst = TariffGridDraft(name: "Cantine", validFrom: "2026-09-01", brackets: [
            .init(maxFamilyQuotient: nil, priceCents: 100),
            .init(maxFamilyQuotient: 700, percentOfPublic: 50),
        ])
        #expect(fieldsInError(openFirst) == ["brackets[0].maxFamilyQuotient"])
    }

    @Test func eachBracketGivesAPriceOrAPercent() {
        let both = TariffGridDraft(name: "Cantine", validFrom: "2026-09-01", brackets: [.init(maxFamilyQuotient: nil, priceCents: 100, percentOfPublic: 50)])
        #expect(fieldsInError(both) == ["brackets[0]"])
        let neither = TariffGridDraft(name: "Cantine", validFrom: "2026-09-01", brackets: [.init(maxFamilyQuotient: nil)])
        #expect(fieldsInError(neither) == ["brackets[0]"])
        let tooMuch = TariffGridDraft(name: "Cantine", validFrom: "2026-09-01", brackets: [.init(maxFamilyQuotient: nil, percentOfPublic: 120)])
        let error = #expect(throws: FieldErrors.self) { try tooMuch.validate() }
        #expect(error?.messages.keys.sorted() == ["brackets[0]"])
        #expect(error?["brackets[0]"]?.contains("100") == true)
    }

    @Test func datesNameAndEffortRateAreChecked() {
        #expect(fieldsInError(TariffGridDraft(name: "Cantine", validFrom: "2026-09-01", validTo: "2026-08-31", brackets: cantineBrackets)) == ["validTo"])
        #expect(fieldsInError(TariffGridDraft(name: "   ", validFrom: "2026-09-01", brackets: cantineBrackets)) == ["name"])
        #expect(fieldsInError(TariffGridDraft(name: "Cantine", validFrom: "1er septembre 2026", brackets: cantineBrackets)) == ["validFrom"])
        let noRate = TariffGridDraft(name: "Épicerie", validFrom: "2026-09-01", effortRate: .init(permille: 0, minCents: 50, maxCents: 400))
        #expect(fieldsInError(noRate) == ["effortRate.permille"])
    }
}

@Suite("Eligibility: proofs of resources")
struct EligibilityRulesTests {
    let today = CalendarDay(year: 2026, month: 11, day: 26)

    private func fieldsInError(_ draft: ProofDraft) -> [String]? {
        let error = #expect(throws: FieldErrors.self) { try draft.validate(today: today) }
        return error?.messages.keys.sorted()
    }

    @Test func aCAFCertificateIsValidTwelveMonths() throws {
        let valid = try ProofDraft(kind: "caf_certificate", familyQuotient: 520, issuedOn: "2026-09-01").validate(today: today)
        #expect(valid.kind == .cafCertificate)
        #expect(valid.familyQuotient == 520)
        #expect(valid.issuedOn == day("2026-09-01"))
        #expect(valid.validUntil == day("2027-09-01"))
    }

    @Test func aCertificateMustBeLessThanThreeMonthsOld() throws {
        let exactlyThreeMonths = ProofDraft(kind: "caf_certificate", familyQuotient: 520, issuedOn: "2026-08-26")
        let error = #expect(throws: FieldErrors.self) { try exactlyThreeMonths.validate(today: today) }
        #expect(error?.messages.keys.sorted() == ["proof.issuedOn"])
        #expect(error?["proof.issuedOn"]?.contains("3 mois") == true)
        let oneDayLess = try ProofDraft(kind: "msa_certificate", familyQuotient: 520, issuedOn: "2026-08-27").validate(today: today)
        #expect(oneDayLess.validUntil == day("2027-08-27"))
    }

    @Test func aTaxNoticeMayBeOlderButStatesAQuotient() throws {
        let valid = try ProofDraft(kind: "tax_notice", familyQuotient: 610, issuedOn: "2026-03-01").validate(today: today)
        #expect(valid.kind == .taxNotice)
        #expect(valid.familyQuotient == 610)
        #expect(valid.validUntil == day("2027-03-01"))
        #expect(fieldsInError(ProofDraft(kind: "tax_notice", familyQuotient: nil, issuedOn: "2026-03-01")) == ["proof.familyQuotient"])
    }

    @Test func aReferralNeedsNoQuotientAndKeepsNone() throws {
        let without = try ProofDraft(kind: "social_worker_referral", familyQuotient: nil, issuedOn: "2026-10-15").validate(today: today)
        #expect(without.kind == .socialWorkerReferral)
        #expect(without.familyQuotient == nil)
        let withOne = try ProofDraft(kind: "social_worker_referral", familyQuotient: 300, issuedOn: "2026-10-15").validate(today: today)
        #expect(withOne.familyQuotient == nil)
    }

    @Test func datesInTheFutureOrAlreadyPastAreRefused() throws {
        #expect(fieldsInError(ProofDraft(kind: "tax_notice", familyQuotient: 610, issuedOn: "2026-11-27")) == ["proof.issuedOn"])
        #expect(fieldsInError(ProofDraft(kind: "social_worker_referral", familyQuotient: nil, issuedOn: "2026-01-10", validUntil: "2026-11-25")) == ["proof.validUntil"])
        let lastDay = try ProofDraft(kind: "social_worker_referral", familyQuotient: nil, issuedOn: "2026-01-10", validUntil: "2026-11-26").validate(today: today)
        #expect(lastDay.validUntil == today)
    }

    @Test func anUnknownKindIsNamed() {
        #expect(fieldsInError(ProofDraft(kind: "rsa", familyQuotient: nil, issuedOn: "2026-10-15")) == ["proof.kind"])
        #expect(fieldsInError(ProofDraft(kind: nil, familyQuotient: nil, issuedOn: "2026-10-15")) == ["proof.kind"])
    }

    @Test func theTierLastsUntilTheProofsLastDay() {
        let lastDay = day("2027-09-01")
        let onLastDay = Eligibility.tier(stored: .bracket(2), validUntil: lastDay, on: lastDay)
        #expect(onLastDay.tier == .bracket(2))
        #expect(!onLastDay.expired)
        let dayAfter = Eligibility.tier(stored: .bracket(2), validUntil: lastDay, on: day("2027-09-02"))
        #expect(dayAfter.tier == .publicPrice)
        #expect(dayAfter.expired)
        let noProof = Eligibility.tier(stored: .bracket(2), validUntil: nil, on: day("2027-09-01"))
        #expect(noProof.tier == .publicPrice)
        #expect(!noProof.expired)
    }
}

@Suite("Cash journal, invoice numbers, solidarity pool")
struct CashJournalRulesTests {
    private func chain(_ payloads: [String]) -> [CashJournal.Entry] {
        var entries: [CashJournal.Entry] = []
        var previous = CashJournal.genesis
        for (index, payload) in payloads.enumerated() {
            let hash = CashJournal.hash(number: index + 1, previousHash: previous, payload: payload)
            entries.append(CashJournal.Entry(number: index + 1, payload: payload, hash: hash))
            previous = hash
        }
        return entries
    }

    let payloads = ["montant=1200;taux=10", "montant=450;taux=10", "montant=-250;taux=20"]

    @Test func anUntouchedChainVerifies() {
        let result = CashJournal.verify(chain(payloads))
        #expect(result.ok)
        #expect(result.entries == 3)
        #expect(result.firstBrokenNumber == nil)
        #expect(CashJournal.verify([]).ok)
    }

    @Test func aChangedEntryBreaksTheChainAtItsNumber() {
        var entries = chain(payloads)
        entries[1].payload = "montant=45;taux=10"
        let result = CashJournal.verify(entries)
        #expect(!result.ok)
        #expect(result.entries == 3)
        #expect(result.firstBrokenNumber == 2)
    }

    @Test func aRemovedEntryLeavesAGap() {
        var entries = chain(payloads)
        entries.remove(at: 1)
        let result = CashJournal.verify(entries)
        #expect(!result.ok)
        #expect(result.entries == 2)
        #expect(result.firstBrokenNumber == 3)
    }

    @Test func hashesAreSHA256InLowercaseHex() {
        #expect(CashJournal.genesis.count == 64)
        let hash = CashJournal.hash(number: 1, previousHash: CashJournal.genesis, payload: "montant=1200;taux=10")
        // sha256("1|" + 64 zeros + "|montant=1200;taux=10")
        #expect(hash == "1385c0f126d1b77a7ed2ea93b2176fee9b525cfa85183cecca36c685dec5865a")
        #expect(hash.count == 64)
        #expect(hash.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(hash == CashJournal.hash(number: 1, previousHash: CashJournal.genesis, payload: "montant=1200;taux=10"))
        #expect(hash != CashJournal.hash(number: 2, previousHash: CashJournal.genesis, payload: "montant=1200;taux=10"))
    }

    @Test func canonicalTextIsSortedAndEscaped() {
        #expect(CashJournal.canonical(["b": "2", "a": "x;y"]) == "a=x\\;y;b=2")
        #expect(CashJournal.canonical(["a": "x\\y"]) == "a=x\\\\y")
        #expect(CashJournal.canonical([:]) == "")
    }

    @Test func invoiceNumbersRunWithoutGaps() {
        #expect(InvoiceNumbering.number(prefix: "F", year: 2026, sequence: 7) == "F-2026-0007")
        #expect(InvoiceNumbering.number(prefix: "A", year: 2026, sequence: 1) == "A-2026-0001")
        #expect(InvoiceNumbering.number(prefix: "F", year: 2026, sequence: 12_345) == "F-2026-12345")
        #expect(InvoiceNumbering.next(after: []) == 1)
        #expect(InvoiceNumbering.next(after: [1, 2, 3]) == 4)
        #expect(InvoiceNumbering.gaps(in: [1, 2, 4, 6]) == [3, 5])
        #expect(InvoiceNumbering.gaps(in: [1, 2, 3]) == [])
        #expect(InvoiceNumbering.gaps(in: []) == [])
    }

    @Test func theSolidarityPool() {
        let meal = 350
        let movements: [SolidarityPool.Movement] = [
            .donation(cents: meal), .donation(cents: meal), .draw(cents: meal), .donation(cents: meal), .draw(cents: meal),
        ]
        #expect(SolidarityPool.balance(movements) == 350)
        #expect(SolidarityPool.balance([]) == 0)
        #expect(SolidarityPool.canDraw(350, from: 350))
        #expect(!SolidarityPool.canDraw(351, from: 350))
        #expect(!SolidarityPool.canDraw(-1, from: 350))
        #expect(!SolidarityPool.canDraw(350, from: 0))
    }
}

@Suite("Trade rules: closings")
struct ClosingRulesTests {
    @Test func periodsAndWhenTheyMayBeClosed() throws {
        let leapDay = try #require(CalendarDay("2028-02-14"))
        let month = ClosingPeriod.month.range(containing: leapDay)
        #expect(month.first.description == "2028-02-01" && month.last.description == "2028-02-29")
        let year = ClosingPeriod.year.range(containing: leapDay)
        #expect(year.first.description == "2028-01-01" && year.last.description == "2028-12-31")
        let today = try #require(CalendarDay("2026-11-26"))
        // The Z is done the same evening; a month only once it is over.
        #expect(ClosingPeriod.day.mayClose(last: today, today: today))
        #expect(!ClosingPeriod.day.mayClose(last: today.adding(days: 1), today: today))
        #expect(!ClosingPeriod.month.mayClose(last: ClosingPeriod.month.range(containing: today).last, today: today))
        #expect(ClosingPeriod.month.mayClose(last: try #require(CalendarDay("2026-10-31")), today: today))
    }

    @Test func totalsByRateMethodAndTier() {
        let totals = ClosingTotals([
            .init(lines: [(.intermediate, "T2", 450), (.intermediate, "T2", 75)], payments: [(.cash, 1000)], changeCents: 475, totalCents: 525),
            .init(lines: [(.standard, "public", 800)], payments: [(.card, 800)], changeCents: 0, totalCents: 800),
            .init(lines: [(.standard, "public", -800)], payments: [(.card, -800)], changeCents: 0, totalCents: -800),
        ])
        #expect(totals.tickets == 3)
        #expect(totals.totalCents == 525)
        #expect(totals.byMethod == ["cash": 525, "card": 0])
        #expect(totals.byTier == ["T2": 525, "public": 0])
        #expect(totals.vat.lines.map(\.vatCents) == [48, 0])
    }
}

@Suite("Trade figures")
struct TradeFiguresTests {
    /// A week at the Caillols restaurant: the grid 25/50/75 % funded by the city's CCAS for T1
    /// only; 9,00 € meals and 1,50 € coffees.
    @Test func salesSolidarityAndFundingByTier() {
        let lines = [
            // T1: 10 meals at 2,25 € (CCAS pays the reduction), 4 coffees at 0,38 €.
            TradeFigures.LineGroup(tier: "T1", fundedBy: "CCAS de Marseille", category: "repas", quantity: 10, salesCents: 2_250, publicValueCents: 9_000),
            TradeFigures.LineGroup(tier: "T1", fundedBy: "CCAS de Marseille", category: "boisson", quantity: 4, salesCents: 152, publicValueCents: 600),
            // T2: 6 meals at 4,50 €, the cooperative's own margin.
            TradeFigures.LineGroup(tier: "T2", fundedBy: nil, category: "repas", quantity: 6, salesCents: 2_700, publicValueCents: 5_400),
            // Public price: 20 meals, no reduction.
            TradeFigures.LineGroup(tier: "public", fundedBy: nil, category: "repas", quantity: 20, salesCents: 18_000, publicValueCents: 18_000),
        ]
        let tickets = [
            // Two T1 meals were suspended meals (2 × 2,25 € from the pool).
            TradeFigures.TicketGroup(tier: "T1", tickets: 12, donationCents: 0, poolDrawCents: 450, suspendedMeals: 2),
            TradeFigures.TicketGroup(tier: "T2", tickets: 6, donationCents: 0, poolDrawCents: 0, suspendedMeals: 0),
            // Neighbours at the public price left 20 € in the pool; one refund.
            TradeFigures.TicketGroup(tier: "public", tickets: 19, donationCents: 2_000, poolDrawCents: 0, suspendedMeals: 0),
        ]
        let summary = TradeFigures.summarise(lines: lines, tickets: tickets)
        #expect(summary.byTier.map(\.tier) == ["T1", "T2", "public"])
        let t1 = summary.byTier[0]
        #expect(t1.meals == 10)
        #expect(t1.salesCents == 2_402)
        // Reductions 67,50 + 4,48, plus the 4,50 € the pool paid for the household.
        #expect(t1.solidarityCents == 6_750 + 448 + 450)
        #expect(summary.byTier[1].solidarityCents == 2_700)
        #expect(summary.byTier[2].solidarityCents == 0)
        #expect(summary.tickets == 37)
        #expect(summary.meals == 36)
        #expect(summary.solidarityCents == 7_648 + 2_700)
        #expect(summary.funding == [
            .init(source: .internalMargin, name: "Marge de la coopérative", cents: 2_700),
            .init(source: .pool, name: "Caisse de solidarité (repas suspendus)", cents: 450),
            .init(source: .funder, name: "CCAS de Marseille", cents: 7_198),
        ])
        // Every euro of solidarity has a funder.
        #expect(summary.funding.reduce(0) { $0 + $1.cents } == summary.solidarityCents)
        #expect(summary.donationsCents == 2_000)
    }

    @Test func aRefundTakesItsLinesBack() {
        let summary = TradeFigures.summarise(
            lines: [.init(tier: "T2", fundedBy: nil, category: "repas", quantity: 1, salesCents: 450, publicValueCents: 900),
                    .init(tier: "T2", fundedBy: nil, category: "repas", quantity: -1, salesCents: -450, publicValueCents: -900)],
            tickets: [.init(tier: "T2", tickets: 0, donationCents: 0, poolDrawCents: 0, suspendedMeals: 0)])
        #expect(summary.solidarityCents == 0)
        #expect(summary.meals == 0)
        #expect(summary.funding.isEmpty)
    }
}

@Suite("Tariff grids by product category")
struct CategoryTariffTests {
    /// The Caillols restaurant and recyclerie: 1 € meals and 30 % at the recyclerie up to QF 600,
    /// half-price meals and 70 % at the recyclerie up to QF 1 000; other products (coffee…) at
    /// 50 % then 80 %; the public price above.
    let grid = TariffGrid(brackets: [
        .init(maxFamilyQuotient: 600, rule: .percentOfPublic(50), categoryRules: ["repas": .fixedPrice(cents: 100), "Recyclerie ": .percentOfPublic(30)]),
        .init(maxFamilyQuotient: 1000, rule: .percentOfPublic(80), categoryRules: ["repas": .percentOfPublic(50), "recyclerie": .percentOfPublic(70)]),
        .init(maxFamilyQuotient: nil, rule: .percentOfPublic(100)),
    ], validFrom: day("2026-09-01"))

    private func price(_ publicCents: Int, _ category: String, qf: Int) -> Int {
        let tier = TariffRules.tier(familyQuotient: qf, hasProof: true, grid: grid)
        return TariffRules.price(publicCents: publicCents, category: category, tier: tier, familyQuotient: qf, grid: grid)
    }

    @Test func eachCategoryHasItsOwnPriceInABracket() {
        // An 8,50 € meal, a 12,00 € chair from the recyclerie, a 1,50 € coffee.
        #expect(price(850, "repas", qf: 450) == 100)
        #expect(price(1200, "recyclerie", qf: 450) == 360)
        #expect(price(150, "boissons", qf: 450) == 75)
        #expect(price(850, "repas", qf: 800) == 425)
        #expect(price(1200, "recyclerie", qf: 800) == 840)
        #expect(price(150, "boissons", qf: 800) == 120)
        #expect(price(850, "repas", qf: 1500) == 850)
        #expect(price(1200, "recyclerie", qf: 1500) == 1200)
    }

    @Test func categoriesAreMatchedWhateverTheirCapitals() {
        #expect(price(1200, " Recyclerie", qf: 450) == 360)
        #expect(price(850, "REPAS", qf: 800) == 425)
    }

    @Test func aTicketPricesEachLineByItsCategory() {
        let items = [SaleRules.Item(publicPriceCents: 850, vatRate: .intermediate, category: "repas", quantity: 2),
                     SaleRules.Item(publicPriceCents: 1200, vatRate: .standard, category: "recyclerie", quantity: 1)]
        let ticket = SaleRules.ticket(items: items, tier: .bracket(1), familyQuotient: nil, grid: grid, donationCents: 0, suspendedMeals: 0)
        #expect(ticket.lines.map(\.priceCents) == [100, 360])
        #expect(ticket.totalCents == 560)
        #expect(ticket.solidarityCents == 1500 + 840)
    }

    @Test func theDraftKeepsCategoryPrices() throws {
        let valid = try TariffGridDraft(name: "Restaurant et recyclerie", validFrom: "2026-09-01", brackets: [
            .init(maxFamilyQuotient: 600, percentOfPublic: 50, categories: [.init(category: " repas ", priceCents: 100), .init(category: "Recyclerie", percentOfPublic: 30)]),
            .init(maxFamilyQuotient: 1000, percentOfPublic: 80, categories: [.init(category: "repas", percentOfPublic: 50), .init(category: "recyclerie", percentOfPublic: 70)]),
            .init(maxFamilyQuotient: nil, percentOfPublic: 100),
        ]).validate()
        #expect(valid.grid == grid)
    }

    @Test func aCategoryIsNamedOnceWithOneRule() {
        let draft = TariffGridDraft(name: "Restaurant", validFrom: "2026-09-01", brackets: [
            .init(maxFamilyQuotient: 600, percentOfPublic: 50, categories: [
                .init(category: "repas", priceCents: 100), .init(category: "Repas", priceCents: 150),
                .init(category: "recyclerie"), .init(category: " ", percentOfPublic: 10), .init(category: "couture", percentOfPublic: 130),
            ]),
            .init(maxFamilyQuotient: nil, percentOfPublic: 100),
        ])
        let error = #expect(throws: FieldErrors.self) { try draft.validate() }
        #expect(error?.messages.keys.sorted() == ["brackets[0].categories[1].category", "brackets[0].categories[2]",
                                                  "brackets[0].categories[3].category", "brackets[0].categories[4]"])
        #expect(error?["brackets[0].categories[2]"]?.contains("recyclerie") == true)
    }

    @Test func anEffortRateTakesNoCategoryPrices() {
        let draft = TariffGridDraft(name: "Épicerie", validFrom: "2026-09-01",
                                    brackets: [.init(maxFamilyQuotient: nil, percentOfPublic: 100, categories: [.init(category: "repas", priceCents: 100)])],
                                    effortRate: .init(permille: 4, minCents: 50, maxCents: 400))
        let error = #expect(throws: FieldErrors.self) { try draft.validate() }
        #expect(error?.messages.keys.sorted() == ["brackets"])
    }
}

@Suite("QR code of a household card")
struct QRCodeTests {
    private func picture(_ code: QRCode) -> [String] {
        code.modules.map { String($0.map { $0 ? "#" : "." }) }
    }

    /// Drawn by an independent encoder (segno 1.6, version 1-M, alphanumeric, mask 2).
    static let cail01 = [
        "#######..###..#######", "#.....#...##..#.....#", "#.###.#.#.#.#.#.###.#", "#.###.#.###...#.###.#",
        "#.###.#.##..#.#.###.#", "#.....#.##.#..#.....#", "#######.#.#.#.#######", "........#.#..........",
        "#.#####....#..#####..", "#..##...#######..##.#", ".###.######.#.##...#.", "#.##...#.######..##.#",
        "#...###.##..#..#.#...", "........##..#..#.#..#", "#######...##.#..#....", "#.....#.###....##.###",
        "#.###.#.#.##.#..#.#..", "#.###.#.########..#..", "#.###.#.###.#.##..#..", "#.....#...######.##.#",
        "#######.#...#..#..#..",
    ]

    /// The same card forced to mask 3, from the same encoder.
    static let cail01Mask3 = [
        "#######.####..#######", "#.....#.###.#.#.....#", "#.###.#..#....#.###.#", "#.###.#.###...#.###.#",
        "#.###.#....#..#.###.#", "#.....#...###.#.....#", "#######.#.#.#.#######", "........#####........",
        "#.##.###.####.#..#.##", "#..##...#######..##.#", "##....##..##.....####", ".##.#......#..####.##",
        "#...###.##..#..#.#...", "........#..#..#...#..", "#######.##.##..#..##.", "#.....#.###....##.###",
        "#.###.#..##.######..#", "#.###.#.#..#..#.#..#.", "#.###.#.###.#.##..#..", "#.....#..##..#.......",
        "#######.###..#..#..#.",
    ]

    /// A generated card code, mask 5, from the same encoder.
    static let k7wq2m = [
        "#######...#...#######", "#.....#.#.###.#.....#", "#.###.#.##.##.#.###.#", "#.###.#.###.#.#.###.#",
        "#.###.#...#.#.#.###.#", "#.....#...##..#.....#", "#######.#.#.#.#######", "........#............",
        "#.....#.#.##.##..###.", "####....#..###.##..#.", "#....#####..#.##.#..#", "...###.#..######.##..",
        ".#.##.#.#..######..#.", "........###.#....####", "#######....#.#..#.#..", "#.....#..##...#...##.",
        "#.###.#...##.#..###..", "#.###.#..#.####..#...", "#.###.#...####.######", "#.....#..#.####...#.#",
        "#######.###.#..#..#..",
    ]

    @Test func aCardCodeIsDrawnModuleForModuleAsAnotherEncoderDrawsIt() throws {
        #expect(picture(try #require(QRCode("CAIL01", mask: 2))) == Self.cail01)
        #expect(picture(try #require(QRCode("CAIL01", mask: 3))) == Self.cail01Mask3)
        #expect(picture(try #require(QRCode("K7WQ2M", mask: 5))) == Self.k7wq2m)
    }

    @Test func theMaskIsChosenAmongTheEightAndDrawnAsForced() throws {
        // Encoders may weigh the penalty rules differently; any mask reads, since the format
        // bits name it. The chosen one is drawn exactly as when forced.
        for text in ["CAIL01", "K7WQ2M", "FOYER7"] {
            let chosen = try #require(QRCode(text))
            #expect((0..<8).contains(chosen.mask))
            #expect(chosen == QRCode(text, mask: chosen.mask))
        }
    }

    @Test func errorCorrectionOfTheStandardsExample() {
        // The standard's worked example ("01234567" in numeric mode at 1-M): its 16 data
        // codewords and the 10 error correction codewords they give.
        #expect(ReedSolomon.remainder([0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11], degree: 10)
                == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    @Test func twentySixCodewordsWhateverTheLength() {
        #expect(QRCode.codewords(Array("CAIL")).count == 26)
        #expect(QRCode.codewords(Array(String(repeating: "Z", count: 20))).count == 26)
    }

    @Test func onlyWhatFitsACardIsEncoded() {
        #expect(QRCode("") == nil)
        #expect(QRCode("cail01") == nil) // lower case is not alphanumeric mode: cards are in capitals
        #expect(QRCode("CAIL-01 É") == nil)
        #expect(QRCode(String(repeating: "A", count: 20)) != nil)
        #expect(QRCode(String(repeating: "A", count: 21)) == nil)
    }

    @Test func theDrawingHasItsQuietZoneAndTitle() throws {
        let svg = try #require(QRCode("CAIL01")).svg(moduleSize: 4, title: "Carte <CAIL01>")
        #expect(svg.contains("viewBox=\"0 0 29 29\""))
        #expect(svg.contains("width=\"116\""))
        #expect(svg.contains("<title>Carte &lt;CAIL01&gt;</title>"))
        #expect(svg.contains("M4 4h1v1h-1z")) // the top-left finder's corner, after 4 modules of margin
    }
}
