import Fluent
import SQLKit

/// Rows written a batch at a time through SQLKit, for the largest tables and the till's hot
/// path: Fluent's model reflection costs more than the database's own work there (a million
/// rows for `seed --scale`; a sale under the till's write lock).
struct RowWriter {
    let sql: any SQLDatabase
    let table: String
    let columns: [String]
    private var pending: [[any SQLExpression]] = []
    private(set) var written = 0

    init(on db: any Database, into table: String, columns: [String]) throws {
        guard let sql = db as? any SQLDatabase else { throw Problem.internalError }
        self.sql = sql
        self.table = table
        self.columns = columns
    }

    var isFull: Bool { pending.count >= ScaleData.batch }

    mutating func add(_ values: [(any Encodable & Sendable)?]) {
        precondition(values.count == columns.count)
        pending.append(values.map { value -> any SQLExpression in value.map { SQLBind($0) } ?? SQLLiteral.null })
    }

    mutating func flush() async throws {
        guard !pending.isEmpty else { return }
        let insert = sql.insert(into: table).columns(columns)
        for row in pending { insert.values(row) }
        try await insert.run()
        written += pending.count
        pending.removeAll(keepingCapacity: true)
    }
}
