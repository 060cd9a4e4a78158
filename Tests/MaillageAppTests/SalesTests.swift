import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import SQLKit
import Testing
import VaporTesting

/// The till's API: prices by tier, payments and change, the solidarity pool, refunds, the
/// hash-chained journal and idempotent retries.
@Suite("Trade: sales and the cash journal")
struct SalesTests {
    struct Fixture {
        var base: String
        var products: [String: String]
        var households: [String: String]
    }

    static func fixture(_ app: Application) async throws -> Fixture {
        let coop = try await Demo.cooperative(Demo.caillols, app: app)
        let products = try await Product.query(on: app.db).filter(\.$cooperativeID == coop.id!).all()
        let households = try await Household.query(on: app.db).filter(\.$cooperativeID == coop.id!).all()
        return Fixture(base: "/api/v1/coops/\(coop.id!)",
                       products: Dictionary(uniqueKeysWithValues: products.map { ($0.name, $0.id!.uuidString) }),
                       households: Dictionary(uniqueKeysWithValues: households.map { ($0.card, $0.id!.uuidString) }))
    }

    static func errors(_ response: TestingHTTPResponse) -> [String: String] {
        response.problem?["errors"] as? [String: String] ?? [:]
    }

    @Test func aTwoItemSaleAtTheSecondTierWithChangeAndARetry() async throws {
        try await withMaillage { app in
            let f = try await Self.fixture(app)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let body = #"""
            {"householdID":"\#(f.households["CAIL02"]!)","lines":[{"productID":"\#(f.products["Repas du midi"]!)","quantity":1},{"productID":"\#(f.products["Café"]!)","quantity":1}],
             "payments":[{"method":"cash","amountCents":1000}]}
            """#
            var headers = HTTPHeaders()
            headers.add(name: "Idempotency-Key", value: "caisse-1-0001")
            let first = try await cashier.send(.POST, "\(f.base)/sales", json: body, headers: headers)
            #expect(first.status == .created)
            let sale = try #require(first.problem)
            // Tier 2 of the demo grid: half price. 9,00 € → 4,50 €, 1,50 € → 0,75 €.
            let lines = try #require(sale["lines"] as? [[String: Any]])
            #expect(lines.map { $0["priceCents"] as? Int } == [450, 75])
            #expect(lines.allSatisfy { $0["tier"] as? String == "T2" })
            #expect(sale["totalCents"] as? Int == 525)
            #expect(sale["solidarityCents"] as? Int == 525)
            #expect(sale["changeCents"] as? Int == 475)
            #expect(sale["number"] as? Int == 1)
            // 10 % VAT computed on the rate's total: 525 → 48.
            #expect((sale["vat"] as? [[String: Any]])?.first?["vatCents"] as? Int == 48)

            // The till sends it again after a network drop: the same sale, not a second one.
            let again = try await cashier.send(.POST, "\(f.base)/sales", json: body, headers: headers)
            #expect(again.status == .created)
            #expect(again.headers.first(name: Idempotency.replayedHeader) == "true")
            #expect(again.problem?["id"] as? String == sale["id"] as? String)
            #expect(try await Sale.query(on: app.db).count() == 1)
            let reused = try await cashier.send(.POST, "\(f.base)/sales", json: body.replacingOccurrences(of: "1000", with: "2000"), headers: headers)
            #expect(reused.status == .unprocessableEntity)

            // Not covered, change on a card, unknown product: refused, nothing written.
            let short = try await cashier.send(.POST, "\(f.base)/sales", json: body.replacingOccurrences(of: "1000", with: "500"))
            #expect(Self.errors(short)["payments"]?.contains("0,25 €") == true)
            let card = try await cashier.send(.POST, "\(f.base)/sales", json: body.replacingOccurrences(of: "cash", with: "card"))
            #expect(Self.errors(card)["payments"] != nil)
            let unknown = try await cashier.send(.POST, "\(f.base)/sales", json: #"{"lines":[{"productID":"\#(UUID())","quantity":0}],"payments":[]}"#)
            #expect(Self.errors(unknown)["lines[0].productID"] != nil)
            #expect(try await Sale.query(on: app.db).count() == 1)
        }
    }

    @Test func suspendedMealsComeFromThePoolWhichNeverGoesNegative() async throws {
        try await withMaillage { app in
            let f = try await Self.fixture(app)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let meal = f.products["Repas du midi"]!
            let drawing = #"{"householdID":"\#(f.households["CAIL01"]!)","lines":[{"productID":"\#(meal)","quantity":1}],"payments":[],"suspendedMealsUsed":1}"#
            let empty = try await cashier.send(.POST, "\(f.base)/sales", json: drawing)
            #expect(Self.errors(empty)["suspendedMealsUsed"]?.contains("0,00 €") == true)
            // A neighbour pays her meal at the public price and leaves 9 € for a suspended meal.
            let donor = try await cashier.send(.POST, "\(f.base)/sales", json: #"{"lines":[{"productID":"\#(meal)","quantity":1}],"donationCents":900,"payments":[{"method":"card","amountCents":1800}]}"#)
            #expect(donor.problem?["totalCents"] as? Int == 1800)
            #expect(try await cashier.json(.GET, "\(f.base)/pool")["balanceCents"] as? Int == 900)
            // Tier 1 (25 %): the meal costs 2,25 €, all of it paid by the pool.
            let drawn = try await cashier.send(.POST, "\(f.base)/sales", json: drawing)
            #expect(drawn.status == .created)
            #expect(drawn.problem?["poolDrawCents"] as? Int == 225)
            #expect(drawn.problem?["dueCents"] as? Int == 0)
            #expect(try await cashier.json(.GET, "\(f.base)/pool")["balanceCents"] as? Int == 675)
            // Only for a household with a valid proof; one meal per suspended meal.
            let anonymous = try await cashier.send(.POST, "\(f.base)/sales", json: drawing.replacingOccurrences(of: #""householdID":"\#(f.households["CAIL01"]!)","#, with: ""))
            #expect(Self.errors(anonymous)["suspendedMealsUsed"] != nil)
            let expired = try await cashier.send(.POST, "\(f.base)/sales", json: drawing.replacingOccurrences(of: f.households["CAIL01"]!, with: f.households["CAIL04"]!))
            #expect(Self.errors(expired)["suspendedMealsUsed"] != nil)
            let tooMany = try await cashier.send(.POST, "\(f.base)/sales", json: drawing.replacingOccurrences(of: #""suspendedMealsUsed":1"#, with: #""suspendedMealsUsed":2"#))
            #expect(Self.errors(tooMany)["suspendedMealsUsed"] != nil)
            // The expired card pays the public price.
            let publicPrice = try await cashier.send(.POST, "\(f.base)/sales", json: #"{"householdID":"\#(f.households["CAIL04"]!)","lines":[{"productID":"\#(meal)","quantity":2}],"payments":[{"method":"cheque","amountCents":1800}]}"#)
            #expect((publicPrice.problem?["lines"] as? [[String: Any]])?.first?["tier"] as? String == "public")
        }
    }

    @Test func refundsAreNegativeTicketsAndTheChainCatchesTampering() async throws {
        try await withMaillage { app in
            let f = try await Self.fixture(app)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            var ids: [String] = []
            for quantity in 1...3 {
                let sale = try await cashier.json(.POST, "\(f.base)/sales", json: #"{"lines":[{"productID":"\#(f.products["Lampe de la recyclerie"]!)","quantity":\#(quantity)}],"payments":[{"method":"cash","amountCents":5000}]}"#)
                ids.append(try #require(sale["id"] as? String))
            }
            let refund = try await cashier.send(.POST, "\(f.base)/sales/\(ids[1])/refund")
            #expect(refund.status == .created)
            #expect(refund.problem?["number"] as? Int == 4)
            #expect(refund.problem?["totalCents"] as? Int == -1600)
            #expect((refund.problem?["vat"] as? [[String: Any]])?.first?["vatCents"] as? Int == -267)
            #expect(try await cashier.send(.POST, "\(f.base)/sales/\(ids[1])/refund").status == .conflict)
            let refundID = try #require(refund.problem?["id"] as? String)
            #expect(try await cashier.send(.POST, "\(f.base)/sales/\(refundID)/refund").status == .conflict)

            let verified = try await cashier.json(.GET, "\(f.base)/journal/verify")
            #expect(verified["ok"] as? Bool == true)
            #expect(verified["entries"] as? Int == 4)
            // Someone lowers the second ticket's line in the database: the chain breaks there.
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("UPDATE sale_lines SET price_cents = 1 WHERE sale_id = \(bind: UUID(uuidString: ids[1])!)").run()
            let broken = try await cashier.json(.GET, "\(f.base)/journal/verify")
            #expect(broken["ok"] as? Bool == false)
            #expect(broken["firstBrokenNumber"] as? Int == 2)
            #expect(broken["entries"] as? Int == 4)
        }
    }

    @Test func theJournalIsReadPageByPageAndATamperedPaymentOnALaterPageBreaksIt() async throws {
        try await withMaillage { app in
            let f = try await Self.fixture(app)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            var ids: [String] = []
            for quantity in 1...5 {
                let sale = try await cashier.json(.POST, "\(f.base)/sales", json: #"{"lines":[{"productID":"\#(f.products["Lampe de la recyclerie"]!)","quantity":\#(quantity)}],"payments":[{"method":"cash","amountCents":5000}]}"#)
                ids.append(try #require(sale["id"] as? String))
            }
            let coopID = try #require(try await Demo.cooperative(Demo.caillols, app: app).id)
            // Pages of two tickets: 1-2, 3-4, 5; the chain runs across them.
            let whole = try await SaleJournal.verify(cooperativeID: coopID, pageSize: 2, on: app.db)
            #expect(whole == CashJournal.Verification(ok: true, entries: 5, firstBrokenNumber: nil))
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("UPDATE sale_payments SET amount_cents = 4000 WHERE sale_id = \(bind: UUID(uuidString: ids[4])!)").run()
            #expect(try await SaleJournal.verify(cooperativeID: coopID, pageSize: 2, on: app.db)
                    == CashJournal.Verification(ok: false, entries: 5, firstBrokenNumber: 5))
            // A ticket removed from the middle leaves a gap at the next number.
            try await sql.raw("UPDATE sale_payments SET amount_cents = 5000 WHERE sale_id = \(bind: UUID(uuidString: ids[4])!)").run()
            #expect(try await SaleJournal.verify(cooperativeID: coopID, pageSize: 2, on: app.db).ok)
            for table in ["sale_payments", "sale_lines"] {
                try await sql.raw("DELETE FROM \(ident: table) WHERE sale_id = \(bind: UUID(uuidString: ids[2])!)").run()
            }
            try await sql.raw("DELETE FROM sales WHERE id = \(bind: UUID(uuidString: ids[2])!)").run()
            #expect(try await SaleJournal.verify(cooperativeID: coopID, pageSize: 2, on: app.db)
                    == CashJournal.Verification(ok: false, entries: 4, firstBrokenNumber: 4))
        }
    }

    @Test func concurrentSalesNeverShareANumberNorBreakTheChain() async throws {
        try await withMaillage { app in
            let f = try await Self.fixture(app)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let body = #"{"lines":[{"productID":"\#(f.products["Café"]!)","quantity":1}],"payments":[{"method":"cash","amountCents":150}]}"#
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<12 { group.addTask { try await cashier.send(.POST, "\(f.base)/sales", json: body).status.code } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 201 }, "\(statuses)")
            let numbers = try await Sale.query(on: app.db).all().map(\.number).sorted()
            #expect(numbers == Array(1...12))
            #expect(try await cashier.json(.GET, "\(f.base)/journal/verify")["ok"] as? Bool == true)
        }
    }

    @Test func theDaysClosingRecordsItsTotalsOnceAndEndsTheDay() async throws {
        try await withMaillage { app in
            let f = try await Self.fixture(app)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            // A T2 household's meal and coffee (5,25 €, 10 €in cash), a lamp by card (8 €),
            // another lamp refunded.
            _ = try await cashier.json(.POST, "\(f.base)/sales", json: #"{"householdID":"\#(f.households["CAIL02"]!)","lines":[{"productID":"\#(f.products["Repas du midi"]!)","quantity":1},{"productID":"\#(f.products["Café"]!)","quantity":1}],"payments":[{"method":"cash","amountCents":1000}]}"#)
            _ = try await cashier.json(.POST, "\(f.base)/sales", json: #"{"lines":[{"productID":"\#(f.products["Lampe de la recyclerie"]!)","quantity":1}],"payments":[{"method":"card","amountCents":800}]}"#)
            let lamp = try await cashier.json(.POST, "\(f.base)/sales", json: #"{"lines":[{"productID":"\#(f.products["Lampe de la recyclerie"]!)","quantity":1}],"payments":[{"method":"cheque","amountCents":800}]}"#)
            #expect(try await cashier.send(.POST, "\(f.base)/sales/\(lamp["id"] as! String)/refund").status == .created)

            let month = try await cashier.send(.POST, "\(f.base)/closings", json: #"{"period":"month","date":"\#(CalendarDay.today)"}"#)
            #expect(Self.errors(month)["date"] != nil)
            let z = try await cashier.send(.POST, "\(f.base)/closings", json: #"{"period":"day"}"#)
            #expect(z.status == .created)
            let closing = try #require(z.problem)
            #expect(closing["tickets"] as? Int == 4)
            #expect(closing["totalCents"] as? Int == 525 + 800)
            #expect(closing["perpetualTotalCents"] as? Int == 1325)
            // Cash: 10 € received, 4,75 € given back; the cheque and its refund cancel out.
            #expect((closing["byMethod"] as? [String: Int]) == ["cash": 525, "card": 800, "cheque": 0])
            #expect((closing["byTier"] as? [String: Int]) == ["T2": 525, "public": 800])
            let vat = try #require(closing["vat"] as? [[String: Any]])
            #expect(vat.map { $0["vatCents"] as? Int } == [48, 133])
            // Once: neither redone nor followed by a ticket the same day.
            #expect(try await cashier.send(.POST, "\(f.base)/closings", json: #"{"period":"day"}"#).status == .conflict)
            let late = try await cashier.send(.POST, "\(f.base)/sales", json: #"{"lines":[{"productID":"\#(f.products["Café"]!)","quantity":1}],"payments":[{"method":"cash","amountCents":150}]}"#)
            #expect(late.status == .conflict)
            #expect(try await cashier.json(.GET, "\(f.base)/journal/verify")["ok"] as? Bool == true)
            // Last month had no ticket: its closing says so, with the grand total before it.
            let lastMonth = CalendarDay.today.adding(months: -1)
            let previous = try await cashier.json(.POST, "\(f.base)/closings", json: #"{"period":"month","date":"\#(lastMonth)"}"#)
            #expect(previous["tickets"] as? Int == 0)
            #expect(previous["perpetualTotalCents"] as? Int == 0)
            #expect((try await cashier.json(.GET, "\(f.base)/closings")["items"] as? [[String: Any]])?.count == 2)
        }
    }
}
