import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import SQLKit
import Testing
import VaporTesting

/// The network at scale (`seed --scale`) and what keeps the figures fast at that scale: the
/// day totals kept with the journal, which must always add up to what the tickets say.
@Suite("Scale: seed --scale and the day totals")
struct ScaleTests {
    /// The same generator as `seed --scale 1`, a few weeks and a few people per cooperative.
    static let sample = ScaleData.Volumes(cooperatives: 2, people: 30, associates: 12, assemblies: 3, suppliers: 4, households: 10, days: 40,
                                          ticketsPerDay: (least: 5, spread: 4), purchases: 12, linesPerPurchase: 4)

    /// The trade figures summed straight from the tickets and their lines (what the figures
    /// were computed from before the day totals).
    static func fromTheTickets(of coopID: UUID, from: CalendarDay, to: CalendarDay, on db: any Database) async throws -> TradeFigures.Summary {
        let sql = try #require(db as? any SQLDatabase)
        let start = from.date, end = to.adding(days: 1).date
        struct LineRow: Decodable { var tier: String; var funded_by: String?; var category: String; var quantity: Int; var sales: Int; var public_value: Int }
        let lines = try await sql.raw("""
            SELECT l.tier AS tier, l.funded_by AS funded_by, l.category AS category, CAST(SUM(l.quantity) AS BIGINT) AS quantity,
                   CAST(SUM(l.price_cents * l.quantity) AS BIGINT) AS sales, CAST(SUM(l.public_price_cents * l.quantity) AS BIGINT) AS public_value
            FROM sale_lines l JOIN sales s ON s.id = l.sale_id
            WHERE s.cooperative_id = \(bind: coopID) AND s.recorded_at >= \(bind: start) AND s.recorded_at < \(bind: end)
            GROUP BY l.tier, l.funded_by, l.category
            """).all(decoding: LineRow.self)
        struct TicketRow: Decodable { var tier: String; var tickets: Int; var donation: Int; var draw: Int; var meals: Int }
        let tickets = try await sql.raw("""
            SELECT tier, CAST(SUM(CASE WHEN refund_of IS NULL THEN 1 ELSE -1 END) AS BIGINT) AS tickets,
                   CAST(SUM(donation_cents) AS BIGINT) AS donation, CAST(SUM(pool_draw_cents) AS BIGINT) AS draw, CAST(SUM(suspended_meals) AS BIGINT) AS meals
            FROM sales WHERE cooperative_id = \(bind: coopID) AND recorded_at >= \(bind: start) AND recorded_at < \(bind: end)
            GROUP BY tier
            """).all(decoding: TicketRow.self)
        return TradeFigures.summarise(
            lines: lines.map { .init(tier: $0.tier, fundedBy: $0.funded_by, category: $0.category, quantity: $0.quantity, salesCents: $0.sales, publicValueCents: $0.public_value) },
            tickets: tickets.map { .init(tier: $0.tier, tickets: $0.tickets, donationCents: $0.donation, poolDrawCents: $0.draw, suspendedMeals: $0.meals) })
    }

    @Test func aSampleNetworkHoldsWhatTheAppWouldHaveWritten() async throws {
        try await withMaillage { app in
            let today = CalendarDay(date: Date())
            let counts = try #require(try await ScaleData.load(scale: 1, volumes: Self.sample, on: app.db, today: today))
            #expect(counts.cooperatives == 2)
            #expect(counts.people == 60 && counts.pathways == 60)
            #expect(counts.associates == 24 && counts.assemblies == 6)
            #expect(counts.purchases == 24 && counts.purchaseLines == 96)
            #expect(counts.sales > 2 * 20 * 5 && counts.saleLines > counts.sales)
            // A second run finds the network and writes nothing.
            #expect(try await ScaleData.load(scale: 1, volumes: Self.sample, on: app.db, today: today) == nil)

            let network = try #require(try await Network.query(on: app.db).filter(\.$name == ScaleData.networkName(scale: 1)).first())
            let cooperatives = try await Cooperative.query(on: app.db).filter(\.$networkID == network.id!).all()
            #expect(cooperatives.count == 2)
            var sales = 0
            for coop in cooperatives {
                // The journal is chained as the till would have chained it, and its counter follows.
                let verification = try await TradeRepository.verify(cooperativeID: coop.id!, on: app.db)
                #expect(verification.ok)
                sales += verification.entries
                let sql = try #require(app.db as? any SQLDatabase)
                struct Counter: Decodable { var last_number: Int }
                #expect(try await sql.raw("SELECT last_number FROM cash_counters WHERE cooperative_id = \(bind: coop.id!)").first(decoding: Counter.self)?.last_number == verification.entries)
                // The day totals add up to the tickets, over the whole history and over a week.
                for (from, to) in [(today.adding(days: -60), today), (today.adding(days: -14), today.adding(days: -8))] {
                    let figures = try await TradeFiguresRepository.figures(of: coop.id!, from: from, to: to, on: app.db)
                    #expect(figures == (try await Self.fromTheTickets(of: coop.id!, from: from, to: to, on: app.db)))
                }
                // The pool read from the day totals is what the tickets say (donations, meals drawn).
                let pool = try await SaleDayTotals.pool(of: coop.id!, on: app.db)
                let tickets = try await SaleJournal.sums(cooperativeID: coop.id!, before: nil, on: app.db)
                #expect(pool.donation == tickets.donation && pool.poolDraw == tickets.poolDraw && pool.donation > 0 && pool.poolDraw > 0)
                // Prices follow the grid: a T1 lunch is 25 % of 9 €.
                #expect(try await SaleLine.query(on: app.db).join(Sale.self, on: \SaleLine.$sale.$id == \Sale.$id).filter(Sale.self, \.$cooperativeID == coop.id!)
                    .filter(\.$productName == "Repas du midi").filter(\.$tier == "T1").all().allSatisfy { $0.priceCents == 225 })
                // The capital register is numbered without gaps.
                let numbers = try await CapitalOperation.query(on: app.db).filter(\.$cooperativeID == coop.id!).sort(\.$number).all().map(\.number)
                #expect(numbers == Array(1...numbers.count))
            }
            #expect(sales == counts.sales)

            // The indicators of the network, read in one batch, or in batches on two connections
            // side by side, are each cooperative's own as read alone (the two differ, so a
            // mix-up would show).
            let admin = try #require(try await User.query(on: app.db).filter(\.$email == ScaleData.adminEmail).first())
            let principal = try #require(try await PrincipalLoader.load(userID: admin.id!, db: app.db, viaBearerToken: true))
            let readers = app.eventLoopGroup.makeIterator().compactMap { app.databases.database(logger: app.logger, on: $0) }
            let month = DayPeriod(from: today.adding(days: -30), to: today)
            var alone: [UUID: CooperativeFigures] = [:]
            for coop in cooperatives {
                alone[coop.id!] = try await ImpactRepository(db: app.db, principal: principal).figures(of: [coop], period: month)[0]
                #expect(alone[coop.id!]!.current.first { $0.indicator == .householdsServed }!.amount > 0)
            }
            #expect(alone[cooperatives[0].id!]!.current != alone[cooperatives[1].id!]!.current)
            for lanes in [[], readers] {
                let together = try await ImpactRepository(db: app.db, principal: principal, readers: lanes).figures(of: cooperatives, period: month)
                #expect(together.map(\.cooperative.id) == cooperatives.map(\.id))
                for figures in together {
                    #expect(figures.current == alone[figures.cooperative.id!]!.current && figures.previous == alone[figures.cooperative.id!]!.previous)
                }
            }

            // Its accounts work: the first cooperative's cashier sells with its first card.
            let coop = try #require(cooperatives.first { $0.name == "Coopérative de charge 01" })
            let cashier = try await APIClient.forDemo(ScaleData.cashierEmail(1), app: app)
            let meal = try #require(try await Product.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$name == "Repas du midi").first())
            let household = try #require(try await Household.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$card == ScaleData.card(1, 1)).first())
            let sale = try await cashier.json(.POST, "/api/v1/coops/\(coop.id!)/sales",
                                              json: #"{"householdID":"\#(household.id!)","lines":[{"productID":"\#(meal.id!)","quantity":1}],"payments":[{"method":"cash","amountCents":500}]}"#)
            #expect(sale["totalCents"] as? Int == 225)
            #expect(try await TradeRepository.verify(cooperativeID: coop.id!, on: app.db).ok)
        }
    }

    @Test func dayTotalsFollowEverySaleAndRefundAndCanBeRebuilt() async throws {
        try await withMaillage { app in
            let f = try await SalesTests.fixture(app)
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            // A T2 household's meal and coffee, a neighbour's meal with a suspended meal given,
            // a T1 household's meal drawn on it, a lamp sold then refunded.
            _ = try await cashier.json(.POST, "\(f.base)/sales", json: #"{"householdID":"\#(f.households["CAIL02"]!)","lines":[{"productID":"\#(f.products["Repas du midi"]!)","quantity":1},{"productID":"\#(f.products["Café"]!)","quantity":2}],"payments":[{"method":"cash","amountCents":1000}]}"#)
            _ = try await cashier.json(.POST, "\(f.base)/sales", json: #"{"lines":[{"productID":"\#(f.products["Repas du midi"]!)","quantity":1}],"donationCents":900,"payments":[{"method":"card","amountCents":1800}]}"#)
            _ = try await cashier.json(.POST, "\(f.base)/sales", json: #"{"householdID":"\#(f.households["CAIL01"]!)","lines":[{"productID":"\#(f.products["Repas du midi"]!)","quantity":1}],"payments":[],"suspendedMealsUsed":1}"#)
            let lamp = try await cashier.json(.POST, "\(f.base)/sales", json: #"{"lines":[{"productID":"\#(f.products["Lampe de la recyclerie"]!)","quantity":2}],"payments":[{"method":"cheque","amountCents":1600}]}"#)
            #expect(try await cashier.send(.POST, "\(f.base)/sales/\(lamp["id"] as! String)/refund").status == .created)

            let today = CalendarDay.today
            let figures = try await TradeFiguresRepository.figures(of: coop.id!, from: today.adding(days: -1), to: today, on: app.db)
            #expect(figures == (try await Self.fromTheTickets(of: coop.id!, from: today.adding(days: -1), to: today, on: app.db)))
            // Four sales and a refund: three tickets net, the refund cancelling the lamp.
            #expect(figures.tickets == 3)
            #expect(figures.byTier.first { $0.tier == "public" }?.salesCents == 900)
            // The pool: 9 € given, a T1 meal drawn (2,25 €), nothing from the refunded lamp.
            let pool = try await SaleDayTotals.pool(of: coop.id!, on: app.db)
            let sums = try await SaleJournal.sums(cooperativeID: coop.id!, before: nil, on: app.db)
            #expect(pool.donation == sums.donation && pool.poolDraw == sums.poolDraw && pool.donation == 900)
            // Nothing on the days before.
            #expect(try await TradeFiguresRepository.figures(of: coop.id!, from: today.adding(days: -9), to: today.adding(days: -1), on: app.db).tickets == 0)

            // The migration's rebuild from the journal gives the same days.
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("DELETE FROM sale_day_lines").run()
            try await sql.raw("DELETE FROM sale_day_tickets").run()
            #expect(try await TradeFiguresRepository.figures(of: coop.id!, from: today, to: today, on: app.db).tickets == 0)
            try await SaleDayTotals.rebuild(on: app.db)
            #expect(try await TradeFiguresRepository.figures(of: coop.id!, from: today, to: today, on: app.db) == figures)
        }
    }

    @Test func thePathwaysListPagesAHundredAtATime() async throws {
        try await withMaillage { app in
            let volumes = ScaleData.Volumes(cooperatives: 1, people: 130, associates: 2, assemblies: 1, suppliers: 1, households: 2, days: 3,
                                            ticketsPerDay: (least: 1, spread: 1), purchases: 1, linesPerPurchase: 1)
            _ = try #require(try await ScaleData.load(scale: 1, volumes: volumes, on: app.db))
            let coop = try await Demo.cooperative("Coopérative de charge 01", app: app)
            var browser = Browser(app)
            _ = try await browser.login(ScaleData.coordinatorEmail(1))
            let first = try await browser.get(SiteURL.pathways(coop.id!).path)
            #expect(first.status == .ok)
            let firstPage = first.body.string
            #expect(firstPage.components(separatedBy: "/pathways/").count - 1 == 100)
            #expect(firstPage.contains("Parcours 1 à 100 sur 130"))
            #expect(firstPage.contains("?page=2"))
            let secondPage = try await browser.get(SiteURL.pathways(coop.id!).path + "?page=2").body.string
            #expect(secondPage.components(separatedBy: "/pathways/").count - 1 == 30)
            #expect(secondPage.contains("Parcours 101 à 130 sur 130"))
            // Not a page number: the first page.
            let fallback = try await browser.get(SiteURL.pathways(coop.id!).path + "?page=x").body.string
            #expect(fallback.contains("Parcours 1 à 100 sur 130"))
        }
    }
}
