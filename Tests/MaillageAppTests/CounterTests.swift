import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// The counter's day: the drawer opened with its float, the cash counted at the Z with the
/// expected cash and the gap, and the tickets' prints (the original, then counted duplicatas).
@Suite("Trade: the drawer, the cash count and the duplicatas")
struct CounterTests {
    static func products(_ app: Application, _ coop: Cooperative) async throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try await Product.query(on: app.db).filter(\.$cooperativeID == coop.id!).all().map { ($0.name, $0.id!.uuidString) })
    }

    @Test func theZCountsTheDrawerAgainstTheFloatAndTheCashTaken() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let products = try await Self.products(app, coop)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)

            // Before the opening: no drawer; a float that is not an amount is refused.
            #expect(try await cashier.json(.GET, "\(base)/drawer")["opened"] as? Bool == false)
            let negative = try await cashier.send(.POST, "\(base)/drawer/open", json: #"{"openingFloatCents":-500}"#)
            #expect(negative.status == .unprocessableEntity)
            #expect(SalesTests.errors(negative)["openingFloatCents"] == "Le fond de caisse est un montant de 0 à 100 000 €.")
            let opened = try await cashier.json(.POST, "\(base)/drawer/open", json: #"{"openingFloatCents":15000}"#)
            #expect(opened["openingFloatCents"] as? Int == 15000)
            #expect(opened["expectedCashCents"] as? Int == 15000)
            #expect(opened["openedBy"] as? String == "Samir Ouali")
            #expect(try await cashier.send(.POST, "\(base)/drawer/open", json: #"{"openingFloatCents":20000}"#).status == .conflict)

            // A meal and a coffee paid with a 20 € note (9,50 € back), a meal by card, a
            // child's meal in cash then refunded in cash: 10,50 € of cash stays in the drawer.
            let cash = try await cashier.json(.POST, "\(base)/sales", json: #"""
                {"lines":[{"productID":"\#(products["Repas du midi"]!)","quantity":1},{"productID":"\#(products["Café"]!)","quantity":1}],"payments":[{"method":"cash","amountCents":2000}]}
                """#)
            #expect(cash["changeCents"] as? Int == 950)
            _ = try await cashier.json(.POST, "\(base)/sales", json: #"{"lines":[{"productID":"\#(products["Repas du midi"]!)","quantity":1}],"payments":[{"method":"card","amountCents":900}]}"#)
            let child = try await cashier.json(.POST, "\(base)/sales", json: #"{"lines":[{"productID":"\#(products["Repas enfant"]!)","quantity":1}],"payments":[{"method":"cash","amountCents":450}]}"#)
            let refund = try await cashier.send(.POST, "\(base)/sales/\(try #require(child["id"] as? String))/refund")
            #expect(refund.status == .created)
            let drawer = try await cashier.json(.GET, "\(base)/drawer")
            #expect(drawer["netCashCents"] as? Int == 1050)
            #expect(drawer["expectedCashCents"] as? Int == 16050)

            // A total that is not what the pieces add up to, a coin that is not the euro's:
            // refused, and no closing written.
            let mismatch = try await cashier.send(.POST, "\(base)/closings", json: #"{"period":"day","countedCashCents":16000,"cashCount":{"5000":2,"2000":3,"20":1,"10":1}}"#)
            #expect(mismatch.status == .unprocessableEntity)
            #expect(SalesTests.errors(mismatch)["countedCashCents"] == "Le total saisi (160,00\u{A0}€) ne fait pas la somme des pièces et billets (160,30\u{A0}€).")
            let strange = try await cashier.send(.POST, "\(base)/closings", json: #"{"period":"day","cashCount":{"300":1}}"#)
            #expect(strange.status == .unprocessableEntity)
            #expect(SalesTests.errors(strange)["cashCount"]?.hasPrefix("« 300 » n'est pas une pièce ni un billet en euros") == true)
            #expect(try await Closing.query(on: app.db).filter(\.$cooperativeID == coop.id!).count() == 0)

            // Two 50 € notes, three 20 € notes, 20 and 10 cents: 160,30 €, 20 cents short.
            let z = try await cashier.json(.POST, "\(base)/closings", json: #"{"period":"day","cashCount":{"5000":2,"2000":3,"20":1,"10":1}}"#)
            #expect(z["openingFloatCents"] as? Int == 15000)
            #expect(z["expectedCashCents"] as? Int == 16050)
            #expect(z["countedCashCents"] as? Int == 16030)
            #expect(z["cashGapCents"] as? Int == -20)
            #expect(z["countedBy"] as? String == "Samir Ouali")
            #expect(z["cashCount"] as? [String: Int] == ["5000": 2, "2000": 3, "20": 1, "10": 1])
            #expect((z["byMethod"] as? [String: Int]) == ["cash": 1050, "card": 900])
            // After the Z the drawer does not open again.
            #expect(try await cashier.send(.POST, "\(base)/drawer/open", json: #"{"openingFloatCents":0}"#).status == .conflict)

            // The Z's page says it all, to print at 80 mm.
            var browser = Browser(app)
            try await browser.login("caisse@maillage.example")
            let page = try await browser.get(SiteURL.closing(coop.id!, UUID(uuidString: try #require(z["id"] as? String))!).path)
            #expect(page.status == .ok)
            let html = page.body.string
            for expected in ["Fond de caisse", "150,00\u{A0}€", "Espèces attendues", "160,50\u{A0}€", "Espèces comptées", "160,30\u{A0}€", "-0,20\u{A0}€",
                             "2 × 50 €", "Carte bancaire", "Total perpétuel", "class=\"receipt-80\""] {
                #expect(html.contains(expected), "the Z page lacks \(expected)")
            }
        }
    }

    @Test func aZWithoutCountOrFloatStillSaysWhatIsExpected() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let products = try await Self.products(app, coop)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            _ = try await cashier.json(.POST, "\(base)/sales", json: #"{"lines":[{"productID":"\#(products["Café"]!)","quantity":2}],"payments":[{"method":"cash","amountCents":500}]}"#)
            let z = try await cashier.json(.POST, "\(base)/closings", json: #"{"period":"day","countedCashCents":300}"#)
            #expect(z["openingFloatCents"] as? Int == 0)
            #expect(z["expectedCashCents"] as? Int == 300)
            #expect(z["countedCashCents"] as? Int == 300)
            #expect(z["cashGapCents"] as? Int == 0)
            // A month's closing counts no cash.
            let month = try await cashier.send(.POST, "\(base)/closings", json: #"{"period":"month","date":"\#(CalendarDay.today.adding(months: -1))"}"#)
            #expect(month.status == .created)
            #expect(month.problem?["expectedCashCents"] == nil)
        }
    }

    @Test func aReprintIsADuplicataWithItsOwnNumberAndTheZCountsThem() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let products = try await Self.products(app, coop)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let sale = try await cashier.json(.POST, "\(base)/sales", json: #"{"lines":[{"productID":"\#(products["Repas du midi"]!)","quantity":2}],"payments":[{"method":"card","amountCents":1800}]}"#)
            let saleID = try #require(sale["id"] as? String)
            let first = try await cashier.json(.POST, "\(base)/sales/\(saleID)/prints")
            #expect(first["copy"] as? Int == 0 && first["duplicate"] as? Bool == false)
            let second = try await cashier.json(.POST, "\(base)/sales/\(saleID)/prints")
            #expect(second["copy"] as? Int == 1 && second["duplicate"] as? Bool == true)

            var browser = Browser(app)
            try await browser.login("caisse@maillage.example")
            let id = UUID(uuidString: saleID)!
            // From the ticket's page: a third print, the second duplicata, printed at once.
            _ = try await browser.get(SiteURL.sale(coop.id!, id).path)
            let printed = try await browser.post(SiteURL.salePrints(coop.id!, id).path, form: [:])
            #expect(printed.status == .seeOther)
            let location = try #require(printed.headers.first(name: .location))
            #expect(location == SiteURL.salePrint(coop.id!, id).path + "?copy=2")
            let duplicate = try await browser.get(location).body.string
            #expect(duplicate.contains("DUPLICATA n° 2"))
            #expect(duplicate.contains("data-autoprint"))
            // The legal mentions: seller, SIRET, time to the second, lines with quantity, unit
            // price and VAT rate, totals by rate; the tier without income.
            #expect(duplicate.contains(coop.name))
            if let siret = coop.siret { #expect(duplicate.contains("SIRET " + siret)) }
            #expect(duplicate.range(of: #"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}"#, options: .regularExpression) != nil)
            #expect(duplicate.contains("2 × 9,00\u{A0}€") && duplicate.contains("10 %") && duplicate.contains("TVA 10 %"))
            #expect(duplicate.contains("Tarif : Prix public"))
            // The original's page has no mark; a copy never printed prints nothing.
            #expect(!(try await browser.get(SiteURL.salePrint(coop.id!, id).path + "?copy=0").body.string.contains("DUPLICATA")))
            let never = try await browser.get(SiteURL.salePrint(coop.id!, id).path + "?copy=9").body.string
            #expect(!never.contains("DUPLICATA") && !never.contains("data-autoprint"))
            #expect(try await browser.get(SiteURL.sale(coop.id!, id).path).body.string.contains("Imprimé 3 fois : l'original et 2 duplicatas."))
            #expect(try await TicketPrint.query(on: app.db).filter(\.$saleID == id).count() == 3)

            let z = try await cashier.json(.POST, "\(base)/closings", json: #"{"period":"day"}"#)
            let zPage = try await browser.get(SiteURL.closing(coop.id!, UUID(uuidString: try #require(z["id"] as? String))!).path).body.string
            #expect(zPage.contains("Duplicatas imprimés</dt><dd>2</dd>"))
        }
    }

    @Test func theTillPageOpensTheDrawerAndSaysSoWhenTheFloatIsNotAnAmount() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            var browser = Browser(app)
            try await browser.login("caisse@maillage.example")
            let till = try await browser.get(SiteURL.till(coop.id!).path).body.string
            #expect(till.contains(#"id="drawer-open-form""#))
            let refused = try await browser.post(SiteURL.drawerOpen(coop.id!).path, form: ["openingFloat": "cent"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Écrivez le fond de caisse en euros, par exemple 150 ou 85,50."))
            #expect(refused.body.string.contains(#"value="cent""#))
            let opened = try await browser.post(SiteURL.drawerOpen(coop.id!).path, form: ["openingFloat": "85,50"])
            #expect(opened.status == .seeOther)
            let after = try await browser.get(SiteURL.till(coop.id!).path).body.string
            #expect(after.contains("Caisse ouverte : fond de caisse de 85,50\u{A0}€."))
            #expect(after.contains(#"id="drawer-state""#) && !after.contains(#"id="drawer-open-form""#))
            #expect(try await CashDrawer.query(on: app.db).filter(\.$cooperativeID == coop.id!).first()?.openingFloatCents == 8550)
        }
    }
}

/// The training mode (mode école): a new cashier's tickets are priced like sales but numbered
/// apart, and never reach the journal, the day totals, the pool or the closings.
@Suite("Trade: the training mode")
struct TrainingModeTests {
    @Test func trainingTicketsStayOutOfTheChainTheFiguresThePoolAndTheClosings() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let products = try await CounterTests.products(app, coop)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let poolBefore = try await cashier.json(.GET, "\(base)/pool")["balanceCents"] as? Int

            let real = try await cashier.json(.POST, "\(base)/sales", json: #"{"lines":[{"productID":"\#(products["Café"]!)","quantity":1}],"payments":[{"method":"cash","amountCents":150}]}"#)
            #expect(real["number"] as? Int == 1 && real["training"] == nil)
            // Two exercises: two meals and a 5 € donation, paid with a 50 € note; then a coffee.
            let exercise = try await cashier.json(.POST, "\(base)/sales", json: #"""
                {"training":true,"lines":[{"productID":"\#(products["Repas du midi"]!)","quantity":2}],"donationCents":500,"payments":[{"method":"cash","amountCents":5000}]}
                """#)
            #expect(exercise["training"] as? Bool == true)
            #expect(exercise["number"] as? Int == 1)
            #expect(exercise["totalCents"] as? Int == 2300 && exercise["changeCents"] as? Int == 2700)
            #expect(exercise["hash"] as? String == "")
            let second = try await cashier.json(.POST, "\(base)/sales", json: #"{"training":true,"lines":[{"productID":"\#(products["Café"]!)","quantity":1}],"payments":[{"method":"card","amountCents":150}]}"#)
            #expect(second["number"] as? Int == 2)
            // An exercise is checked like a sale.
            let refused = try await cashier.send(.POST, "\(base)/sales", json: #"{"training":true,"lines":[],"payments":[]}"#)
            #expect(refused.status == .unprocessableEntity)
            // The journal goes on from 1 to 2, without the exercises.
            let next = try await cashier.json(.POST, "\(base)/sales", json: #"{"lines":[{"productID":"\#(products["Café"]!)","quantity":2}],"payments":[{"method":"card","amountCents":300}]}"#)
            #expect(next["number"] as? Int == 2)
            let journal = try await cashier.json(.GET, "\(base)/journal/verify")
            #expect(journal["ok"] as? Bool == true && journal["entries"] as? Int == 2)
            #expect((try await cashier.json(.GET, "\(base)/sales")["items"] as? [[String: Any]])?.count == 2)
            #expect(try await cashier.json(.GET, "\(base)/pool")["balanceCents"] as? Int == poolBefore)
            let drawer = try await cashier.json(.GET, "\(base)/drawer")
            #expect(drawer["netCashCents"] as? Int == 150)
            let day = try await SaleDayTotals.pool(of: coop.id!, on: app.db)
            #expect(day.donation == 0)
            let z = try await cashier.json(.POST, "\(base)/closings", json: #"{"period":"day","countedCashCents":150}"#)
            #expect(z["tickets"] as? Int == 2 && z["totalCents"] as? Int == 450 && z["cashGapCents"] as? Int == 0)
            #expect(try await TrainingTicket.query(on: app.db).filter(\.$cooperativeID == coop.id!).count() == 2)
        }
    }
}
