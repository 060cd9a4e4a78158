import MaillageCore
import Testing

private func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

/// The social centre's end-of-summer party, catered by the cooperative (prices excluding VAT).
private let partyLines = [
    InvoiceLine(description: "Buffet froid, portion", quantity: 60, unitPriceCents: 850, vatRate: .intermediate),
    InvoiceLine(description: "Boissons sans alcool", quantity: 60, unitPriceCents: 120, vatRate: .reduced),
    InvoiceLine(description: "Installation de la salle", quantity: 1, unitPriceCents: 15_000, vatRate: .standard),
]

/// The same party as typed in the form.
private let partyLineDrafts = [
    InvoiceLineDraft(description: " Buffet froid, portion ", quantity: 60, unitPriceCents: 850, vatRate: "10"),
    InvoiceLineDraft(description: "Boissons sans alcool", quantity: 60, unitPriceCents: 120, vatRate: "5,5"),
    InvoiceLineDraft(description: "Installation de la salle", quantity: 1, unitPriceCents: 15_000, vatRate: "20"),
]

@Suite("Invoice totals")
struct InvoiceTotalsTests {
    @Test func aCateringInvoiceForASocialCentresParty() {
        // 60 × 8,50 € = 510,00 € HT at 10 %   → 510,00 × 10 % = 51,00 € of VAT
        // 60 × 1,20 € =  72,00 € HT at 5,5 %  →  72,00 × 5,5 % = 3,96 € of VAT
        //  1 × 150,00 € = 150,00 € HT at 20 % → 150,00 × 20 % = 30,00 € of VAT
        // Totals: 732,00 € HT, 84,96 € of VAT, 816,96 € TTC.
        let totals = InvoiceTotals(lines: partyLines, vatExempt: false)
        #expect(partyLines.map(\.netCents) == [51_000, 7_200, 15_000])
        #expect(totals.lines.map(\.rate) == [.reduced, .intermediate, .standard])
        #expect(totals.lines.map(\.netCents) == [7_200, 51_000, 15_000])
        #expect(totals.lines.map(\.vatCents) == [396, 5_100, 3_000])
        #expect(totals.lines.map(\.grossCents) == [7_596, 56_100, 18_000])
        #expect(totals.netCents == 73_200)
        #expect(totals.vatCents == 8_496)
        #expect(totals.grossCents == 81_696)
        #expect(Euros.french(totals.grossCents) == "816,96 €")
        #expect(!totals.vatExempt)
    }

    @Test func onlyTheRatesPresentAppear() {
        let totals = InvoiceTotals(lines: [partyLines[2], partyLines[0]], vatExempt: false)
        #expect(totals.lines.map(\.rate) == [.intermediate, .standard])
        let empty = InvoiceTotals(lines: [], vatExempt: false)
        #expect(empty.lines.isEmpty)
        #expect(empty.grossCents == 0)
    }

    @Test func vatIsRoundedHalfUpToTheCent() {
        // 0,09 € × 5,5 % = 0,00495 € → 0,00 € ; 0,10 € × 5,5 % = 0,0055 € → 0,01 €.
        #expect(InvoiceTotals.vat(onNet: 9, rate: .reduced) == 0)
        #expect(InvoiceTotals.vat(onNet: 10, rate: .reduced) == 1)
        // 1,00 € × 5,5 % = 0,055 € → 0,06 € (exactly half a cent goes up).
        #expect(InvoiceTotals.vat(onNet: 100, rate: .reduced) == 6)
        // 0,05 € × 10 % = 0,005 € → 0,01 € ; 0,04 € × 10 % = 0,004 € → 0,00 €.
        #expect(InvoiceTotals.vat(onNet: 5, rate: .intermediate) == 1)
        #expect(InvoiceTotals.vat(onNet: 4, rate: .intermediate) == 0)
        #expect(InvoiceTotals.vat(onNet: 0, rate: .standard) == 0)
    }

    @Test func vatIsComputedOnEachRatesTotalNotLineByLine() {
        // Three lines of 0,09 € at 5,5 %: 0,00 € of VAT each, but 0,27 € × 5,5 % = 0,01485 € → 0,01 €.
        let line = InvoiceLine(description: "Sachet de sucre", quantity: 1, unitPriceCents: 9, vatRate: .reduced)
        let totals = InvoiceTotals(lines: [line, line, line], vatExempt: false)
        #expect(totals.lines.count == 1)
        #expect(totals.netCents == 27)
        #expect(totals.vatCents == 1)
        #expect(totals.grossCents == 28)
    }

    @Test func underTheFranchiseEnBaseThereIsNoVAT() {
        let totals = InvoiceTotals(lines: partyLines, vatExempt: true)
        #expect(totals.vatExempt)
        #expect(totals.lines.map(\.vatCents) == [0, 0, 0])
        #expect(totals.netCents == 73_200)
        #expect(totals.vatCents == 0)
        #expect(totals.grossCents == 73_200)
    }

    @Test func aCreditNotesNegativeTotalsMirrorTheInvoice() {
        let credited = partyLines.map {
            InvoiceLine(description: $0.description, quantity: $0.quantity, unitPriceCents: -$0.unitPriceCents, vatRate: $0.vatRate)
        }
        let totals = InvoiceTotals(lines: credited, vatExempt: false)
        #expect(totals.lines.map(\.vatCents) == [-396, -5_100, -3_000])
        #expect(totals.netCents == -73_200)
        #expect(totals.vatCents == -8_496)
        #expect(totals.grossCents == -81_696)
        // Rounding is symmetric: −0,10 € at 5,5 % gives −0,01 €, −0,09 € gives 0,00 €, −0,05 € at 10 % gives −0,01 €.
        #expect(InvoiceTotals.vat(onNet: -10, rate: .reduced) == -1)
        #expect(InvoiceTotals.vat(onNet: -9, rate: .reduced) == 0)
        #expect(InvoiceTotals.vat(onNet: -5, rate: .intermediate) == -1)
    }
}

@Suite("Invoice workflow and credit notes")
struct InvoiceWorkflowTests {
    /// Every pair of states: only the five arrows of the catering workflow are allowed.
    @Test func everyPairOfStatuses() {
        let allowed: Set<String> = ["quote>order", "quote>declined", "order>delivered", "order>declined", "delivered>issued"]
        for from in InvoiceStatus.allCases {
            for to in InvoiceStatus.allCases {
                let key = "\(from.rawValue)>\(to.rawValue)"
                #expect(InvoiceStatus.canMove(from: from, to: to) == allowed.contains(key), "\(key)")
            }
        }
        #expect(InvoiceStatus.allowedMoves(from: .quote) == [.order, .declined])
        #expect(InvoiceStatus.allowedMoves(from: .issued).isEmpty)
        #expect(InvoiceStatus.allowedMoves(from: .declined).isEmpty)
        #expect(InvoiceStatus.issued.isFinal && InvoiceStatus.declined.isFinal && !InvoiceStatus.delivered.isFinal)
    }

    @Test func kindsAndLabels() {
        #expect(InvoiceKind.invoice.prefix == "F")
        #expect(InvoiceKind.creditNote.prefix == "A")
        #expect(InvoiceKind.creditNote.rawValue == "credit_note")
        #expect(InvoiceKind.invoice.frenchLabel == "Facture")
        #expect(InvoiceKind.creditNote.frenchLabel == "Avoir")
        #expect(InvoiceKind.invoice.initialStatus == .quote)
        #expect(InvoiceKind.creditNote.initialStatus == .issued)
        #expect(InvoiceNumbering.number(prefix: InvoiceKind.creditNote.prefix, year: 2026, sequence: 3) == "A-2026-0003")
        #expect(InvoiceStatus.allCases.map(\.frenchLabel) == ["Devis", "Commande", "Livrée", "Émise", "Refusé"])
        #expect(TextRules.choices([InvoiceStatus.quote, .order]) == "devis : quote, commande : order")
    }

    @Test func dueDatesCrossMonthsAndYears() {
        // 26 November + 30 days: 4 days left in November, then 26 in December.
        #expect(InvoiceRules.dueDate(issuedOn: day("2026-11-26"), paymentTermsDays: 30) == day("2026-12-26"))
        // + 45 days: 26 December + 15 = 10 January.
        #expect(InvoiceRules.dueDate(issuedOn: day("2026-11-26"), paymentTermsDays: 45) == day("2027-01-10"))
        #expect(InvoiceRules.dueDate(issuedOn: day("2026-11-26"), paymentTermsDays: 0) == day("2026-11-26"))
        // 2028 is a leap year: 1 February + 30 days = 2 March.
        #expect(InvoiceRules.dueDate(issuedOn: day("2028-02-01"), paymentTermsDays: 30) == day("2028-03-02"))
    }

    @Test func aCreditNoteNeverExceedsWhatRemainsOfTheInvoice() {
        // 816,96 € invoiced, 200,00 € already credited: 616,96 € may still be credited.
        #expect(InvoiceRules.creditLimit(invoiceGrossCents: 81_696, alreadyCreditedCents: 20_000) == 61_696)
        #expect(InvoiceRules.mayCredit(61_696, invoiceGrossCents: 81_696, alreadyCreditedCents: 20_000))
        #expect(!InvoiceRules.mayCredit(61_697, invoiceGrossCents: 81_696, alreadyCreditedCents: 20_000))
        #expect(!InvoiceRules.mayCredit(0, invoiceGrossCents: 81_696, alreadyCreditedCents: 0))
        #expect(!InvoiceRules.mayCredit(-100, invoiceGrossCents: 81_696, alreadyCreditedCents: 0))
        #expect(InvoiceRules.creditLimit(invoiceGrossCents: 81_696, alreadyCreditedCents: 90_000) == 0)
        #expect(!InvoiceRules.mayCredit(1, invoiceGrossCents: 81_696, alreadyCreditedCents: 81_696))
    }
}

@Suite("Invoice form")
struct InvoiceDraftTests {
    private let party = InvoiceDraft(
        customerName: " Centre social des Dervallières ", customerAddress: "5 rue Auguste Renoir, 44100 Nantes",
        customerIsBusiness: true, customerSiren: "552 100 554 00013", customerEmail: "accueil@centre-social.fr",
        eventDate: "2026-09-12", lines: partyLineDrafts
    )

    /// The errors of a draft that must be refused.
    private func errors(_ draft: InvoiceDraft) -> FieldErrors? {
        let error = #expect(throws: FieldErrors.self) { try draft.validate() }
        return error
    }

    @Test func aGoodInvoice() throws {
        let valid = try party.validate()
        #expect(valid.customerName == "Centre social des Dervallières")
        #expect(valid.customerIsBusiness)
        #expect(valid.customerSiren == "552100554")
        #expect(valid.customerSiret == "55210055400013")
        #expect(valid.customerEmail == "accueil@centre-social.fr")
        #expect(valid.eventDate == day("2026-09-12"))
        #expect(valid.paymentTermsDays == 30)
        #expect(valid.lines == partyLines)
        #expect(valid.notes == nil)
        #expect(InvoiceTotals(lines: valid.lines, vatExempt: false).grossCents == 81_696)
    }

    @Test func aPrivateCustomerNeedsNoSirenNorDate() throws {
        var draft = party
        draft.customerIsBusiness = nil
        draft.customerSiren = "  "
        draft.eventDate = ""
        draft.customerEmail = nil
        draft.paymentTermsDays = 0
        let valid = try draft.validate()
        #expect(!valid.customerIsBusiness)
        #expect(valid.customerSiren == nil)
        #expect(valid.eventDate == nil)
        #expect(valid.paymentTermsDays == 0)
    }

    @Test func aBusinessWithoutSiren() {
        var draft = party
        draft.customerSiren = nil
        #expect(errors(draft)?.messages.keys.sorted() == ["customerSiren"])
    }

    @Test func aSirenWithAWrongKeyOrLength() {
        var draft = party
        draft.customerSiren = "732 829 321"
        #expect(errors(draft)?["customerSiren"]?.contains("clé") == true)
        draft.customerSiren = "7328293"
        #expect(errors(draft)?["customerSiren"] == "Le SIREN compte 9 chiffres, le SIRET 14 chiffres.")
        draft.customerSiren = "732 829 320"
        #expect((try? draft.validate())?.customerSiren == "732829320")
    }

    @Test func noLinesOrTooMany() {
        var draft = party
        draft.lines = []
        #expect(errors(draft)?.messages == ["lines": "Ajoutez au moins une ligne."])
        draft.lines = Array(repeating: partyLineDrafts[0], count: 51)
        #expect(errors(draft)?.messages.keys.sorted() == ["lines"])
        draft.lines = Array(repeating: partyLineDrafts[0], count: 50)
        #expect((try? draft.validate()) != nil)
    }

    @Test func eachLineIsCheckedByItsPosition() {
        var draft = party
        draft.lines[0].quantity = 0
        draft.lines[1].vatRate = "7"
        draft.lines[2].description = " "
        #expect(errors(draft)?.messages.keys.sorted() == ["lines[0].quantity", "lines[1].vatRate", "lines[2].description"])
        #expect(errors(draft)?["lines[1].vatRate"] == "Le taux de TVA est 5.5, 10 ou 20.")

        draft = party
        draft.lines[0].quantity = 10_000
        draft.lines[1].unitPriceCents = -1
        draft.lines[2].unitPriceCents = nil
        #expect(errors(draft)?.messages.keys.sorted() == ["lines[0].quantity", "lines[1].unitPriceCents", "lines[2].unitPriceCents"])

        // Up to 1 000 000 € HT per unit, not one cent more.
        draft = party
        draft.lines[2].unitPriceCents = InvoiceDraft.maximumUnitPriceCents
        #expect((try? draft.validate()) != nil)
        draft.lines[2].unitPriceCents = 100_000_001
        #expect(errors(draft)?.messages.keys.sorted() == ["lines[2].unitPriceCents"])
    }

    @Test func paymentTermsAreCappedAtSixtyDays() {
        var draft = party
        draft.paymentTermsDays = 90
        #expect(errors(draft)?.messages.keys.sorted() == ["paymentTermsDays"])
        draft.paymentTermsDays = -1
        #expect(errors(draft)?.messages.keys.sorted() == ["paymentTermsDays"])
        draft.paymentTermsDays = 60
        #expect((try? draft.validate())?.paymentTermsDays == 60)
    }

    @Test func otherFields() {
        var draft = party
        draft.customerName = " "
        draft.customerAddress = nil
        draft.customerEmail = "accueil"
        draft.eventDate = "12 septembre"
        draft.notes = String(repeating: "a", count: 1_001)
        let found = errors(draft)
        #expect(found?.messages.keys.sorted() == ["customerAddress", "customerEmail", "customerName", "eventDate", "notes"])
        #expect(found?["eventDate"] == "La date de la prestation doit s'écrire comme 04/12/2026.")

        draft = party
        draft.notes = "  Livraison à 11 h, entrée par la cour.  "
        #expect((try? draft.validate())?.notes == "Livraison à 11 h, entrée par la cour.")
    }
}

@Suite("Invoice legal mentions")
struct InvoiceLegalMentionsTests {
    private let seller = InvoiceRules.Seller(
        name: "Les Cuisines du Quartier", legalForm: "SCIC SAS", address: "12 rue des Olivettes\n44000 Nantes",
        siret: "732 829 320 00074", vatNumber: nil
    )
    private let centre = InvoiceRules.Buyer(
        name: "Centre social des Dervallières", address: "5 rue Auguste Renoir, 44100 Nantes", isBusiness: true, siren: "552 100 554"
    )
    private let family = InvoiceRules.Buyer(name: "Mme Diallo", address: "3 allée des Tilleuls, 44100 Nantes", isBusiness: false, siren: nil)

    private let latePayment = "En cas de retard de paiement : pénalités au taux de trois fois le taux d'intérêt légal, et indemnité forfaitaire pour frais de recouvrement de 40 € (art. L441-10 et D441-5 du Code de commerce)."

    @Test func anInvoiceToABusinessUnderTheFranchiseEnBase() {
        let mentions = InvoiceRules.legalMentions(
            kind: .invoice, seller: seller, buyer: centre, issuedOn: day("2026-11-26"), eventDate: day("2026-09-12"),
            paymentTermsDays: 30, creditedInvoiceNumber: nil
        )
        #expect(mentions == [
            "TVA non applicable, art. 293 B du CGI.",
            "Les Cuisines du Quartier, SCIC SAS, SIRET 732 829 320 00074, 12 rue des Olivettes, 44000 Nantes.",
            "Date de la prestation : 12/09/2026.",
            "Paiement à 30 jours, au plus tard le 26/12/2026.",
            "Pas d'escompte pour paiement anticipé.",
            latePayment,
            "SIREN du client : 552100554.",
        ])
        #expect(seller.isVatExempt)
    }

    @Test func anInvoiceToAPrivatePersonCarriesNoLatePaymentIndemnity() {
        var vatSeller = seller
        vatSeller.vatNumber = "FR 44 732829320"
        let mentions = InvoiceRules.legalMentions(
            kind: .invoice, seller: vatSeller, buyer: family, issuedOn: day("2026-11-26"), eventDate: nil,
            paymentTermsDays: 0, creditedInvoiceNumber: nil
        )
        #expect(mentions.first == "N° de TVA intracommunautaire : FR44732829320.")
        #expect(!mentions.contains("TVA non applicable, art. 293 B du CGI."))
        #expect(!mentions.contains(latePayment))
        #expect(!mentions.contains(where: { $0.hasPrefix("SIREN du client") }))
        #expect(!mentions.contains(where: { $0.hasPrefix("Date de la prestation") }))
        #expect(mentions.contains("Paiement à réception."))
        #expect(!vatSeller.isVatExempt)
    }

    @Test func aCreditNoteNamesTheInvoiceItCorrects() {
        let mentions = InvoiceRules.legalMentions(
            kind: .creditNote, seller: seller, buyer: centre, issuedOn: day("2026-12-01"), eventDate: nil,
            paymentTermsDays: 30, creditedInvoiceNumber: "F-2026-0007"
        )
        #expect(mentions.last == "Avoir se rapportant à la facture F-2026-0007.")
        #expect(mentions.contains("SIREN du client : 552100554."))
        #expect(!mentions.contains(where: { $0.hasPrefix("Paiement") }))
        #expect(!mentions.contains(latePayment))
    }

    @Test func whatTheSellerLacksBeforeIssuing() {
        #expect(InvoiceRules.missingSellerMentions(seller) == [])
        var incomplete = seller
        incomplete.address = " "
        incomplete.siret = nil
        let missing = InvoiceRules.missingSellerMentions(incomplete)
        #expect(missing.count == 2)
        #expect(missing[0].contains("adresse"))
        #expect(missing[1].contains("SIRET"))

        var wrongKey = seller
        wrongKey.siret = "73282932000075"
        #expect(InvoiceRules.missingSellerMentions(wrongKey).count == 1)

        // The VAT key of SIREN 732 829 320 is (12 + 3 × (732829320 mod 97)) mod 97 = 44.
        var vat = seller
        vat.vatNumber = "FR44732829320"
        #expect(InvoiceRules.missingSellerMentions(vat) == [])
        vat.vatNumber = "FR45732829320"
        #expect(InvoiceRules.missingSellerMentions(vat).count == 1)
        // TotalEnergies' number, valid, but not this cooperative's SIRET.
        vat.vatNumber = "FR59542051180"
        #expect(InvoiceRules.missingSellerMentions(vat) == ["Le numéro de TVA intracommunautaire ne correspond pas au SIRET de la coopérative."])
        vat.vatNumber = "44732829320"
        #expect(InvoiceRules.missingSellerMentions(vat).count == 1)
    }

    @Test func sirenAndSiretKeys() {
        // 732829320, Luhn from the right, doubling every second digit (and taking 9 off above 9):
        // 0 + (2×2=4) + 3 + (9×2=18→9) + 2 + (8×2=16→7) + 2 + (3×2=6) + 7 = 40, a multiple of 10: valid.
        #expect(InvoiceRules.sirenLuhnIsValid("732829320"))
        // The same with a last digit of 1: 41, invalid.
        #expect(!InvoiceRules.sirenLuhnIsValid("732829321"))
        #expect(InvoiceRules.sirenLuhnIsValid("73282932000074"))
        #expect(!InvoiceRules.sirenLuhnIsValid("73282932000075"))
        #expect(InvoiceRules.sirenLuhnIsValid("552100554"))
        // La Poste's establishments: digits summing to a multiple of 5 (3 + 5 + 6 + 1 = 15).
        #expect(InvoiceRules.sirenLuhnIsValid("35600000000010"))
        #expect(!InvoiceRules.sirenLuhnIsValid("35600000000011"))
        #expect(!InvoiceRules.sirenLuhnIsValid("7328293"))
        #expect(!InvoiceRules.sirenLuhnIsValid("73282932A"))
        #expect(!InvoiceRules.sirenLuhnIsValid(""))
    }
}
