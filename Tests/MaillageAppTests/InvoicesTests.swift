import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// Catering documents through the API and the pages: quote → order → delivered → issued,
/// numbers without gaps, an issued invoice frozen, credit notes bounded by the invoice.
@Suite("Trade: catering quotes, invoices and credit notes")
struct InvoicesTests {
    static let buffet = #"""
    {"customerName":"Centre social des Olives","customerAddress":"2 boulevard des Olives, 13013 Marseille","customerIsBusiness":true,
     "customerSiren":"732829320","eventDate":"2026-12-12","lines":[
       {"description":"Buffet (portion)","quantity":60,"unitPriceCents":850,"vatRate":10},
       {"description":"Boisson","quantity":60,"unitPriceCents":120,"vatRate":5.5},
       {"description":"Installation de la salle","quantity":1,"unitPriceCents":15000,"vatRate":"20"}]}
    """#

    static func base(_ app: Application) async throws -> String {
        "/api/v1/coops/\(try await Demo.cooperative(Demo.caillols, app: app).id!)"
    }

    static func delivered(_ client: APIClient, base: String) async throws -> String {
        let quote = try await client.json(.POST, "\(base)/invoices", json: buffet)
        let id = try #require(quote["id"] as? String)
        for step in ["order", "delivered"] {
            #expect(try await client.send(.POST, "\(base)/invoices/\(id)/transitions", json: #"{"to":"\#(step)"}"#).status == .ok)
        }
        return id
    }

    @Test func aQuoteBecomesAnIssuedInvoiceWithItsMentionsAndNeverChangesAgain() async throws {
        try await withMaillage { app in
            let base = try await Self.base(app)
            let staff = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let quote = try await staff.json(.POST, "\(base)/invoices", json: Self.buffet)
            #expect(quote["status"] as? String == "quote")
            #expect(quote["number"] == nil)
            // 510 + 72 + 150 € excluding VAT; the demo cooperative has no VAT number yet (franchise en base).
            #expect(quote["netCents"] as? Int == 73_200)
            #expect(quote["vatCents"] as? Int == 0)
            #expect(quote["grossCents"] as? Int == 73_200)
            let id = try #require(quote["id"] as? String)

            // Not issued before delivery; a quote can be changed until then.
            let early = try await staff.send(.POST, "\(base)/invoices/\(id)/issue")
            #expect(early.status == .conflict)
            #expect(try await staff.send(.PATCH, "\(base)/invoices/\(id)", json: Self.buffet.replacingOccurrences(of: "\"quantity\":60,\"unitPriceCents\":850", with: "\"quantity\":50,\"unitPriceCents\":850")).status == .ok)
            for step in ["order", "delivered"] {
                #expect(try await staff.send(.POST, "\(base)/invoices/\(id)/transitions", json: #"{"to":"\#(step)"}"#).status == .ok)
            }
            #expect(try await staff.send(.POST, "\(base)/invoices/\(id)/transitions", json: #"{"to":"quote"}"#).status == .conflict)

            // Without the cooperative's VAT number, the franchise en base: no VAT at all.
            let issued = try await staff.json(.POST, "\(base)/invoices/\(id)/issue")
            let year = CalendarDay.today.year
            #expect(issued["number"] as? String == "F-\(year)-0001")
            #expect(issued["status"] as? String == "issued")
            #expect(issued["vatExempt"] as? Bool == true)
            #expect(issued["vatCents"] as? Int == 0)
            #expect(issued["grossCents"] as? Int == 64_700)
            let mentions = try #require(issued["legalMentions"] as? [String])
            #expect(mentions.contains("TVA non applicable, art. 293 B du CGI."))
            #expect(mentions.contains { $0.contains("40 €") })
            #expect(mentions.contains { $0.contains("SIRET 912 345 675 00009") })
            #expect(mentions.contains("SIREN du client : 732829320."))

            // Frozen: no change, no second issue, no step back.
            #expect(try await staff.send(.PATCH, "\(base)/invoices/\(id)", json: Self.buffet).status == .conflict)
            #expect(try await staff.send(.POST, "\(base)/invoices/\(id)/issue").status == .conflict)
            #expect(try await staff.send(.POST, "\(base)/invoices/\(id)/transitions", json: #"{"to":"declined"}"#).status == .conflict)
            let stored = try #require(try await Invoice.find(UUID(uuidString: id), on: app.db))
            #expect(stored.grossCents == 64_700)
        }
    }

    @Test func numbersRunWithoutGapsEvenWhenIssuedTogether() async throws {
        try await withMaillage { app in
            let base = try await Self.base(app)
            let coordination = try await APIClient.forDemo("coordination@maillage.example", app: app)
            // With a VAT number, VAT is invoiced.
            let settings = try await coordination.send(.PUT, "\(base)/invoice-settings", json: #"{"vatNumber":"FR65912345675","legalFormLabel":"SCIC SAS à capital variable"}"#)
            #expect(settings.status == .ok)
            let wrong = try await coordination.send(.PUT, "\(base)/invoice-settings", json: #"{"vatNumber":"FR00912345675"}"#)
            #expect(wrong.status == .unprocessableEntity)

            var ids: [String] = []
            for _ in 0..<6 { ids.append(try await Self.delivered(coordination, base: base)) }
            // A declined quote never takes a number.
            let declined = try await coordination.json(.POST, "\(base)/invoices", json: Self.buffet)
            #expect(try await coordination.send(.POST, "\(base)/invoices/\(declined["id"] as! String)/transitions", json: #"{"to":"declined"}"#).status == .ok)
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for id in ids { group.addTask { try await coordination.send(.POST, "\(base)/invoices/\(id)/issue").status.code } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses)")
            let sequences = try await Invoice.query(on: app.db).filter(\.$kind == "invoice").all().compactMap(\.sequence).sorted()
            #expect(sequences == Array(1...6))
            #expect(InvoiceNumbering.gaps(in: sequences).isEmpty)
            let one = try await coordination.json(.GET, "\(base)/invoices/\(ids[0])")
            // 510,00 € at 10 % → 51,00 ; 72,00 € at 5,5 % → 3,96 ; 150,00 € at 20 % → 30,00.
            #expect(one["vatCents"] as? Int == 8_496)
            #expect(one["grossCents"] as? Int == 81_696)
            #expect((one["legalMentions"] as? [String])?.contains("N° de TVA intracommunautaire : FR65912345675.") == true)
        }
    }

    @Test func creditNotesCorrectAnIssuedInvoiceAndNeverExceedIt() async throws {
        try await withMaillage { app in
            let base = try await Self.base(app)
            let staff = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let id = try await Self.delivered(staff, base: base)
            #expect(try await staff.send(.POST, "\(base)/invoices/\(id)/credit-note").status == .conflict)
            _ = try await staff.json(.POST, "\(base)/invoices/\(id)/issue")
            // Ten portions were not served: 85,00 € credited.
            let partial = try await staff.send(.POST, "\(base)/invoices/\(id)/credit-note",
                                               json: #"{"lines":[{"description":"Buffet non servi","quantity":10,"unitPriceCents":850,"vatRate":10}],"reason":"10 convives absents"}"#)
            #expect(partial.status == .created)
            let note = try #require(partial.problem)
            #expect(note["kind"] as? String == "credit_note")
            #expect(note["number"] as? String == "A-\(CalendarDay.today.year)-0001")
            #expect(note["grossCents"] as? Int == -8_500)
            #expect((note["legalMentions"] as? [String])?.contains("Avoir se rapportant à la facture F-\(CalendarDay.today.year)-0001.") == true)
            // More than what remains: refused, nothing written, the number not taken.
            let tooMuch = try await staff.send(.POST, "\(base)/invoices/\(id)/credit-note",
                                               json: #"{"lines":[{"description":"Tout","quantity":1,"unitPriceCents":100000,"vatRate":10}]}"#)
            #expect(tooMuch.status == .unprocessableEntity)
            #expect((tooMuch.problem?["errors"] as? [String: String])?["lines"]?.contains("647,00 €") == true)
            // A full credit note once part of it is credited: which lines, then?
            let whole = try await staff.send(.POST, "\(base)/invoices/\(id)/credit-note")
            #expect((whole.problem?["errors"] as? [String: String])?["lines"] != nil)
            // The rest, line by line, in one credit note.
            let rest = try await staff.json(.POST, "\(base)/invoices/\(id)/credit-note", json: #"""
                {"lines":[{"description":"Buffet (portion)","quantity":50,"unitPriceCents":850,"vatRate":10},
                          {"description":"Boisson","quantity":60,"unitPriceCents":120,"vatRate":5.5},
                          {"description":"Installation de la salle","quantity":1,"unitPriceCents":15000,"vatRate":20}]}
                """#)
            #expect(rest["number"] as? String == "A-\(CalendarDay.today.year)-0002")
            #expect(rest["grossCents"] as? Int == -64_700)
            let nothingLeft = try await staff.send(.POST, "\(base)/invoices/\(id)/credit-note", json: #"{"lines":[{"description":"Un euro","quantity":1,"unitPriceCents":100,"vatRate":10}]}"#)
            #expect(nothingLeft.status == .unprocessableEntity)
            #expect(try await Invoice.query(on: app.db).filter(\.$kind == "credit_note").count() == 2)
        }
    }

    @Test func thePagesTakeAQuoteToAnIssuedA4Invoice() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            var browser = Browser(app)
            try await browser.login("caisse@maillage.example")
            let page = "/coops/\(coop.id!.uuidString.lowercased())/invoices"
            #expect(try await browser.get(page).status == .ok)
            let invalid = try await browser.post(page, form: ["customerName": "", "description-1": "Buffet", "quantity-1": "zéro", "unitPrice-1": "8,50", "vatRate-1": "10"])
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.body.string.contains("La quantité s&#39;écrit en chiffres") || invalid.body.string.contains("La quantité s'écrit en chiffres"))
            #expect(try await Invoice.query(on: app.db).count() == 0)
            let created = try await browser.post(page, form: [
                "customerName": "Amicale des locataires", "customerAddress": "Bât. B, 13012 Marseille",
                "description-1": "Goûter (part)", "quantity-1": "40", "unitPrice-1": "2,50", "vatRate-1": "5.5",
            ])
            #expect(created.status == .seeOther)
            let invoicePath = try #require(created.headers.first(name: .location))
            for step in ["order", "delivered"] {
                #expect(try await browser.post(invoicePath + "/transitions", form: ["to": step]).status == .seeOther)
            }
            #expect(try await browser.post(invoicePath + "/issue", form: [:]).status == .seeOther)
            let sheet = try await browser.get(invoicePath)
            #expect(sheet.body.string.contains("Facture F-\(CalendarDay.today.year)-0001"))
            #expect(sheet.body.string.contains("art. 293 B du CGI"))
            // A private customer: no 40 € indemnity.
            #expect(!sheet.body.string.contains("40 €"))
            #expect(sheet.body.string.contains("100,00 €"))
        }
    }
}
