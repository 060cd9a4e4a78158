import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// The lists that grow beyond a screen (issue 22): tickets, suppliers and purchases are
/// searched and filtered from the address and the API alike, a page at a time.
@Suite("Lists: tickets, suppliers and purchases searched and filtered")
struct ListsTests {
    static func items(_ body: [String: Any]) -> [[String: Any]] { body["items"] as? [[String: Any]] ?? [] }

    @Test func ticketsAreFoundByNumberByRefundAndByPeriod() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let coffee = try #require(try await Product.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$name == "Café").first())
            var ids: [String] = []
            for _ in 0..<3 {
                let sale = try await cashier.send(.POST, "\(base)/sales", json: #"{"lines":[{"productID":"\#(coffee.id!)","quantity":1}],"payments":[{"method":"cash","amountCents":200}]}"#)
                #expect(sale.status == .created)
                ids.append(try #require(sale.problem?["id"] as? String))
            }
            let refund = try await cashier.send(.POST, "\(base)/sales/\(ids[0])/refund", json: "{}")
            #expect(refund.status == .created)
            let total = try await Sale.query(on: app.db).filter(\.$cooperativeID == coop.id!).count()
            #expect(total == 4)

            // By number, by kind, by period; pages that follow each other.
            let second = try await cashier.json(.GET, "\(base)/sales?q=2")
            #expect(Self.items(second).map { $0["number"] as? Int } == [2])
            let refunds = try await cashier.json(.GET, "\(base)/sales?status=refund")
            #expect(Self.items(refunds).map { $0["number"] as? Int } == [4])
            let today = CalendarDay.today
            #expect(Self.items(try await cashier.json(.GET, "\(base)/sales?from=\(today)&to=\(today)")).count == 4)
            #expect(Self.items(try await cashier.json(.GET, "\(base)/sales?to=\(today.adding(days: -1))")).isEmpty)
            let first = try await cashier.json(.GET, "\(base)/sales?limit=3")
            #expect(Self.items(first).map { $0["number"] as? Int } == [4, 3, 2])
            let cursor = try #require(first["nextCursor"] as? String)
            #expect(Self.items(try await cashier.json(.GET, "\(base)/sales?limit=3&cursor=\(cursor)")).map { $0["number"] as? Int } == [1])

            // A number typed with letters or a period backwards: a 422 naming the field.
            let letters = try await cashier.send(.GET, "\(base)/sales?q=abc")
            #expect(letters.status == .unprocessableEntity)
            #expect((letters.problem?["errors"] as? [String: String])?["q"]?.contains("en chiffres") == true)
            let backwards = try await cashier.send(.GET, "\(base)/sales?from=\(today)&to=\(today.adding(days: -3))")
            #expect((backwards.problem?["errors"] as? [String: String])?["from"] != nil)

            // The page reads the same address, and shows the whole list with why when it is wrong.
            var browser = Browser(app)
            try await browser.login("caisse@maillage.example")
            let page = try await browser.get(SiteURL.sales(coop.id!).path + "?status=refund").body.string
            #expect(page.contains(FrenchText.count(1, "ticket", "tickets")))
            #expect(page.contains(#"<option value="refund" selected="selected">"#))
            let refused = try await browser.get(SiteURL.sales(coop.id!).path + "?q=abc")
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains(##"href="#filtre-q""##) && refused.body.string.contains(FrenchText.count(4, "ticket", "tickets")))
        }
    }

    @Test func suppliersAndPurchasesAreSearchedOnThePageAndInTheAPI() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let staff = try await APIClient.forDemo("coordination@maillage.example", app: app)
            for (name, kind, commune) in [("Ferme des Restanques", "producer", "Aubagne"), ("Boucherie Saint-Julien", "neighbourhood-shop", "Marseille"),
                                          ("Épicerie solidaire des Caillols", "social-economy", "Marseille")] {
                let created = try await staff.send(.POST, "\(base)/suppliers", json: #"{"name":"\#(name)","kind":"\#(kind)","commune":"\#(commune)","intermediaries":1}"#)
                #expect(created.status == .created, "\(created.body.string)")
            }
            let all = try await Supplier.query(on: app.db).filter(\.$cooperativeID == coop.id!).all()
            // Accents and case set aside; a kind as the state.
            let epicerie = Self.items(try await staff.json(.GET, "\(base)/suppliers?q=epicerie"))
            #expect(epicerie.map { $0["name"] as? String } == ["Épicerie solidaire des Caillols"])
            let farms = Self.items(try await staff.json(.GET, "\(base)/suppliers?status=producer"))
            #expect(farms.count == all.filter { $0.kind == "producer" }.count && !farms.isEmpty)
            #expect(Self.items(try await staff.json(.GET, "\(base)/suppliers")).count == all.count)
            #expect(try await staff.send(.GET, "\(base)/suppliers?status=castle").status == .unprocessableEntity)

            let butcher = try #require(all.first { $0.name == "Boucherie Saint-Julien" }?.id)
            let today = CalendarDay.today
            for reference in ["FA-2026-118", "FA-2026-119"] {
                let bought = try await staff.send(.POST, "\(base)/purchases", json: #"""
                    {"supplierID":"\#(butcher)","date":"\#(today)","reference":"\#(reference)","lines":[{"description":"Bœuf","family":"viandes-volailles","priceCents":12000}]}
                    """#)
                #expect(bought.status == .created, "\(bought.body.string)")
            }
            let found = Self.items(try await staff.json(.GET, "\(base)/purchases?q=119"))
            #expect(found.map { $0["reference"] as? String } == ["FA-2026-119"])
            #expect(Self.items(try await staff.json(.GET, "\(base)/purchases?q=boucherie")).count == 2)

            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            let suppliers = try await browser.get(SiteURL.suppliers(coop.id!).path + "?q=epicerie").body.string
            #expect(suppliers.contains("Épicerie solidaire des Caillols") && !suppliers.contains(">Boucherie Saint-Julien<"))
            let purchases = try await browser.get(SiteURL.purchases(coop.id!).path + "?year=\(today.year)&q=FA-2026-118").body.string
            #expect(purchases.contains("FA-2026-118") && !purchases.contains("FA-2026-119"))
            #expect(purchases.contains(#"<input type="hidden" name="year" value="\#(today.year)"/>"#))
        }
    }
}
