import Fluent
import Foundation
import MaillageCore
import SQLKit
import Vapor

/// A ticket of the training mode (mode école): priced like a sale, numbered apart, kept only
/// so that the trainer can look back; never in the journal's chain, the day totals, the figures,
/// the pool or the closings.
final class TrainingTicket: Model, @unchecked Sendable {
    static let schema = "training_tickets"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "number") var number: Int
    @Field(key: "cashier_label") var cashierLabel: String
    @Field(key: "recorded_at") var recordedAt: Date
    /// The ticket as the till showed it (a `SaleDTO`, marked training), as JSON.
    @Field(key: "payload") var payload: String

    init() {}
}

struct CreateTrainingTickets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TrainingTicket.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("number", .int, .required)
            .field("cashier_label", .string, .required)
            .field("recorded_at", .datetime, .required)
            .field("payload", .string, .required)
            .unique(on: "cooperative_id", "number")
            .create()
        // The training tickets' own numbering, apart from the journal's `cash_counters`.
        try await database.schema("training_counters")
            .field("cooperative_id", .uuid, .identifier(auto: false), .references(Cooperative.schema, "id"))
            .field("last_number", .int, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("training_counters").delete()
        try await database.schema(TrainingTicket.schema).delete()
    }
}

extension TradeRepository {
    /// Records a training ticket: its own numbers (1, 2… per cooperative), no hash, no pool.
    func recordTraining(_ priced: PricedSale, on tx: any Database) async throws -> SaleDTO {
        try scope.require(.sell)
        guard let sql = tx as? any SQLDatabase else { throw Problem.internalError }
        struct Row: Decodable { var last_number: Int }
        guard let next = try await sql.raw("""
            INSERT INTO training_counters (cooperative_id, last_number) VALUES (\(bind: scope.id), 1)
            ON CONFLICT (cooperative_id) DO UPDATE SET last_number = training_counters.last_number + 1 RETURNING last_number
            """).first(decoding: Row.self)?.last_number else { throw Problem.internalError }
        let sale = priced.sale(number: next, cooperativeID: scope.id, cashier: scope.principal.name)
        let rows = priced.rows(of: sale.id!)
        sale.$lines.value = rows.lines
        sale.$payments.value = rows.payments
        sale.hash = ""
        var dto = SaleDTO(sale)
        dto.training = true
        let ticket = TrainingTicket()
        ticket.id = sale.id
        ticket.cooperativeID = scope.id
        ticket.number = sale.number
        ticket.cashierLabel = sale.cashierLabel
        ticket.recordedAt = sale.recordedAt
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        ticket.payload = String(decoding: try encoder.encode(dto), as: UTF8.self)
        try await ticket.create(on: tx)
        return dto
    }
}
