import Crypto
import Fluent
import Foundation
import MaillageCore
import Vapor

/// A closing (Z of the day, month, year): written once, never redone nor changed.
final class Closing: Model, @unchecked Sendable {
    static let schema = "closings"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "period") var period: String
    @Field(key: "first_day") var firstDay: Date
    @Field(key: "last_day") var lastDay: Date
    @Field(key: "tickets") var tickets: Int
    @Field(key: "total_cents") var totalCents: Int
    /// Every ticket since the journal began, up to the period's end: never reset.
    @Field(key: "perpetual_total_cents") var perpetualTotalCents: Int
    /// The totals by VAT rate, payment method and tier, as JSON.
    @Field(key: "details") var details: String
    @Field(key: "closed_by_label") var closedByLabel: String
    /// The SHA-256 of the period's archive, computed when the period was closed.
    @OptionalField(key: "archive_sha256") var archiveSHA256: String?
    /// The day's cash (a Z only): the float counted at the opening, what should be in the
    /// drawer, what was counted and by whom, the gap, and the pieces by denomination as JSON.
    @OptionalField(key: "opening_float_cents") var openingFloatCents: Int?
    @OptionalField(key: "expected_cash_cents") var expectedCashCents: Int?
    @OptionalField(key: "counted_cash_cents") var countedCashCents: Int?
    @OptionalField(key: "cash_gap_cents") var cashGapCents: Int?
    @OptionalField(key: "counted_by_label") var countedByLabel: String?
    @OptionalField(key: "cash_count") var cashCount: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateClosings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Closing.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("period", .string, .required)
            .field("first_day", .datetime, .required)
            .field("last_day", .datetime, .required)
            .field("tickets", .int, .required)
            .field("total_cents", .int, .required)
            .field("perpetual_total_cents", .int, .required)
            .field("details", .string, .required)
            .field("closed_by_label", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "cooperative_id", "period", "first_day")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Closing.schema).delete()
    }
}

struct ClosingDTO: Content {
    struct VATLine: Content {
        var rate: Double
        var grossCents: Int
        var vatCents: Int
    }
    struct Details: Codable {
        var vat: [VATLine]
        var byMethod: [String: Int]
        var byTier: [String: Int]
    }
    var id: UUID
    var period: String
    var from: String
    var to: String
    var tickets: Int
    var totalCents: Int
    var perpetualTotalCents: Int
    var vat: [VATLine]
    var byMethod: [String: Int]
    var byTier: [String: Int]
    var closedBy: String
    var closedAt: Date?
    var openingFloatCents: Int?
    var expectedCashCents: Int?
    var countedCashCents: Int?
    var cashGapCents: Int?
    var countedBy: String?
    /// The pieces counted, by denomination in cents (`"2000": 3` is three 20 € notes).
    var cashCount: [String: Int]?

    init(_ closing: Closing) {
        let details = (try? JSONDecoder().decode(Details.self, from: Data(closing.details.utf8))) ?? Details(vat: [], byMethod: [:], byTier: [:])
        id = closing.id!
        period = closing.period
        from = CalendarDay(date: closing.firstDay).description
        to = CalendarDay(date: closing.lastDay).description
        tickets = closing.tickets
        totalCents = closing.totalCents
        perpetualTotalCents = closing.perpetualTotalCents
        vat = details.vat
        byMethod = details.byMethod
        byTier = details.byTier
        closedBy = closing.closedByLabel
        closedAt = closing.createdAt
        openingFloatCents = closing.openingFloatCents
        expectedCashCents = closing.expectedCashCents
        countedCashCents = closing.countedCashCents
        cashGapCents = closing.cashGapCents
        countedBy = closing.countedByLabel
        cashCount = closing.cashCount.flatMap { try? JSONDecoder().decode([String: Int].self, from: Data($0.utf8)) }
    }
}

extension TradeRepository {
    func closings() async throws -> [Closing] {
        try scope.require(.sell)
        return try await Closing.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$firstDay, .descending).sort(\.$period).all()
    }

    /// Whether the day's Z is done: no more tickets that day.
    func dayIsClosed(_ day: CalendarDay, on database: any Database) async throws -> Bool {
        try await Closing.query(on: database).filter(\.$cooperativeID == scope.id).filter(\.$period == ClosingPeriod.day.rawValue)
            .filter(\.$firstDay == day.date).count() > 0
    }

    func close(period rawPeriod: String?, date rawDate: String?, count: CashCountDraft = CashCountDraft(), today: CalendarDay, on tx: any Database) async throws -> Closing {
        try scope.require(.sell)
        var errors = FieldErrors()
        let period = ClosingPeriod(rawValue: rawPeriod ?? "")
        if period == nil { errors.add("period", "La période est day (jour), month (mois) ou year (année).") }
        let day = CalendarDay.parse(rawDate, field: "date", fallback: today, latest: today, into: &errors)
        try errors.throwIfAny()
        let (first, last) = period!.range(containing: day!)
        guard period!.mayClose(last: last, today: today) else {
            throw Problem.invalid(FieldErrors(["date": "Cette période n'est pas terminée : elle se clôt une fois finie."]))
        }
        // Serialises with the tills: no ticket slips in while the totals are computed.
        try await SaleJournal.lock(cooperativeID: scope.id, on: tx)
        if try await Closing.query(on: tx).filter(\.$cooperativeID == scope.id).filter(\.$period == period!.rawValue)
            .filter(\.$firstDay == first.date).count() > 0 {
            throw Problem(status: .conflict, title: "Déjà clôturée", detail: "Cette période est déjà clôturée : une clôture ne se refait pas.")
        }
        let end = last.adding(days: 1).date
        let inPeriod = try await Sale.query(on: tx).filter(\.$cooperativeID == scope.id).filter(\.$recordedAt >= first.date)
            .filter(\.$recordedAt < end).with(\.$lines).with(\.$payments).all()
        let totals = ClosingTotals(inPeriod.map { sale in
            ClosingTotals.Ticket(
                lines: sale.lines.map { (VATRate(rawValue: $0.vatRate) ?? .standard, $0.tier, $0.priceCents * $0.quantity) },
                payments: sale.payments.compactMap { payment in PaymentMethod(rawValue: payment.method).map { ($0, payment.amountCents) } },
                changeCents: sale.changeCents, totalCents: sale.totalCents)
        })
        let details = ClosingDTO.Details(
            vat: totals.vat.lines.map { .init(rate: Double($0.rate.rawValue) / 10, grossCents: $0.grossCents, vatCents: $0.vatCents) },
            byMethod: totals.byMethod, byTier: totals.byTier)
        let closing = Closing()
        closing.cooperativeID = scope.id
        closing.period = period!.rawValue
        closing.firstDay = first.date
        closing.lastDay = last.date
        closing.tickets = totals.tickets
        closing.totalCents = totals.totalCents
        closing.perpetualTotalCents = try await SaleJournal.sums(cooperativeID: scope.id, before: end, on: tx).total
        closing.details = String(decoding: try JSONEncoder().encode(details), as: UTF8.self)
        closing.closedByLabel = scope.principal.name
        if period == .day {
            let cash = try await cashAtClosing(of: first, count: count, on: tx)
            closing.openingFloatCents = cash.openingFloatCents
            closing.expectedCashCents = cash.expectedCashCents
            closing.countedCashCents = cash.countedCashCents
            closing.cashGapCents = cash.cashGapCents
            closing.countedByLabel = cash.countedBy
            if !cash.pieces.isEmpty {
                let encoder = JSONEncoder()
                encoder.outputFormatting = .sortedKeys
                closing.cashCount = String(decoding: try encoder.encode(Dictionary(uniqueKeysWithValues: cash.pieces.map { (String($0.key), $0.value) })), as: UTF8.self)
            }
        }
        try await closing.create(on: tx)
        // Hashed as read back, so that the archive downloaded later gives the same bytes.
        guard let stored = try await Closing.find(closing.id, on: tx) else { throw Problem.internalError }
        stored.archiveSHA256 = try await archive(of: stored).sha256
        try await stored.update(on: tx)
        return stored
    }
}

/// The archive of a closed period (the fourth condition for till software: archivage): the
/// closing's totals and every journal entry of the period with its hash, and the hash that
/// chains the first one to the journal before it. Written with sorted keys so that the same
/// period always gives the same bytes, and the same SHA-256 the closings page shows.
struct ClosingArchive: Encodable {
    struct Seller: Encodable {
        var id: UUID
        var name: String
        var siret: String?
    }
    struct Entry: Encodable {
        var number: Int
        var hash: String
        var payload: String
        var sale: SaleDTO
    }
    var format = "maillage-closing-archive/1"
    var cooperative: Seller
    var closing: ClosingDTO
    /// The hash of the entry before the period's first (the genesis hash for the first period).
    var previousHash: String
    var entries: [Entry]

    var data: Data {
        get throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            encoder.dateEncodingStrategy = .iso8601
            return try encoder.encode(self)
        }
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

extension TradeRepository {
    func closing(_ id: UUID) async throws -> Closing {
        try scope.require(.sell)
        guard let closing = try await Closing.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$id == id).first() else { throw Problem.notFound }
        return closing
    }

    func archive(of closing: Closing) async throws -> (data: Data, sha256: String) {
        try scope.require(.sell)
        let end = CalendarDay(date: closing.lastDay).adding(days: 1).date
        let sales = try await Sale.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$recordedAt >= closing.firstDay)
            .filter(\.$recordedAt < end).with(\.$lines).with(\.$payments).sort(\.$number).all()
        var previousHash = CashJournal.genesis
        if let first = sales.first, first.number > 1,
           let before = try await Sale.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$number == first.number - 1).first() {
            previousHash = before.hash
        }
        let coop = scope.cooperative
        let archive = ClosingArchive(
            cooperative: .init(id: coop.id!, name: coop.name, siret: coop.siret), closing: ClosingDTO(closing), previousHash: previousHash,
            entries: sales.map { .init(number: $0.number, hash: $0.hash, payload: $0.payload, sale: SaleDTO($0)) })
        let data = try archive.data
        return (data, ClosingArchive.sha256(data))
    }
}
