import Crypto
import Fluent
import Foundation
import MaillageCore
import Vapor

/// A POST that was answered under an `Idempotency-Key`: retrying the same request with the
/// same key returns the stored answer instead of doing the work again.
final class IdempotencyRecord: Model, @unchecked Sendable {
    static let schema = "idempotency_records"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "key") var key: String
    @Field(key: "request_hash") var requestHash: String
    @Field(key: "status") var status: Int
    @Field(key: "body") var body: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreateIdempotencyRecords: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(IdempotencyRecord.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("key", .string, .required)
            .field("request_hash", .string, .required)
            .field("status", .int, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "user_id", "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(IdempotencyRecord.schema).delete()
    }
}

enum Idempotency {
    static let headerName = "Idempotency-Key"
    static let replayedHeader = "Idempotency-Replayed"

    /// Runs `work` in one transaction with the stored answer, so that the write and the record
    /// of its answer exist together or not at all. Without a key, `work` simply runs.
    static func respond<Body: Encodable & Sendable>(
        to request: Request,
        status: HTTPResponseStatus,
        _ work: @escaping @Sendable (any Database) async throws -> Body
    ) async throws -> Response {
        guard let key = request.headers.first(name: headerName) else {
            return try encode(status: status, body: try await work(request.db))
        }
        guard (1...255).contains(key.count) else {
            throw Problem.invalid(FieldErrors([headerName: "La clé d'idempotence doit compter de 1 à 255 caractères."]))
        }
        let principal = try request.requirePrincipal()
        let hash = requestHash(request)
        if let stored = try await find(key: key, user: principal.userID, db: request.db) {
            return try replay(stored, hash: hash)
        }
        do {
            let db = request.db
            let write: @Sendable () async throws -> Response = {
                try await db.transaction { tx in
                    let body = try await work(tx)
                    let response = try encode(status: status, body: body)
                    // A plain insert: this runs in every till sale, under the write lock.
                    var record = try RowWriter(on: tx, into: IdempotencyRecord.schema, columns: ["id", "user_id", "key", "request_hash", "status", "body", "created_at"])
                    record.add([UUID(), principal.userID, key, hash, Int(status.code), response.body.string ?? "", Date()])
                    try await record.flush()
                    return response
                }
            }
            if let gate = request.application.sqliteWriteGate { return try await gate.serialize(write) }
            return try await write()
        } catch {
            // The same key arrived twice at once: the other request won; answer with its result.
            guard (error as? any DatabaseError)?.isConstraintFailure == true,
                  let stored = try await find(key: key, user: principal.userID, db: request.db) else { throw error }
            return try replay(stored, hash: hash)
        }
    }

    /// The answer already given to this key, if any: a sale sent again is answered before
    /// it is priced again.
    static func storedAnswer(to request: Request) async throws -> Response? {
        guard let key = request.headers.first(name: headerName), (1...255).contains(key.count), let principal = request.principal,
              let stored = try await find(key: key, user: principal.userID, db: request.db) else { return nil }
        return try replay(stored, hash: requestHash(request))
    }

    private static func find(key: String, user: UUID, db: any Database) async throws -> IdempotencyRecord? {
        try await IdempotencyRecord.query(on: db).filter(\.$userID == user).filter(\.$key == key).first()
    }

    private static func replay(_ stored: IdempotencyRecord, hash: String) throws -> Response {
        guard stored.requestHash == hash else {
            throw Problem.invalid(
                FieldErrors([headerName: "Cette clé d'idempotence a déjà servi pour une autre requête."]),
                detail: "Utilisez une nouvelle clé pour une nouvelle requête."
            )
        }
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: replayedHeader, value: "true")
        return Response(status: HTTPResponseStatus(statusCode: stored.status), headers: headers, body: .init(string: stored.body))
    }

    private static func requestHash(_ request: Request) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(request.method.rawValue.utf8))
        hasher.update(data: Data(request.url.path.utf8))
        if let body = request.body.data { hasher.update(data: Data(buffer: body)) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func encode<Body: Encodable>(status: HTTPResponseStatus, body: Body) throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(data: try JSONEncoder.api.encode(body)))
    }
}
