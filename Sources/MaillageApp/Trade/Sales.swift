import Fluent
import Foundation
import MaillageCore
import SQLKit
import Vapor

/// A ticket of the till, also the cash journal's entry: numbered per cooperative, hashed with
/// the previous entry. Never edited; a correction is a refund, a new negative ticket.
final class Sale: Model, @unchecked Sendable {
    static let schema = "sales"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "number") var number: Int
    @OptionalField(key: "household_id") var householdID: UUID?
    @Field(key: "tier") var tier: String
    @Field(key: "total_cents") var totalCents: Int
    @Field(key: "donation_cents") var donationCents: Int
    @Field(key: "pool_draw_cents") var poolDrawCents: Int
    @Field(key: "suspended_meals") var suspendedMeals: Int
    @Field(key: "change_cents") var changeCents: Int
    @OptionalField(key: "refund_of") var refundOf: UUID?
    @Field(key: "cashier_label") var cashierLabel: String
    @Field(key: "recorded_at") var recordedAt: Date
    @Field(key: "payload") var payload: String
    @Field(key: "hash") var hash: String
    @Children(for: \.$sale) var lines: [SaleLine]
    @Children(for: \.$sale) var payments: [SalePayment]

    init() {}

    /// The negative ticket mirroring `original` (its lines and payments loaded): what the
    /// customer paid, net of change, goes back by the first method used; the pool gets back
    /// what it paid and gives back the donation.
    static func refund(of original: Sale, number: Int, cashier: String, at date: Date) -> (Sale, [SaleLine], [SalePayment]) {
        let refund = Sale()
        refund.id = UUID()
        refund.cooperativeID = original.cooperativeID
        refund.number = number
        refund.householdID = original.householdID
        refund.tier = original.tier
        refund.totalCents = -original.totalCents
        refund.donationCents = -original.donationCents
        refund.poolDrawCents = -original.poolDrawCents
        refund.suspendedMeals = -original.suspendedMeals
        refund.changeCents = 0
        refund.refundOf = original.id
        refund.cashierLabel = cashier
        refund.recordedAt = date
        let lines = original.lines.sorted { $0.position < $1.position }.map { $0.reversed(on: refund.id!) }
        let payment = SalePayment(saleID: refund.id!, position: 0,
                                  method: original.payments.sorted { $0.position < $1.position }.first?.method ?? PaymentMethod.cash.rawValue,
                                  amountCents: -(original.totalCents - original.poolDrawCents))
        return (refund, lines, [payment])
    }
}

final class SaleLine: Model, @unchecked Sendable {
    static let schema = "sale_lines"

    @ID(key: .id) var id: UUID?
    @Parent(key: "sale_id") var sale: Sale
    @Field(key: "position") var position: Int
    @Field(key: "product_id") var productID: UUID
    @Field(key: "product_name") var productName: String
    @Field(key: "category") var category: String
    @Field(key: "quantity") var quantity: Int
    @Field(key: "public_price_cents") var publicPriceCents: Int
    @Field(key: "price_cents") var priceCents: Int
    @Field(key: "vat_rate") var vatRate: Int
    @Field(key: "tier") var tier: String
    /// Who pays the line's reduction (public price minus price paid): the grid's named funder,
    /// or nil for the cooperative's own margin. Suspended meals are the ticket's pool draw.
    @OptionalField(key: "funded_by") var fundedBy: String?

    init() {}

    init(saleID: UUID, position: Int, productID: UUID, productName: String, category: String, quantity: Int,
         publicPriceCents: Int, priceCents: Int, vatRate: Int, tier: String, fundedBy: String? = nil) {
        self.$sale.id = saleID
        self.position = position
        self.productID = productID
        self.productName = productName
        self.category = category
        self.quantity = quantity
        self.publicPriceCents = publicPriceCents
        self.priceCents = priceCents
        self.vatRate = vatRate
        self.tier = tier
        self.fundedBy = fundedBy
    }

    /// The same line taken back, on a refund ticket.
    func reversed(on refundID: UUID) -> SaleLine {
        SaleLine(saleID: refundID, position: position, productID: productID, productName: productName, category: category,
                 quantity: -quantity, publicPriceCents: publicPriceCents, priceCents: priceCents, vatRate: vatRate, tier: tier, fundedBy: fundedBy)
    }
}

final class SalePayment: Model, @unchecked Sendable {
    static let schema = "sale_payments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "sale_id") var sale: Sale
    @Field(key: "position") var position: Int
    @Field(key: "method") var method: String
    @Field(key: "amount_cents") var amountCents: Int

    init() {}

    init(saleID: UUID, position: Int, method: String, amountCents: Int) {
        self.$sale.id = saleID
        self.position = position
        self.method = method
        self.amountCents = amountCents
    }
}

struct CreateSales: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Sale.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("number", .int, .required)
            .field("household_id", .uuid, .references(Household.schema, "id"))
            .field("tier", .string, .required)
            .field("total_cents", .int, .required)
            .field("donation_cents", .int, .required)
            .field("pool_draw_cents", .int, .required)
            .field("suspended_meals", .int, .required)
            .field("change_cents", .int, .required)
            .field("refund_of", .uuid, .references(Sale.schema, "id"))
            .field("cashier_label", .string, .required)
            .field("recorded_at", .datetime, .required)
            .field("payload", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "cooperative_id", "number")
            .unique(on: "refund_of")
            .create()
        try await database.schema(SaleLine.schema)
            .id()
            .field("sale_id", .uuid, .required, .references(Sale.schema, "id"))
            .field("position", .int, .required)
            .field("product_id", .uuid, .required)
            .field("product_name", .string, .required)
            .field("category", .string, .required)
            .field("quantity", .int, .required)
            .field("public_price_cents", .int, .required)
            .field("price_cents", .int, .required)
            .field("vat_rate", .int, .required)
            .field("tier", .string, .required)
            .create()
        try await database.schema(SalePayment.schema)
            .id()
            .field("sale_id", .uuid, .required, .references(Sale.schema, "id"))
            .field("position", .int, .required)
            .field("method", .string, .required)
            .field("amount_cents", .int, .required)
            .create()
        // One row per cooperative: the last number and hash of its journal. Updating it first
        // in a sale's transaction makes concurrent sales of a cooperative wait for each other.
        try await database.schema("cash_counters")
            .field("cooperative_id", .uuid, .identifier(auto: false), .references(Cooperative.schema, "id"))
            .field("last_number", .int, .required)
            .field("last_hash", .string, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "sale_lines_sale").on(SaleLine.schema).column("sale_id").run()
            try await sql.create(index: "sale_payments_sale").on(SalePayment.schema).column("sale_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("cash_counters").delete()
        try await database.schema(SalePayment.schema).delete()
        try await database.schema(SaleLine.schema).delete()
        try await database.schema(Sale.schema).delete()
    }
}

/// Who funds the reductions: a grid may name a funder, and each sale line keeps the name it
/// was sold under, so that changing the grid later never changes who paid for a past sale.
/// And each closing keeps the SHA-256 of its period's archive.
struct AddTradeFundingAndArchives: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TariffGridRecord.schema).field("funder_name", .string).update()
        try await database.schema(SaleLine.schema).field("funded_by", .string).update()
        try await database.schema(Closing.schema).field("archive_sha256", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Closing.schema).deleteField("archive_sha256").update()
        try await database.schema(SaleLine.schema).deleteField("funded_by").update()
        try await database.schema(TariffGridRecord.schema).deleteField("funder_name").update()
    }
}

/// The journal's view of a sale: the canonical text its hash covers, rebuilt from the rows so
/// that changing an amount in the database breaks the chain.
enum SaleJournal {
    static func payload(sale: Sale, lines: [SaleLine], payments: [SalePayment], formatter: ISO8601DateFormatter = ISO8601DateFormatter()) -> String {
        payload(Ticket(id: sale.id!, number: sale.number, recordedAt: sale.recordedAt, householdID: sale.householdID, tier: sale.tier,
                       totalCents: sale.totalCents, donationCents: sale.donationCents, poolDrawCents: sale.poolDrawCents,
                       suspendedMeals: sale.suspendedMeals, changeCents: sale.changeCents, refundOf: sale.refundOf),
                lines: lines.map { Line(position: $0.position, productID: $0.productID, quantity: $0.quantity, publicPriceCents: $0.publicPriceCents,
                                        priceCents: $0.priceCents, vatRate: $0.vatRate, tier: $0.tier) },
                payments: payments.map { Payment(position: $0.position, method: $0.method, amountCents: $0.amountCents) },
                formatter: formatter)
    }

    /// What the hash covers of a ticket, as plain values: the journal check reads them as rows
    /// (models cost too much memory and time over hundreds of thousands of tickets).
    struct Ticket {
        var id: UUID
        var number: Int
        var recordedAt: Date
        var householdID: UUID?
        var tier: String
        var totalCents: Int
        var donationCents: Int
        var poolDrawCents: Int
        var suspendedMeals: Int
        var changeCents: Int
        var refundOf: UUID?
    }

    struct Line {
        var position: Int
        var productID: UUID
        var quantity: Int
        var publicPriceCents: Int
        var priceCents: Int
        var vatRate: Int
        var tier: String
    }

    struct Payment {
        var position: Int
        var method: String
        var amountCents: Int
    }

    static func payload(_ ticket: Ticket, lines: [Line], payments: [Payment], formatter: ISO8601DateFormatter) -> String {
        CashJournal.canonical([
            "number": String(ticket.number),
            "sale": ticket.id.uuidString.lowercased(),
            "recordedAt": formatter.string(from: ticket.recordedAt),
            "household": ticket.householdID?.uuidString.lowercased() ?? "",
            "tier": ticket.tier,
            "total": String(ticket.totalCents),
            "donation": String(ticket.donationCents),
            "poolDraw": String(ticket.poolDrawCents),
            "suspendedMeals": String(ticket.suspendedMeals),
            "change": String(ticket.changeCents),
            "refundOf": ticket.refundOf?.uuidString.lowercased() ?? "",
            "lines": lines.sorted { $0.position < $1.position }.map {
                "\($0.productID.uuidString.lowercased()):\($0.quantity):\($0.publicPriceCents):\($0.priceCents):\($0.vatRate):\($0.tier)"
            }.joined(separator: ","),
            "payments": payments.sorted { $0.position < $1.position }.map { "\($0.method):\($0.amountCents)" }.joined(separator: ","),
        ])
    }

    /// Recomputes the cooperative's chain from the rows, a page of tickets at a time (with their
    /// lines and payments), so that memory stays flat however long the journal.
    static func verify(cooperativeID: UUID, pageSize: Int = 2_000, on db: any Database) async throws -> CashJournal.Verification {
        guard let sql = db as? any SQLDatabase else { throw Problem.internalError }
        let formatter = ISO8601DateFormatter()
        var verifier = CashJournal.Verifier()
        var after = 0
        while !verifier.isBroken {
            let rows = try await sql.raw("""
                SELECT id, number, recorded_at, household_id, tier, total_cents, donation_cents, pool_draw_cents, suspended_meals, change_cents, refund_of, hash
                FROM sales WHERE cooperative_id = \(bind: cooperativeID) AND number > \(bind: after) ORDER BY number LIMIT \(unsafeRaw: String(pageSize))
                """).all().map { row in
                try (Ticket(id: row.decode(column: "id"), number: row.decode(column: "number"), recordedAt: row.decode(column: "recorded_at"),
                            householdID: row.decode(column: "household_id"), tier: row.decode(column: "tier"),
                            totalCents: row.decode(column: "total_cents"), donationCents: row.decode(column: "donation_cents"),
                            poolDrawCents: row.decode(column: "pool_draw_cents"), suspendedMeals: row.decode(column: "suspended_meals"),
                            changeCents: row.decode(column: "change_cents"), refundOf: row.decode(column: "refund_of")),
                     row.decode(column: "hash", as: String.self))
            }
            guard let last = rows.last?.0.number else { break }
            let range: SQLQueryString = "s.cooperative_id = \(bind: cooperativeID) AND s.number > \(bind: after) AND s.number <= \(bind: last)"
            var lines: [UUID: [Line]] = [:]
            for row in try await sql.raw("""
                SELECT l.sale_id, l.position, l.product_id, l.quantity, l.public_price_cents, l.price_cents, l.vat_rate, l.tier
                FROM sale_lines l JOIN sales s ON s.id = l.sale_id WHERE \(range)
                """).all() {
                try lines[row.decode(column: "sale_id", as: UUID.self), default: []].append(
                    Line(position: row.decode(column: "position"), productID: row.decode(column: "product_id"), quantity: row.decode(column: "quantity"),
                         publicPriceCents: row.decode(column: "public_price_cents"), priceCents: row.decode(column: "price_cents"),
                         vatRate: row.decode(column: "vat_rate"), tier: row.decode(column: "tier")))
            }
            var payments: [UUID: [Payment]] = [:]
            for row in try await sql.raw("""
                SELECT p.sale_id, p.position, p.method, p.amount_cents
                FROM sale_payments p JOIN sales s ON s.id = p.sale_id WHERE \(range)
                """).all() {
                try payments[row.decode(column: "sale_id", as: UUID.self), default: []].append(
                    Payment(position: row.decode(column: "position"), method: row.decode(column: "method"), amountCents: row.decode(column: "amount_cents")))
            }
            for (ticket, hash) in rows {
                let payload = Self.payload(ticket, lines: lines[ticket.id] ?? [], payments: payments[ticket.id] ?? [], formatter: formatter)
                if !verifier.check(CashJournal.Entry(number: ticket.number, payload: payload, hash: hash)) { break }
            }
            after = last
        }
        guard let broken = verifier.firstBrokenNumber else { return verifier.verification }
        struct Count: Decodable { var count: Int }
        let count = try await sql.raw("SELECT COUNT(*) AS count FROM sales WHERE cooperative_id = \(bind: cooperativeID)").first(decoding: Count.self)?.count ?? verifier.entries
        return CashJournal.Verification(ok: false, entries: count, firstBrokenNumber: broken)
    }

    /// Takes the next number and the previous hash of the cooperative's journal, holding its
    /// counter row until the transaction ends.
    static func nextEntry(cooperativeID: UUID, on tx: any Database) async throws -> (number: Int, previousHash: String) {
        guard let sql = tx as? any SQLDatabase else { throw Problem.internalError }
        // One statement: the first entry creates the counter at 1 after the genesis hash.
        struct Row: Decodable { var last_number: Int; var last_hash: String }
        guard let row = try await sql.raw("""
            INSERT INTO cash_counters (cooperative_id, last_number, last_hash) VALUES (\(bind: cooperativeID), 1, \(bind: CashJournal.genesis))
            ON CONFLICT (cooperative_id) DO UPDATE SET last_number = cash_counters.last_number + 1 RETURNING last_number, last_hash
            """).first(decoding: Row.self) else { throw Problem.internalError }
        return (row.last_number, row.last_hash)
    }

    /// Sums over the cooperative's tickets (recorded before `before`, when given), computed by
    /// the database: the till asks for the pool on every suspended meal, a closing for the
    /// grand total, and neither should read every ticket ever made.
    static func sums(cooperativeID: UUID, before: Date?, on db: any Database) async throws -> (total: Int, donation: Int, poolDraw: Int) {
        guard let sql = db as? any SQLDatabase else { throw Problem.internalError }
        struct Row: Decodable { var total: Int; var donation: Int; var draw: Int }
        let select: SQLQueryString = "SELECT CAST(COALESCE(SUM(total_cents), 0) AS BIGINT) AS total, CAST(COALESCE(SUM(donation_cents), 0) AS BIGINT) AS donation, CAST(COALESCE(SUM(pool_draw_cents), 0) AS BIGINT) AS draw FROM sales WHERE cooperative_id = \(bind: cooperativeID)"
        let query = before.map { select + " AND recorded_at < \(bind: $0)" } ?? select
        guard let row = try await sql.raw(query).first(decoding: Row.self) else { return (0, 0, 0) }
        return (row.total, row.donation, row.draw)
    }

    /// Holds the cooperative's counter row without taking a number (for a closing).
    static func lock(cooperativeID: UUID, on tx: any Database) async throws {
        guard let sql = tx as? any SQLDatabase else { throw Problem.internalError }
        try await sql.raw("INSERT INTO cash_counters (cooperative_id, last_number, last_hash) VALUES (\(bind: cooperativeID), 0, \(bind: CashJournal.genesis)) ON CONFLICT (cooperative_id) DO NOTHING").run()
        try await sql.raw("UPDATE cash_counters SET last_number = last_number WHERE cooperative_id = \(bind: cooperativeID)").run()
    }

    /// The columns a ticket, its lines and its payments are written with, in the order their
    /// values are given (the till's append and `seed --scale`).
    static let ticketColumns = ["id", "cooperative_id", "number", "household_id", "tier", "total_cents", "donation_cents", "pool_draw_cents",
                                "suspended_meals", "change_cents", "refund_of", "cashier_label", "recorded_at", "payload", "hash"]
    static let lineColumns = ["id", "sale_id", "position", "product_id", "product_name", "category", "quantity", "public_price_cents",
                              "price_cents", "vat_rate", "tier", "funded_by"]
    static let paymentColumns = ["id", "sale_id", "position", "method", "amount_cents"]

    /// Hashes the entry with the previous one and writes it with its lines and payments.
    static func append(_ sale: Sale, lines: [SaleLine], payments: [SalePayment], previousHash: String, on db: any Database) async throws {
        sale.payload = payload(sale: sale, lines: lines, payments: payments)
        sale.hash = CashJournal.hash(number: sale.number, previousHash: previousHash, payload: sale.payload)
        // Three plain inserts (the ticket, its lines, its payments) rather than Fluent's
        // creates: under the till's write lock, the models' reflection cost more than SQLite.
        var tickets = try RowWriter(on: db, into: Sale.schema, columns: ticketColumns)
        tickets.add([sale.id!, sale.cooperativeID, sale.number, sale.householdID, sale.tier, sale.totalCents, sale.donationCents, sale.poolDrawCents,
                     sale.suspendedMeals, sale.changeCents, sale.refundOf, sale.cashierLabel, sale.recordedAt, sale.payload, sale.hash])
        try await tickets.flush()
        var lineRows = try RowWriter(on: db, into: SaleLine.schema, columns: lineColumns)
        for line in lines {
            if line.id == nil { line.id = UUID() }
            lineRows.add([line.id!, line.$sale.id, line.position, line.productID, line.productName, line.category, line.quantity,
                          line.publicPriceCents, line.priceCents, line.vatRate, line.tier, line.fundedBy])
        }
        try await lineRows.flush()
        var paymentRows = try RowWriter(on: db, into: SalePayment.schema, columns: paymentColumns)
        for payment in payments {
            if payment.id == nil { payment.id = UUID() }
            paymentRows.add([payment.id!, payment.$sale.id, payment.position, payment.method, payment.amountCents])
        }
        try await paymentRows.flush()
        sale.$lines.value = lines
        sale.$payments.value = payments
        try await SaleDayTotals.add(sale, lines: lines, on: db)
    }

    static func close(cooperativeID: UUID, hash: String, on tx: any Database) async throws {
        guard let sql = tx as? any SQLDatabase else { throw Problem.internalError }
        try await sql.raw("UPDATE cash_counters SET last_hash = \(bind: hash) WHERE cooperative_id = \(bind: cooperativeID)").run()
    }
}
