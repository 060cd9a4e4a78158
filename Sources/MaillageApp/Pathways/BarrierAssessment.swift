import Fluent
import Foundation
import MaillageCore
import Vapor

/// One dated assessment of one barrier in a pathway. Never updated: a new assessment is a
/// new row, so the history shows what changed.
final class BarrierAssessment: Model, @unchecked Sendable {
    static let schema = "barrier_assessments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "pathway_id") var pathway: Pathway
    @Field(key: "barrier") var barrier: String
    @Field(key: "level") var level: String
    @Field(key: "assessed_on") var assessedOn: Date
    @Field(key: "author_label") var authorLabel: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateBarrierAssessments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(BarrierAssessment.schema)
            .id()
            .field("pathway_id", .uuid, .required, .references(Pathway.schema, "id", onDelete: .cascade))
            .field("barrier", .string, .required)
            .field("level", .string, .required)
            .field("assessed_on", .datetime, .required)
            .field("author_label", .string, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(BarrierAssessment.schema).delete()
    }
}

struct BarrierAssessmentDTO: Content {
    var barrier: String
    var level: String
    var assessedOn: String
    var author: String
}

extension PathwaysRepository {
    func barrierHistory(_ pathway: Pathway) async throws -> [BarrierAssessment] {
        try await BarrierAssessment.query(on: db).filter(\.$pathway.$id == pathway.id!)
            .sort(\.$assessedOn).sort(\.$createdAt).all()
    }

    /// The rows as the core's diagnostic sees them, in recording order.
    static func diagnostic(_ rows: [BarrierAssessment]) -> [BarrierDiagnostic.Assessment] {
        rows.sorted { ($0.createdAt ?? .distantPast) < ($1.createdAt ?? .distantPast) }.enumerated().compactMap { index, row in
            guard let barrier = Barrier(rawValue: row.barrier), let level = BarrierLevel(rawValue: row.level) else { return nil }
            return .init(barrier: barrier, level: level, day: CalendarDay(date: row.assessedOn), sequence: index)
        }
    }

    func assessBarrier(_ pathway: Pathway, barrier rawBarrier: String?, level rawLevel: String?, date rawDate: String?, today: CalendarDay, request: Request) async throws -> BarrierAssessment {
        try scope.require(.managePathways)
        var errors = FieldErrors()
        let barrier = Barrier(rawValue: rawBarrier ?? "")
        if barrier == nil { errors.add("barrier", "Choisissez le frein évalué.") }
        let level = BarrierLevel(rawValue: rawLevel ?? "")
        if level == nil { errors.add("level", "Choisissez le niveau : none, light, moderate ou severe.") }
        let day = CalendarDay.parse(rawDate, field: "date", fallback: today, latest: today, into: &errors) ?? today
        try errors.throwIfAny()
        let row = BarrierAssessment()
        row.$pathway.id = pathway.id!
        row.barrier = barrier!.rawValue
        row.level = level!.rawValue
        row.assessedOn = day.date
        row.authorLabel = scope.principal.name
        try await db.transaction { tx in
            try await row.create(on: tx)
            try await Person.query(on: tx).filter(\.$id == pathway.$person.id).set(\.$lastContactAt, to: Date()).update()
        }
        return row
    }
}
