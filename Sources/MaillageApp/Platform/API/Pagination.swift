import Fluent
import Foundation
import MaillageCore
import Vapor

/// A page of a list, `{items, nextCursor}`. Lists are ordered by id; the cursor is the last
/// id of the page, so pages stay stable while rows are added.
struct Page<Item: Content>: Content {
    var items: [Item]
    var nextCursor: String?
}

struct PageRequest: Sendable {
    static let defaultLimit = 50
    static let maximumLimit = 200

    var limit: Int
    var after: UUID?

    /// Reads `limit` and `cursor` from the query string; a bad value is a 422 naming it.
    init(from request: Request) throws {
        var errors = FieldErrors()
        let rawLimit = request.query[String.self, at: "limit"]
        if let rawLimit {
            if let value = Int(rawLimit), (1...Self.maximumLimit).contains(value) {
                limit = value
            } else {
                errors.add("limit", "La limite doit être un nombre entre 1 et \(Self.maximumLimit).")
                limit = Self.defaultLimit
            }
        } else {
            limit = Self.defaultLimit
        }
        if let cursor = request.query[String.self, at: "cursor"] {
            after = UUID(uuidString: cursor)
            if after == nil { errors.add("cursor", "Ce curseur n'est pas valide.") }
        }
        try errors.throwIfAny()
    }

    init(limit: Int = PageRequest.defaultLimit, after: UUID? = nil) {
        self.limit = limit
        self.after = after
    }

    /// Runs `query` for one page: one row more than asked tells whether a next page exists.
    func fetch<M: Model>(_ query: QueryBuilder<M>) async throws -> (rows: [M], nextCursor: String?) where M.IDValue == UUID {
        if let after { query.filter(\M._$id > after) }
        let rows = try await query.sort(\M._$id).limit(limit + 1).all()
        guard rows.count > limit else { return (rows, nil) }
        let page = Array(rows.prefix(limit))
        return (page, page.last?.id?.uuidString.lowercased())
    }
}
