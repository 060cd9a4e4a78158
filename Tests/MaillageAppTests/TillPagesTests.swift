import Crypto
import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// The counter's pages and what the till's script relies on: the products with their keys,
/// a household's prices, the archive of a closed day, and the trade figures.
@Suite("Trade: the till, tickets, closings and figures")
struct TillPagesTests {
    @Test func theTillPageCarriesWhatItsScriptNeeds() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            var browser = Browser(app)
            try await browser.login("caisse@maillage.example")
            let page = try await browser.get(SiteURL.till(coop.id!).path)
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains(#"<script src="/assets/till.js" defer="defer">"#))
            #expect(html.contains(#"data-api="/api/v1/coops/\#(coop.id!.uuidString.lowercased())""#))
            let products = try await Product.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$active == true).count()
            #expect(html.components(separatedBy: "class=\"till-product\"").count - 1 == products)
            #expect(html.contains(#"data-key="1""#))
            let script = try await app.testing().sendRequest(.GET, SiteURL.tillScript.path)
            #expect(script.headers.contentType?.subType == "javascript")
            #expect(script.body.string.contains("Idempotency-Key"))
        }
    }

    @Test func aCardLookUpGivesTodaysPricesAndAnExpiredProofThePublicOnes() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let meal = try #require(try await Product.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$name == "Repas du midi").first())
            let t1 = try await cashier.json(.GET, "/api/v1/coops/\(coop.id!)/households/cail01?prices=today")
            // Tier 1 of the demo grid: 25 % of 9,00 €.
            #expect((t1["prices"] as? [String: Int])?[meal.id!.uuidString] == 225)
            let expired = try await cashier.json(.GET, "/api/v1/coops/\(coop.id!)/households/CAIL04?prices=today")
            #expect(expired["expired"] as? Bool == true)
            #expect((expired["prices"] as? [String: Int])?[meal.id!.uuidString] == 900)
            #expect(try await cashier.json(.GET, "/api/v1/coops/\(coop.id!)/households/CAIL01")["prices"] == nil)
        }
    }

    @Test func aClosedDaysArchiveIsTheSameBytesItWasSealedWith() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let coffee = try #require(try await Product.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$name == "Café").first())
            for _ in 0..<3 {
                _ = try await cashier.json(.POST, "\(base)/sales", json: #"{"lines":[{"productID":"\#(coffee.id!)","quantity":2}],"payments":[{"method":"cash","amountCents":500}]}"#)
            }
            let closing = try await cashier.json(.POST, "\(base)/closings", json: #"{"period":"day"}"#)
            let id = try #require(closing["id"] as? String)
            let archive = try await cashier.send(.GET, "\(base)/closings/\(id)/archive")
            #expect(archive.status == .ok)
            let digest = SHA256.hash(data: Data(archive.body.readableBytesView)).map { String(format: "%02x", $0) }.joined()
            #expect(archive.headers.first(name: "X-Archive-SHA256") == digest)
            #expect(archive.headers.first(name: "X-Archive-Sealed-SHA256") == digest)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(archive.body.readableBytesView)) as? [String: Any])
            #expect((json["entries"] as? [[String: Any]])?.map { $0["number"] as? Int } == [1, 2, 3])
            #expect(json["previousHash"] as? String == CashJournal.genesis)
            // Someone changes a ticket afterwards: the archive no longer matches its seal.
            let first = try #require(try await Sale.query(on: app.db).filter(\.$number == 1).first())
            first.cashierLabel = "Quelqu'un d'autre"
            try await first.update(on: app.db)
            let altered = try await cashier.send(.GET, "\(base)/closings/\(id)/archive")
            #expect(altered.headers.first(name: "X-Archive-SHA256") != altered.headers.first(name: "X-Archive-Sealed-SHA256"))
            // The closings page shows the seal.
            var browser = Browser(app)
            try await browser.login("caisse@maillage.example")
            #expect(try await browser.get(SiteURL.closings(coop.id!).path).body.string.contains("SHA-256 " + ClosingsPage.grouped(digest)))
        }
    }

    @Test func theFiguresSayWhoFundedTheSolidarity() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let coordination = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            // A grid whose reductions the CCAS funds takes over from today.
            let grid = try await coordination.send(.POST, "\(base)/tariff-grids", json: #"{"name":"Grille CCAS","validFrom":"\#(CalendarDay.today)","funder":"CCAS de Marseille","brackets":[{"maxFamilyQuotient":400,"percentOfPublic":25},{"maxFamilyQuotient":700,"percentOfPublic":50},{"percentOfPublic":100}]}"#)
            #expect(grid.status == .created)
            let households = Dictionary(uniqueKeysWithValues: try await Household.query(on: app.db).filter(\.$cooperativeID == coop.id!).all().map { ($0.card, $0.id!.uuidString) })
            let meal = try #require(try await Product.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$name == "Repas du midi").first()).id!
            // A neighbour at the public price leaves 9 € for a suspended meal; a T1 household
            // pays 2,25 €; another T1 household eats a suspended meal.
            _ = try await cashier.json(.POST, "\(base)/sales", json: #"{"lines":[{"productID":"\#(meal)","quantity":1}],"donationCents":900,"payments":[{"method":"card","amountCents":1800}]}"#)
            _ = try await cashier.json(.POST, "\(base)/sales", json: #"{"householdID":"\#(households["CAIL01"]!)","lines":[{"productID":"\#(meal)","quantity":1}],"payments":[{"method":"cash","amountCents":225}]}"#)
            _ = try await cashier.json(.POST, "\(base)/sales", json: #"{"householdID":"\#(households["CAIL01"]!)","lines":[{"productID":"\#(meal)","quantity":1}],"payments":[],"suspendedMealsUsed":1}"#)
            let figures = try await coordination.json(.GET, "\(base)/trade-figures")
            #expect(figures["tickets"] as? Int == 3)
            #expect(figures["meals"] as? Int == 3)
            // Two reductions of 6,75 € and the 2,25 € the pool paid.
            #expect(figures["solidarityCents"] as? Int == 1_575)
            let funding = try #require(figures["funding"] as? [[String: Any]])
            #expect(funding.map { $0["name"] as? String } == ["Caisse de solidarité (repas suspendus)", "CCAS de Marseille"])
            #expect(funding.map { $0["cents"] as? Int } == [225, 1_350])
            let t1 = try #require((figures["byTier"] as? [[String: Any]])?.first)
            #expect(t1["tier"] as? String == "T1")
            #expect(t1["meals"] as? Int == 2)
            // A period before any sale; a period the wrong way round.
            #expect(try await coordination.json(.GET, "\(base)/trade-figures?from=2025-01-01&to=2025-01-31")["tickets"] as? Int == 0)
            let funder = try await APIClient.forDemo("financeur@maillage.example", app: app)
            #expect(try await funder.send(.GET, "\(base)/trade-figures?from=2026-02-01&to=2026-01-01").status == .unprocessableEntity)
            // The funder reads whole years, and the first bracket, where one household bought,
            // is hidden with the totals and the funding that would give it away.
            let today = CalendarDay.today
            let secret = try await funder.json(.GET, "\(base)/trade-figures?from=\(today)&to=\(today)")
            #expect(secret["wholeYears"] as? Bool == true)
            #expect(secret["from"] as? String == "\(today.year)-01-01" && secret["to"] as? String == "\(today.year)-12-31")
            let hiddenT1 = try #require((secret["byTier"] as? [[String: Any]])?.first { $0["tier"] as? String == "T1" })
            #expect(hiddenT1["masked"] as? Bool == true && hiddenT1["tickets"] == nil && hiddenT1["meals"] == nil)
            #expect(secret["totalsMasked"] as? Bool == true && secret["tickets"] == nil)
            #expect(secret["fundingMasked"] as? Bool == true && (secret["funding"] as? [Any])?.isEmpty == true)
            // Nor can the indicators give it back: the solidarity and the meals, for the year
            // and over two years (a span minus a year would give the year back).
            for period in ["", "?from=\(today.year - 1)-01-01&to=\(today.year)-12-31"] {
                let span = try await funder.json(.GET, "\(base)/trade-figures\(period)")
                #expect((span["byTier"] as? [[String: Any]])?.first { $0["tier"] as? String == "T1" }?["masked"] as? Bool == true, "\(period)")
                let response = try await funder.send(.GET, "\(base)/indicators\(period)")
                let rows = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
                for key in ["solidarity-value", "reduced-price-meals"] {
                    let row = try #require(rows.first { $0["key"] as? String == key })
                    #expect(row["masked"] as? Bool == true && row["secret"] as? Bool == true && row["value"] == nil, "\(key) \(period)")
                }
            }
            // The cooperative's list, which does not say its period, refuses one the secret would widen.
            #expect(try await funder.send(.GET, "\(base)/indicators?from=\(today)&to=\(today)").status == .unprocessableEntity)
            // The page, as the funder.
            var browser = Browser(app)
            try await browser.login("financeur@maillage.example")
            let page = try await browser.get(SiteURL.tradeFigures(coop.id!).path)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Tranche 1"))
            #expect(page.body.string.contains("secret") && page.body.string.contains("id=\"secret-note\""))
        }
    }
}
