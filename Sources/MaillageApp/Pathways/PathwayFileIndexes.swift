import Fluent
import SQLKit

/// Indexes for a person's file: each of its sections is read by pathway, and without them
/// every section of every file of the network was read to show one (objectives, notes,
/// skills, trainings).
struct AddPathwayFileIndexes: AsyncMigration {
    static let indexes: [(name: String, table: String, columns: [String])] = [
        ("pathway_objectives_pathway", Objective.schema, ["pathway_id"]),
        ("pathway_actions_objective", PlanAction.schema, ["objective_id"]),
        ("pathway_notes_pathway", PathwayNote.schema, ["pathway_id", "created_at"]),
        ("skill_assessments_pathway", SkillAssessment.schema, ["pathway_id", "assessed_on"]),
        ("training_enrolments_pathway", TrainingEnrolment.schema, ["pathway_id"]),
    ]

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in Self.indexes {
            var create = sql.create(index: index.name).on(index.table)
            for column in index.columns { create = create.column(column) }
            try await create.run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for index in Self.indexes.reversed() { try await sql.drop(index: index.name).run() }
    }
}
