import Fluent
import SQLKit

/// Indexes for the figures of a cooperative over a period at network scale (`bench/run`):
/// without them, a year of one cooperative's tickets is found by reading every ticket of the
/// network, a household's last ticket by reading all of them, and a pathway's barrier checks
/// by reading every check.
struct AddImpactIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "sales_coop_recorded").on(Sale.schema).column("cooperative_id").column("recorded_at").run()
        try await sql.create(index: "barrier_assessments_pathway").on(BarrierAssessment.schema).column("pathway_id").run()
        try await sql.create(index: "assemblies_coop_held").on(Assembly.schema).column("cooperative_id").column("held_on").run()
        // Covering: the purchase indicators of a period are read from the index alone.
        try await sql.create(index: "purchase_lines_coop_date_figures").on(PurchaseLine.schema)
            .column("cooperative_id").column("date").column("supplier_id").column("family").column("characteristics")
            .column("local_kind").column("local_km").column("price_cents").run()
        try await sql.create(index: "sales_household_recorded").on(Sale.schema).column("household_id").column("recorded_at").column("number").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for name in ["purchase_lines_coop_date_figures", "sales_household_recorded", "assemblies_coop_held", "barrier_assessments_pathway", "sales_coop_recorded"] {
            try await sql.drop(index: name).run()
        }
    }
}
