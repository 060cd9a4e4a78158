import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// Catalogue, tariff grids and households, through the API and the pages.
@Suite("Trade: catalogue, tariff grids, households")
struct TradeCatalogueTests {
    static func errors(_ response: TestingHTTPResponse) -> [String: String] {
        response.problem?["errors"] as? [String: String] ?? [:]
    }

    @Test func theCoordinatorBuildsTheCatalogueAndTheCashierReadsIt() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let created = try await coordinator.send(.POST, "\(base)/products", json: #"{"name":"Soupe du jour","category":"repas","publicPriceCents":350,"vatRate":5.5}"#)
            #expect(created.status == .created)
            #expect(created.problem?["vatRate"] as? Double == 5.5)
            let french = try await coordinator.send(.POST, "\(base)/products", json: #"{"name":"Tarte","category":"repas","publicPriceCents":300,"vatRate":"5,5"}"#)
            #expect(french.status == .created)
            let bad = try await coordinator.send(.POST, "\(base)/products", json: #"{"name":"Soupe du jour","category":"","publicPriceCents":-1,"vatRate":7}"#)
            #expect(Set(Self.errors(bad).keys) == ["name", "category", "publicPriceCents", "vatRate"])
            let list = try await cashier.json(.GET, "\(base)/products")
            #expect((list["items"] as? [[String: Any]])?.count == DemoTrade.products.count + 2)
            // The cashier sells; she does not set prices.
            #expect(try await cashier.send(.POST, "\(base)/products", json: #"{"name":"X","category":"repas","publicPriceCents":1,"vatRate":10}"#).status == .forbidden)
            let id = try #require(created.problem?["id"] as? String)
            let off = try await coordinator.send(.PATCH, "\(base)/products/\(id)", json: #"{"active":false}"#)
            #expect(off.problem?["active"] as? Bool == false)
        }
    }

    @Test func aNewGridTakesOverAndThePreviewComputesPrices() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let cantine = try await coordinator.send(.POST, "\(base)/tariff-grids", json: #"""
            {"name":"Cantine à 1 €","validFrom":"\#(CalendarDay.today)","brackets":[{"maxFamilyQuotient":400,"priceCents":100},{"maxFamilyQuotient":700,"percentOfPublic":50},{"percentOfPublic":100}]}
            """#)
            #expect(cantine.status == .created)
            let repository = TradeRepository(db: app.db, scope: try await TestActors.scope("coordination@maillage.example", coop: coop, app: app))
            let current = try #require(try await repository.currentGrid(on: .today))
            #expect(current.name == "Cantine à 1 €")
            // The demo's earlier grid stays, for the sales made under it.
            #expect(try await repository.grids().count == 2)
            let meal = try #require(try await repository.products().first { $0.name == "Repas du midi" })
            let row = try #require(TradeRepository.preview(current.grid, products: [meal]).first)
            // QF 0 and 300 pay 1 €, 500 and 700 half of 9 €, beyond the public price.
            #expect(row.prices.map(\.cents) == [100, 100, 450, 450, 900, 900, 900])

            let effort = try await coordinator.send(.POST, "\(base)/tariff-grids", json: #"{"name":"Taux d'effort","validFrom":"2027-01-01","effortRate":{"permille":4,"minCents":50,"maxCents":400}}"#)
            #expect(effort.status == .created)
            #expect(try await repository.currentGrid(on: CalendarDay(year: 2027, month: 1, day: 2))?.name == "Taux d'effort")
            let both = try await coordinator.send(.POST, "\(base)/tariff-grids", json: #"""
            {"name":"x","validFrom":"2026-01-01","validTo":"2025-01-01","brackets":[{"maxFamilyQuotient":700,"priceCents":100},{"maxFamilyQuotient":400,"priceCents":100}],"effortRate":{"permille":4,"minCents":0,"maxCents":1}}
            """#)
            #expect(Set(Self.errors(both).keys) == ["validTo", "brackets", "brackets[1].maxFamilyQuotient"])
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            #expect(try await cashier.send(.POST, "\(base)/tariff-grids", json: #"{"name":"x","validFrom":"2026-01-01","brackets":[{"percentOfPublic":1}]}"#).status == .forbidden)
            #expect(try await cashier.send(.GET, "\(base)/tariff-grids").status == .ok)
        }
    }

    @Test func householdsGetACardAndTheirTier() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let recent = CalendarDay.today.adding(days: -10)
            let registered = try await cashier.send(.POST, "\(base)/households", json: #"{"proof":{"kind":"caf_certificate","familyQuotient":520,"issuedOn":"\#(recent)"}}"#)
            #expect(registered.status == .created)
            let body = try #require(registered.problem)
            // Demo grid: ≤ 400, ≤ 700, ≤ 1000, beyond: QF 520 is the second bracket.
            #expect(body["tier"] as? String == "T2")
            #expect(body["validUntil"] as? String == recent.adding(months: 12).description)
            let card = try #require(body["card"] as? String)
            #expect(card.count == 6)
            let stored = try #require(try await Household.query(on: app.db).filter(\.$card == card).first())
            // The income is not kept.
            #expect(stored.familyQuotient == nil)
            #expect(try await cashier.json(.GET, "\(base)/households/\(card.lowercased())")["tier"] as? String == "T2")

            let old = CalendarDay.today.adding(months: -3)
            let refused = try await cashier.send(.POST, "\(base)/households", json: #"{"card":"CAIL01","proof":{"kind":"caf_certificate","familyQuotient":520,"issuedOn":"\#(old)"}}"#)
            #expect(refused.status == .unprocessableEntity)
            #expect(Set(Self.errors(refused).keys) == ["card", "proof.issuedOn"])
            let referral = try await cashier.send(.POST, "\(base)/households", json: #"{"card":"abc-1","proof":{"kind":"social_worker_referral","issuedOn":"\#(recent)"}}"#)
            #expect(Self.errors(referral)["card"] != nil)
            // The demo's card CAIL04: a referral issued 400 days ago, expired.
            let expired = try await cashier.json(.GET, "\(base)/households/CAIL04")
            #expect(expired["tier"] as? String == "T1")
            #expect(expired["tierToday"] as? String == "public")
            #expect(expired["expired"] as? Bool == true)
            // Another cooperative's cashier-less coordinator does not know this card.
            let avignon = try await APIClient.forDemo("coordination.avignon@maillage.example", app: app)
            #expect(try await avignon.send(.GET, "\(base)/households/CAIL01").status == .notFound)
            let member = try await APIClient.forDemo("societaire@maillage.example", app: app)
            #expect(try await member.send(.GET, "\(base)/households").status == .forbidden)
        }
    }

    @Test func thePagesShowTheGridPreviewAndRegisterACard() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            var coordinator = Browser(app)
            try await coordinator.login("coordination@maillage.example")
            let grids = try await coordinator.get("/coops/\(coop.id!)/tariff-grids")
            #expect(grids.status == .ok)
            // Repas du midi at 9 € for QF 300 (first bracket, 25 %): 2,25 €.
            #expect(grids.body.string.contains("2,25 €"))
            let refused = try await coordinator.post("/coops/\(coop.id!)/tariff-grids", form: ["name": "Nouvelle", "validFrom": "2027-01-01", "mode": "brackets", "max1": "abc", "price1": "1,00"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("nombre entier"))
            let created = try await coordinator.post("/coops/\(coop.id!)/tariff-grids", form: ["name": "Cantine 2027", "validFrom": "2027-01-01", "mode": "brackets",
                                                                                                "max1": "400", "price1": "1,00", "percent2": "100"])
            #expect(created.status == .seeOther)
            let record = try #require(try await TariffGridRecord.query(on: app.db).filter(\.$name == "Cantine 2027").first())
            #expect(record.grid.brackets == [.init(maxFamilyQuotient: 400, rule: .fixedPrice(cents: 100)), .init(maxFamilyQuotient: nil, rule: .percentOfPublic(100))])

            var cashier = Browser(app)
            try await cashier.login("caisse@maillage.example")
            let page = try await cashier.get("/coops/\(coop.id!)/households")
            #expect(page.body.string.contains("CAIL04"))
            #expect(page.body.string.contains("justificatif expiré"))
            let registered = try await cashier.post("/coops/\(coop.id!)/households", form: ["kind": "tax_notice", "familyQuotient": "950", "issuedOn": CalendarDay.today.adding(days: -60).description, "card": "FOYER7"])
            #expect(registered.status == .seeOther)
            #expect(try await Household.query(on: app.db).filter(\.$card == "FOYER7").first()?.tier == "T3")
            let badQF = try await cashier.post("/coops/\(coop.id!)/households", form: ["kind": "tax_notice", "familyQuotient": "neuf cents", "issuedOn": "2026-10-01"])
            #expect(badQF.status == .unprocessableEntity)
            #expect(badQF.body.string.contains("en chiffres"))
            let products = try await cashier.get("/coops/\(coop.id!)/products")
            #expect(products.body.string.contains("Repas du midi"))
            #expect(!products.body.string.contains("product-form"))
        }
    }

    @Test func aBracketPricesEachCategoryAndTheSaleFollows() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            // Up to QF 400: meals at 1 €, the recyclerie at half price, anything else at 25 %.
            let created = try await coordinator.send(.POST, "\(base)/tariff-grids", json: #"""
            {"name":"Restaurant et recyclerie","validFrom":"\#(CalendarDay.today)","brackets":[
              {"maxFamilyQuotient":400,"percentOfPublic":25,"categories":[{"category":"repas","priceCents":100},{"category":"Recyclerie","percentOfPublic":50}]},
              {"percentOfPublic":100}]}
            """#)
            #expect(created.status == .created)
            let brackets = try #require(created.problem?["brackets"] as? [[String: Any]])
            #expect((brackets[0]["categories"] as? [[String: Any]])?.count == 2)
            #expect(brackets[1]["categories"] == nil)
            let listed = try await coordinator.json(.GET, "\(base)/tariff-grids")
            let first = try #require((listed["items"] as? [[String: Any]])?.first)
            #expect(((first["brackets"] as? [[String: Any]])?[0]["categories"] as? [[String: Any]])?.first?["priceCents"] as? Int == 100)

            // CAIL01 is in the first bracket: what the till shows for it today.
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let card = try await cashier.json(.GET, "\(base)/households/CAIL01?prices=today")
            let prices = try #require(card["prices"] as? [String: Int])
            let products = try await Product.query(on: app.db).filter(\.$cooperativeID == coop.id!).all()
            func id(_ name: String) -> String { products.first { $0.name == name }!.id!.uuidString }
            #expect(prices[id("Repas du midi")] == 100)
            #expect(prices[id("Café")] == 100) // a meal-category product at 1,50 €: 1 €
            #expect(prices[id("Lampe de la recyclerie")] == 400)
            #expect(prices[id("Retouche couture")] == 300)
            #expect(prices[id("Plateau traiteur (par personne)")] == 350)

            let household = try #require(try await Household.query(on: app.db).filter(\.$card == "CAIL01").first())
            var headers = HTTPHeaders()
            headers.add(name: "Idempotency-Key", value: "categories-0001")
            let sale = try await cashier.send(.POST, "\(base)/sales", json: #"""
            {"householdID":"\#(household.id!)","lines":[{"productID":"\#(id("Lampe de la recyclerie"))","quantity":1},{"productID":"\#(id("Repas du midi"))","quantity":2}],
             "payments":[{"method":"cash","amountCents":600}]}
            """#, headers: headers)
            #expect(sale.status == .created)
            let lines = try #require(sale.problem?["lines"] as? [[String: Any]])
            #expect(lines.map { $0["priceCents"] as? Int } == [400, 100])
            #expect(lines.map { $0["solidarityCents"] as? Int } == [400, 1600])
            #expect(sale.problem?["totalCents"] as? Int == 600)

            // A category that no product has is a slip: named, and nothing is created.
            let typo = try await coordinator.send(.POST, "\(base)/tariff-grids", json: #"""
            {"name":"Faute","validFrom":"2027-01-01","brackets":[{"percentOfPublic":50,"categories":[{"category":"recylerie","percentOfPublic":30},{"category":"repas"}]}]}
            """#)
            #expect(typo.status == .unprocessableEntity)
            #expect(Set(Self.errors(typo).keys) == ["brackets[0].categories[0].category", "brackets[0].categories[1]"])
            #expect(Self.errors(typo)["brackets[0].categories[0].category"]?.contains("recyclerie") == true)
            #expect(try await TariffGridRecord.query(on: app.db).filter(\.$name == "Faute").count() == 0)
        }
    }

    @Test func theGridFormTakesAPricePerCategory() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            var coordinator = Browser(app)
            try await coordinator.login("coordination@maillage.example")
            let page = try await coordinator.get("/coops/\(coop.id!)/tariff-grids")
            // One field per bracket and category of the catalogue, categories named once.
            #expect(page.body.string.contains("name=\"catname_0\" value=\"recyclerie\""))
            #expect(page.body.string.contains("name=\"cat1_1\""))
            #expect(page.body.string.contains("Catégorie « recyclerie »"))
            #expect(page.body.string.contains("Prix par catégorie (facultatif)"))
            let form = ["name": "Grille 2027", "validFrom": "2027-01-01", "mode": "brackets", "catname_0": "repas", "catname_1": "recyclerie",
                        "max1": "400", "percent1": "25", "cat1_0": "1,00 €", "cat1_1": "beaucoup", "percent2": "100", "cat2_1": "80 %"]
            let refused = try await coordinator.post("/coops/\(coop.id!)/tariff-grids", form: form)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("un pourcentage du prix public (30 %)"))
            #expect(refused.body.string.contains("value=\"beaucoup\""))
            var fixed = form
            fixed["cat1_1"] = "50 %"
            let created = try await coordinator.post("/coops/\(coop.id!)/tariff-grids", form: fixed)
            #expect(created.status == .seeOther)
            let record = try #require(try await TariffGridRecord.query(on: app.db).filter(\.$name == "Grille 2027").first())
            #expect(record.grid.brackets == [
                .init(maxFamilyQuotient: 400, rule: .percentOfPublic(25), categoryRules: ["repas": .fixedPrice(cents: 100), "recyclerie": .percentOfPublic(50)]),
                .init(maxFamilyQuotient: nil, rule: .percentOfPublic(100), categoryRules: ["recyclerie": .percentOfPublic(80)]),
            ])
            let list = try await coordinator.get("/coops/\(coop.id!)/tariff-grids")
            #expect(list.body.string.contains("avec des prix par catégorie"))
        }
    }

    @Test func theCoordinationChoosesToKeepTheFamilyQuotient() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            #expect(try await cashier.json(.GET, "\(base)/trade-settings")["keepFamilyQuotient"] as? Bool == false)
            #expect(try await cashier.send(.PUT, "\(base)/trade-settings", json: #"{"keepFamilyQuotient":true}"#).status == .forbidden)
            let avignon = try await APIClient.forDemo("coordination.avignon@maillage.example", app: app)
            #expect(try await avignon.send(.PUT, "\(base)/trade-settings", json: #"{"keepFamilyQuotient":true}"#).status == .notFound)
            let missing = try await coordinator.send(.PUT, "\(base)/trade-settings", json: #"{}"#)
            #expect(missing.status == .unprocessableEntity)
            #expect(Self.errors(missing)["keepFamilyQuotient"] != nil)
            #expect(try await coordinator.json(.PUT, "\(base)/trade-settings", json: #"{"keepFamilyQuotient":true}"#)["keepFamilyQuotient"] as? Bool == true)

            let recent = CalendarDay.today.adding(days: -10)
            let registered = try await cashier.json(.POST, "\(base)/households", json: #"{"card":"QF0520","proof":{"kind":"caf_certificate","familyQuotient":520,"issuedOn":"\#(recent)"}}"#)
            #expect(registered["familyQuotient"] as? Int == 520)
            #expect(try await Household.query(on: app.db).filter(\.$card == "QF0520").first()?.familyQuotient == 520)

            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            let page = try await browser.get("/coops/\(coop.id!)/households")
            #expect(page.body.string.contains("Le quotient familial est gardé."))
            #expect(page.body.string.contains(">520<"))
            // Stopping erases what was kept.
            let stopped = try await browser.post("/coops/\(coop.id!)/households/settings", form: ["keepFamilyQuotient": "false"])
            #expect(stopped.status == .seeOther)
            #expect(try await Household.query(on: app.db).filter(\.$card == "QF0520").first()?.familyQuotient == nil)
            #expect(try await cashier.json(.GET, "\(base)/trade-settings")["keepFamilyQuotient"] as? Bool == false)
            let next = try await cashier.json(.POST, "\(base)/households", json: #"{"proof":{"kind":"caf_certificate","familyQuotient":610,"issuedOn":"\#(recent)"}}"#)
            #expect(next["familyQuotient"] == nil)
        }
    }

    @Test func aHouseholdCardPrintsWithItsQRCode() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            var cashier = Browser(app)
            try await cashier.login("caisse@maillage.example")
            let list = try await cashier.get("/coops/\(coop.id!)/households")
            #expect(list.body.string.contains("/households/CAIL01/card"))
            let card = try await cashier.get("/coops/\(coop.id!)/households/cail01/card")
            #expect(card.status == .ok)
            let html = card.body.string
            #expect(html.contains("<svg"))
            #expect(html.contains(QRCode("CAIL01")!.svg(moduleSize: 6, title: "Code QR de la carte CAIL01")))
            #expect(html.contains("household-card-code\">CAIL01<"))
            #expect(html.contains(Demo.caillols.replacingOccurrences(of: "'", with: "&#39;")) || html.contains("Caillols"))
            #expect(try await cashier.get("/coops/\(coop.id!)/households/NOPE99/card").status == .notFound)
        }
    }
}
