import Fluent
import Foundation
import MaillageCore
import SQLKit

/// The till's figures day by day, kept in step with the cash journal: each sale adds its lines
/// and its ticket to its day's rows in the same transaction. The trade figures and the impact
/// indicators over a period add up a few hundred day rows instead of every ticket; the sums are
/// the same, since a day is a French day, as periods are (`CalendarDay`).
enum SaleDayTotals {
    static let linesTable = "sale_day_lines"
    static let ticketsTable = "sale_day_tickets"

    struct LineKey: Hashable { var day: String; var tier: String; var fundedBy: String; var category: String }
    struct LineSums { var quantity = 0; var salesCents = 0; var publicValueCents = 0 }
    struct TicketKey: Hashable { var day: String; var tier: String }
    struct TicketSums { var tickets = 0; var donationCents = 0; var poolDrawCents = 0; var suspendedMeals = 0 }

    /// What some sales add to their days' rows (one sale at the till, or all of them when the
    /// totals are built from the journal).
    struct Increment {
        var lines: [LineKey: LineSums] = [:]
        var tickets: [TicketKey: TicketSums] = [:]

        mutating func add(day: CalendarDay, tier: String, isRefund: Bool, donationCents: Int, poolDrawCents: Int, suspendedMeals: Int,
                          lines saleLines: [(tier: String, fundedBy: String?, category: String, quantity: Int, priceCents: Int, publicPriceCents: Int)]) {
            let dayText = day.description
            var ticket = tickets[TicketKey(day: dayText, tier: tier), default: TicketSums()]
            ticket.tickets += isRefund ? -1 : 1
            ticket.donationCents += donationCents
            ticket.poolDrawCents += poolDrawCents
            ticket.suspendedMeals += suspendedMeals
            tickets[TicketKey(day: dayText, tier: tier)] = ticket
            for line in saleLines {
                // No NULL in the key: a unique index tells NULLs apart, so upserts would not meet.
                let key = LineKey(day: dayText, tier: line.tier, fundedBy: line.fundedBy ?? "", category: line.category)
                var sums = lines[key, default: LineSums()]
                sums.quantity += line.quantity
                sums.salesCents += line.priceCents * line.quantity
                sums.publicValueCents += line.publicPriceCents * line.quantity
                lines[key] = sums
            }
        }

        mutating func add(_ sale: Sale, lines: [SaleLine]) {
            add(day: CalendarDay(date: sale.recordedAt), tier: sale.tier, isRefund: sale.refundOf != nil, donationCents: sale.donationCents,
                poolDrawCents: sale.poolDrawCents, suspendedMeals: sale.suspendedMeals,
                lines: lines.map { ($0.tier, $0.fundedBy, $0.category, $0.quantity, $0.priceCents, $0.publicPriceCents) })
        }

        /// Adds to the rows of the cooperative's days, creating those missing: one multi-row
        /// upsert per table (per 200 rows), since each statement is a round trip under the
        /// till's write lock.
        func write(cooperativeID: UUID, on db: any Database) async throws {
            guard let sql = db as? any SQLDatabase else { throw Problem.internalError }
            let ticketRows = Array(tickets), lineRows = Array(lines)
            for start in stride(from: 0, to: ticketRows.count, by: 200) {
                let chunk = ticketRows[start..<min(start + 200, ticketRows.count)]
                let values: [SQLQueryString] = chunk.map { key, sums in
                    "(\(bind: cooperativeID), \(bind: key.day), \(bind: key.tier), \(bind: sums.tickets), \(bind: sums.donationCents), \(bind: sums.poolDrawCents), \(bind: sums.suspendedMeals))"
                }
                try await sql.raw("""
                    INSERT INTO sale_day_tickets (cooperative_id, day, tier, tickets, donation_cents, pool_draw_cents, suspended_meals)
                    VALUES \(values.joined(separator: ", "))
                    ON CONFLICT (cooperative_id, day, tier) DO UPDATE SET tickets = sale_day_tickets.tickets + excluded.tickets,
                        donation_cents = sale_day_tickets.donation_cents + excluded.donation_cents,
                        pool_draw_cents = sale_day_tickets.pool_draw_cents + excluded.pool_draw_cents,
                        suspended_meals = sale_day_tickets.suspended_meals + excluded.suspended_meals
                    """).run()
            }
            for start in stride(from: 0, to: lineRows.count, by: 200) {
                let chunk = lineRows[start..<min(start + 200, lineRows.count)]
                let values: [SQLQueryString] = chunk.map { key, sums in
                    "(\(bind: cooperativeID), \(bind: key.day), \(bind: key.tier), \(bind: key.fundedBy), \(bind: key.category), \(bind: sums.quantity), \(bind: sums.salesCents), \(bind: sums.publicValueCents))"
                }
                try await sql.raw("""
                    INSERT INTO sale_day_lines (cooperative_id, day, tier, funded_by, category, quantity, sales_cents, public_value_cents)
                    VALUES \(values.joined(separator: ", "))
                    ON CONFLICT (cooperative_id, day, tier, funded_by, category) DO UPDATE SET quantity = sale_day_lines.quantity + excluded.quantity,
                        sales_cents = sale_day_lines.sales_cents + excluded.sales_cents,
                        public_value_cents = sale_day_lines.public_value_cents + excluded.public_value_cents
                    """).run()
            }
        }
    }

    /// A sale's share, in the sale's transaction.
    static func add(_ sale: Sale, lines: [SaleLine], on db: any Database) async throws {
        var increment = Increment()
        increment.add(sale, lines: lines)
        try await increment.write(cooperativeID: sale.cooperativeID, on: db)
    }

    /// The trade figures of a cooperative over a period, from its days' rows.
    static func figures(of coopID: UUID, from: CalendarDay, to: CalendarDay, on db: any Database) async throws -> TradeFigures.Summary {
        try await figures(of: [coopID], from: from, to: to, on: db)[coopID] ?? TradeFigures.summarise(lines: [], tickets: [])
    }

    /// The same for several cooperatives at once (a network's indicators): two statements in all.
    static func figures(of coopIDs: [UUID], from: CalendarDay, to: CalendarDay, on db: any Database) async throws -> [UUID: TradeFigures.Summary] {
        guard let sql = db as? any SQLDatabase else { throw Problem.internalError }
        guard !coopIDs.isEmpty else { return [:] }
        struct LineRow: Decodable {
            var cooperative_id: UUID; var tier: String; var funded_by: String; var category: String
            var quantity: Int; var sales: Int; var public_value: Int
        }
        let lines = Dictionary(grouping: try await sql.raw("""
            SELECT cooperative_id, tier, funded_by, category, CAST(SUM(quantity) AS BIGINT) AS quantity, CAST(SUM(sales_cents) AS BIGINT) AS sales,
                   CAST(SUM(public_value_cents) AS BIGINT) AS public_value
            FROM sale_day_lines WHERE cooperative_id IN (\(binds: coopIDs)) AND day >= \(bind: from.description) AND day <= \(bind: to.description)
            GROUP BY cooperative_id, tier, funded_by, category
            """).all(decoding: LineRow.self), by: \.cooperative_id)
        struct TicketRow: Decodable { var cooperative_id: UUID; var tier: String; var tickets: Int; var donation: Int; var draw: Int; var meals: Int }
        let tickets = Dictionary(grouping: try await sql.raw("""
            SELECT cooperative_id, tier, CAST(SUM(tickets) AS BIGINT) AS tickets, CAST(SUM(donation_cents) AS BIGINT) AS donation,
                   CAST(SUM(pool_draw_cents) AS BIGINT) AS draw, CAST(SUM(suspended_meals) AS BIGINT) AS meals
            FROM sale_day_tickets WHERE cooperative_id IN (\(binds: coopIDs)) AND day >= \(bind: from.description) AND day <= \(bind: to.description)
            GROUP BY cooperative_id, tier
            """).all(decoding: TicketRow.self), by: \.cooperative_id)
        return Dictionary(uniqueKeysWithValues: coopIDs.map { coopID in
            (coopID, TradeFigures.summarise(
                lines: (lines[coopID] ?? []).map { .init(tier: $0.tier, fundedBy: $0.funded_by.isEmpty ? nil : $0.funded_by, category: $0.category,
                                                         quantity: $0.quantity, salesCents: $0.sales, publicValueCents: $0.public_value) },
                tickets: (tickets[coopID] ?? []).map { .init(tier: $0.tier, tickets: $0.tickets, donationCents: $0.donation, poolDrawCents: $0.draw,
                                                             suspendedMeals: $0.meals) }))
        })
    }

    /// Donations and pool draws over the cooperative's whole history (refunds count negative).
    static func pool(of coopID: UUID, on db: any Database) async throws -> (donation: Int, poolDraw: Int) {
        guard let sql = db as? any SQLDatabase else { throw Problem.internalError }
        struct Row: Decodable { var donation: Int; var draw: Int }
        let row = try await sql.raw("""
            SELECT CAST(COALESCE(SUM(donation_cents), 0) AS BIGINT) AS donation, CAST(COALESCE(SUM(pool_draw_cents), 0) AS BIGINT) AS draw
            FROM sale_day_tickets WHERE cooperative_id = \(bind: coopID)
            """).first(decoding: Row.self)
        return (row?.donation ?? 0, row?.draw ?? 0)
    }

    /// Every cooperative's days, rebuilt from the journal's rows (for the migration).
    static func rebuild(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { throw Problem.internalError }
        struct SaleRow: Decodable {
            var id: UUID; var cooperative_id: UUID; var recorded_at: Date; var tier: String; var refund_of: UUID?
            var donation_cents: Int; var pool_draw_cents: Int; var suspended_meals: Int
        }
        struct LineRow: Decodable {
            var sale_id: UUID; var tier: String; var funded_by: String?; var category: String; var quantity: Int; var price_cents: Int; var public_price_cents: Int
        }
        let sales = try await sql.raw("SELECT id, cooperative_id, recorded_at, tier, refund_of, donation_cents, pool_draw_cents, suspended_meals FROM sales")
            .all(decoding: SaleRow.self)
        guard !sales.isEmpty else { return }
        let lines = Dictionary(grouping: try await sql.raw("SELECT sale_id, tier, funded_by, category, quantity, price_cents, public_price_cents FROM sale_lines")
            .all(decoding: LineRow.self), by: \.sale_id)
        var increments: [UUID: Increment] = [:]
        for sale in sales {
            increments[sale.cooperative_id, default: Increment()].add(
                day: CalendarDay(date: sale.recorded_at), tier: sale.tier, isRefund: sale.refund_of != nil, donationCents: sale.donation_cents,
                poolDrawCents: sale.pool_draw_cents, suspendedMeals: sale.suspended_meals,
                lines: (lines[sale.id] ?? []).map { ($0.tier, $0.funded_by, $0.category, $0.quantity, $0.price_cents, $0.public_price_cents) })
        }
        for (coopID, increment) in increments { try await increment.write(cooperativeID: coopID, on: db) }
    }
}

/// The day rows, filled from the sales already in the journal.
struct CreateSaleDayTotals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SaleDayTotals.linesTable)
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("day", .string, .required)
            .field("tier", .string, .required)
            .field("funded_by", .string, .required)
            .field("category", .string, .required)
            .field("quantity", .int, .required)
            .field("sales_cents", .int, .required)
            .field("public_value_cents", .int, .required)
            .unique(on: "cooperative_id", "day", "tier", "funded_by", "category")
            .create()
        if let sql = database as? any SQLDatabase {
            // Covering: a period's sums are read from the index alone.
            try await sql.create(index: "sale_day_lines_figures").on(SaleDayTotals.linesTable).column("cooperative_id").column("day")
                .column("tier").column("funded_by").column("category").column("quantity").column("sales_cents").column("public_value_cents").run()
        }
        try await database.schema(SaleDayTotals.ticketsTable)
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("day", .string, .required)
            .field("tier", .string, .required)
            .field("tickets", .int, .required)
            .field("donation_cents", .int, .required)
            .field("pool_draw_cents", .int, .required)
            .field("suspended_meals", .int, .required)
            .unique(on: "cooperative_id", "day", "tier")
            .create()
        try await SaleDayTotals.rebuild(on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SaleDayTotals.ticketsTable).delete()
        try await database.schema(SaleDayTotals.linesTable).delete()
    }
}
