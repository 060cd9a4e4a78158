import Fluent
import Foundation
import MaillageCore
import SQLKit
import Vapor

/// The drawer of a day (tiroir-caisse): opened once with the float counted, closed by the day's
/// Z with the cash counted. One a day and a cooperative.
final class CashDrawer: Model, @unchecked Sendable {
    static let schema = "cash_drawers"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "day") var day: Date
    @Field(key: "opening_float_cents") var openingFloatCents: Int
    @Field(key: "opened_by_label") var openedByLabel: String
    @Field(key: "opened_at") var openedAt: Date

    init() {}
}

/// The drawer's table, and what a day's closing keeps of the cash: the float, what should be
/// there, what was counted (by denomination when it was), the gap and who counted.
struct AddCashDrawers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CashDrawer.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("day", .datetime, .required)
            .field("opening_float_cents", .int, .required)
            .field("opened_by_label", .string, .required)
            .field("opened_at", .datetime, .required)
            .unique(on: "cooperative_id", "day")
            .create()
        // One column at a time: SQLite adds a single column per ALTER TABLE.
        let columns: [(String, DatabaseSchema.DataType)] = [("opening_float_cents", .int), ("expected_cash_cents", .int), ("counted_cash_cents", .int),
                                                            ("cash_gap_cents", .int), ("counted_by_label", .string), ("cash_count", .string)]
        for (name, type) in columns {
            try await database.schema(Closing.schema).field(.string(name), type).update()
        }
    }

    func revert(on database: any Database) async throws {
        for field in ["cash_count", "counted_by_label", "cash_gap_cents", "counted_cash_cents", "expected_cash_cents", "opening_float_cents"] {
            try await database.schema(Closing.schema).deleteField(.string(field)).update()
        }
        try await database.schema(CashDrawer.schema).delete()
    }
}

/// A drawer as the API and the till page show it: its float, and the cash that should be in it
/// now (the float plus the day's cash net of change and refunds).
struct DrawerDTO: Content {
    var day: String
    /// Whether the float was counted today; until it is, the float counts as 0.
    var opened: Bool
    var openingFloatCents: Int
    var openedBy: String?
    var openedAt: Date?
    var netCashCents: Int
    var expectedCashCents: Int
}

/// How the cash was counted: pieces by denomination (in cents), or a total typed in.
struct CashCountDraft: Sendable {
    var pieces: [Int: Int] = [:]
    var totalCents: Int?
}

extension TradeRepository {
    /// The day's drawer with the cash that should be in it; not opened yet, its float is 0.
    func drawer(on day: CalendarDay = .today) async throws -> DrawerDTO {
        try scope.require(.sell)
        let drawer = try await CashDrawer.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$day == day.date).first()
        let cash = try await netCash(on: day, in: db)
        let float = drawer?.openingFloatCents ?? 0
        return DrawerDTO(day: day.description, opened: drawer != nil, openingFloatCents: float, openedBy: drawer?.openedByLabel, openedAt: drawer?.openedAt,
                         netCashCents: cash, expectedCashCents: CashCount.expected(openingFloatCents: float, netCashCents: cash))
    }

    /// Opens the day's drawer with its float; once a day, and not after the day's Z.
    func openDrawer(openingFloatCents: Int?, today: CalendarDay = .today, on tx: any Database) async throws -> CashDrawer {
        try scope.require(.sell)
        guard let cents = openingFloatCents, (0...CashCount.maximumCents).contains(cents) else {
            throw Problem.invalid(FieldErrors(["openingFloatCents": "Le fond de caisse est un montant de 0 à 100 000 €."]))
        }
        try await SaleJournal.lock(cooperativeID: scope.id, on: tx)
        if try await dayIsClosed(today, on: tx) {
            throw Problem(status: .conflict, title: "Journée clôturée", detail: "La clôture du jour (Z) est faite : la caisse ne s'ouvre plus aujourd'hui.")
        }
        if try await CashDrawer.query(on: tx).filter(\.$cooperativeID == scope.id).filter(\.$day == today.date).count() > 0 {
            throw Problem(status: .conflict, title: "Caisse déjà ouverte", detail: "La caisse est déjà ouverte aujourd'hui : le fond de caisse ne se recompte pas.")
        }
        let drawer = CashDrawer()
        drawer.cooperativeID = scope.id
        drawer.day = today.date
        drawer.openingFloatCents = cents
        drawer.openedByLabel = scope.principal.name
        drawer.openedAt = Date()
        try await drawer.create(on: tx)
        return drawer
    }

    /// The cash taken on a day: cash payments minus the change given back (refunds are negative
    /// payments), summed by the database (as BIGINT: PostgreSQL sums integers as NUMERIC).
    func netCash(on day: CalendarDay, in database: any Database) async throws -> Int {
        guard let sql = database as? any SQLDatabase else { throw Problem.internalError }
        struct Row: Decodable { var paid: Int?; var change: Int? }
        let start = day.date, end = day.adding(days: 1).date
        let row = try await sql.raw("""
            SELECT (SELECT CAST(SUM(p.amount_cents) AS BIGINT) FROM sale_payments p JOIN sales s ON s.id = p.sale_id
                    WHERE s.cooperative_id = \(bind: scope.id) AND s.recorded_at >= \(bind: start) AND s.recorded_at < \(bind: end) AND p.method = 'cash') AS paid,
                   (SELECT CAST(SUM(change_cents) AS BIGINT) FROM sales
                    WHERE cooperative_id = \(bind: scope.id) AND recorded_at >= \(bind: start) AND recorded_at < \(bind: end)) AS change
            """).first(decoding: Row.self)
        return (row?.paid ?? 0) - (row?.change ?? 0)
    }

    /// What the day's closing records of the cash: the float, the expected cash, the count and
    /// the gap. Without a count (an API client that does not count) the count stays empty.
    func cashAtClosing(of day: CalendarDay, count: CashCountDraft, on tx: any Database) async throws -> ClosingCash {
        let float = try await CashDrawer.query(on: tx).filter(\.$cooperativeID == scope.id).filter(\.$day == day.date).first()?.openingFloatCents
        let expected = CashCount.expected(openingFloatCents: float ?? 0, netCashCents: try await netCash(on: day, in: tx))
        var errors = FieldErrors()
        var counted = count.totalCents
        if !count.pieces.isEmpty {
            if let total = CashCount.total(count.pieces) {
                if let typed = counted, typed != total {
                    errors.add("countedCashCents", "Le total saisi (\(Euros.french(typed))) ne fait pas la somme des pièces et billets (\(Euros.french(total))).")
                }
                counted = total
            } else {
                errors.add("cashCount", "Chaque nombre de pièces ou de billets va de 0 à \(CashCount.maximumPieces).")
            }
        }
        if let typed = counted, !(0...CashCount.maximumCents).contains(typed) {
            errors.add("countedCashCents", "L'espèce comptée est un montant de 0 à 100 000 €.")
        }
        try errors.throwIfAny()
        return ClosingCash(openingFloatCents: float ?? 0, expectedCashCents: expected, countedCashCents: counted,
                           cashGapCents: counted.map { CashCount.gap(counted: $0, expected: expected) },
                           countedBy: counted == nil ? nil : scope.principal.name, pieces: count.pieces.filter { $0.value > 0 })
    }
}

/// The cash part of a day's closing.
struct ClosingCash {
    var openingFloatCents: Int
    var expectedCashCents: Int
    var countedCashCents: Int?
    var cashGapCents: Int?
    var countedBy: String?
    var pieces: [Int: Int]
}

/// `POST /api/v1/coops/:coopID/drawer/open` `{"openingFloatCents"}`, `GET …/drawer`.
struct DrawerAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        coop.get("drawer", use: show)
        coop.post("drawer", "open", use: open)
    }

    struct OpenBody: Decodable { var openingFloatCents: Int? }

    func show(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        return try Idempotency.encode(status: .ok, body: try await repository.drawer())
    }

    func open(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(.sell)
        let body = try request.decodeJSON(OpenBody.self)
        return try await Idempotency.respond(to: request, status: .created) { db in
            try await db.transaction { tx in
                let repository = TradeRepository(db: tx, scope: scope)
                _ = try await repository.openDrawer(openingFloatCents: body.openingFloatCents, on: tx)
                return try await repository.drawer()
            }
        }
    }
}
