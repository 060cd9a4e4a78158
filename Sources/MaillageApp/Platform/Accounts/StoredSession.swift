import Fluent
import Foundation
import Vapor

/// A browser session, kept in the database so that several app instances behind a load
/// balancer share it. Sessions expire after `StoredSessionDriver.lifetime` without use.
final class StoredSession: Model, @unchecked Sendable {
    static let schema = "sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "key_hash") var keyHash: String
    @Field(key: "data") var data: SessionData
    @Field(key: "expires_at") var expiresAt: Date
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(keyHash: String, data: SessionData, expiresAt: Date) {
        self.keyHash = keyHash
        self.data = data
        self.expiresAt = expiresAt
    }
}

struct CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StoredSession.schema)
            .id()
            .field("key_hash", .string, .required)
            .field("data", .json, .required)
            .field("expires_at", .datetime, .required)
            .field("created_at", .datetime)
            .unique(on: "key_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StoredSession.schema).delete()
    }
}

/// Stores sessions in the database under the digest of their cookie value. A request that
/// changes nothing in its session costs one read, not a write.
struct StoredSessionDriver: AsyncSessionDriver {
    static let lifetime: TimeInterval = 12 * 3600
    /// Expiry is pushed forward at most this often, to avoid a write per page view.
    static let renewAfter: TimeInterval = 15 * 60

    private struct Loaded: StorageKey {
        typealias Value = (id: SessionID, data: SessionData, expiresAt: Date)
    }

    func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
        let key = Secrets.make()
        let record = StoredSession(keyHash: Secrets.digest(key), data: data, expiresAt: Date().addingTimeInterval(Self.lifetime))
        try await record.create(on: request.db)
        return SessionID(string: key)
    }

    func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
        guard let record = try await StoredSession.query(on: request.db)
            .filter(\.$keyHash == Secrets.digest(sessionID.string))
            .first(), record.expiresAt > Date()
        else { return nil }
        request.storage[Loaded.self] = (sessionID, record.data, record.expiresAt)
        return record.data
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
        let now = Date()
        if let loaded = request.storage[Loaded.self], loaded.id.string == sessionID.string, loaded.data == data,
           loaded.expiresAt.timeIntervalSince(now) > Self.lifetime - Self.renewAfter {
            return sessionID
        }
        try await StoredSession.query(on: request.db)
            .filter(\.$keyHash == Secrets.digest(sessionID.string))
            .set(\.$data, to: data)
            .set(\.$expiresAt, to: now.addingTimeInterval(Self.lifetime))
            .update()
        return sessionID
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
        try await StoredSession.query(on: request.db)
            .filter(\.$keyHash == Secrets.digest(sessionID.string))
            .delete()
    }
}
