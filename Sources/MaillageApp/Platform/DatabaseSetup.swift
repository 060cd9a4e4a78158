import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// Which database Maillage runs on. SQLite is the embedded default; PostgreSQL serves
/// deployments with several app instances.
public enum DatabaseChoice: Sendable, Equatable {
    case sqliteFile(path: String)
    case sqliteMemory
    /// `schema` isolates a run (each test gets its own) inside one PostgreSQL database.
    case postgres(url: String, schema: String?)

    /// `DATABASE_URL=postgres://…` selects PostgreSQL; otherwise the SQLite file at
    /// `MAILLAGE_DB_PATH` (default `data/maillage.sqlite`).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> DatabaseChoice {
        if let url = environment["DATABASE_URL"], url.hasPrefix("postgres") {
            return .postgres(url: url, schema: nil)
        }
        return .sqliteFile(path: environment["MAILLAGE_DB_PATH"] ?? "data/maillage.sqlite")
    }

    var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }
}

enum DatabaseSetup {
    static func use(_ choice: DatabaseChoice, on app: Application) throws {
        switch choice {
        case .sqliteFile(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            app.databases.use(.sqlite(.file(path), sqlLogLevel: nil), as: .sqlite)
            app.sqliteWriteGate = WriteGate()
        case .sqliteMemory:
            app.databases.use(.sqlite(.memory, sqlLogLevel: nil), as: .sqlite)
            app.sqliteWriteGate = WriteGate()
        case .postgres(let url, let schema):
            var configuration = try SQLPostgresConfiguration(url: url)
            if let schema { configuration.searchPath = [schema] }
            app.databases.use(
                .postgres(configuration: configuration, maxConnectionsPerEventLoop: 4, connectionPoolTimeout: .seconds(10), sqlLogLevel: .debug),
                as: .psql
            )
            app.loginGate = WriteGate()
        }
    }

    /// Settings that belong to the database file rather than to a connection: WAL lets
    /// readers go on while a sale is written, and survives a crash of the process.
    static func prepare(_ choice: DatabaseChoice, on app: Application) async throws {
        guard let sql = app.db as? any SQLDatabase else { return }
        switch choice {
        case .sqliteFile:
            try await sql.raw("PRAGMA journal_mode=WAL").run()
            // One writer at a time: sqlite-nio's busy handler retries at once, so a connection
            // waiting for the write lock spins on a CPU the lock's holder needs (the till fell
            // to a tenth of its rate under 32 clients). A busy timeout makes it sleep and retry
            // (1, 2, 5, 10… ms) instead. It is a connection's setting: each event loop's pool
            // holds one connection, so it is set through each.
            for eventLoop in app.eventLoopGroup.makeIterator() {
                guard let connection = app.databases.database(logger: app.logger, on: eventLoop) as? any SQLDatabase else { continue }
                try await connection.raw("PRAGMA busy_timeout = 10000").run()
                // 16 MB of pages per connection rather than 2: a network's indicators read the
                // same index pages again for each cooperative, and each miss is a pread.
                try await connection.raw("PRAGMA cache_size = -16000").run()
            }
        case .postgres(_, let schema?):
            try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
        default:
            break
        }
    }

    /// Removes a test run's schema and everything in it.
    static func dropSchema(_ schema: String, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
    }

    /// A cheap round trip that proves the database answers, for `/healthz`.
    static func ping(_ db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("SELECT 1").run()
    }
}

/// SQLite lets one transaction write at a time. Writes that would wait for each other inside
/// SQLite (sleeping and retrying the lock) wait here instead, in turn: under the till's load the
/// transaction that holds the lock is not slowed by the others' retries. PostgreSQL locks rows
/// and needs none of this.
actor WriteGate {
    /// Set while a task holds a gate: a write inside a request already in its turn (the till's
    /// idempotent write inside a form's POST) goes straight on instead of waiting for itself.
    @TaskLocal static var isHeld = false

    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    private func enter() async {
        if held { await withCheckedContinuation { waiting.append($0) } } else { held = true }
    }

    /// The next writer gets the gate as it is left (it stays held).
    private func leave() {
        if waiting.isEmpty { held = false } else { waiting.removeFirst().resume() }
    }

    nonisolated func serialize<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        if Self.isHeld { return try await work() }
        await enter()
        do {
            let result = try await Self.$isHeld.withValue(true) { try await work() }
            await leave()
            return result
        } catch {
            await leave()
            throw error
        }
    }
}

/// On SQLite, every request that may write takes its turn at the write gate: in WAL mode a
/// transaction that read before another one committed cannot write any more ("database is
/// locked", at once, whatever the busy timeout), so ten people accepting one invitation
/// together got 500s. Waiting in turn costs nothing SQLite would not make them wait anyway.
/// The login is left out: it takes its turn only for its count (the password check is slow).
struct SQLiteWriteTurnMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let gate = request.application.sqliteWriteGate,
              ![.GET, .HEAD, .OPTIONS].contains(request.method),
              request.url.path != "/login" else {
            return try await next.respond(to: request)
        }
        return try await gate.serialize { try await next.respond(to: request) }
    }
}

extension DatabaseError {
    /// Two writers in each other's way: SQLite's busy or locked database, PostgreSQL's
    /// serialization failure, deadlock or lock not available. The user may simply try again.
    var isContention: Bool {
        if let sqlite = self as? SQLiteError {
            switch sqlite.reason {
            case .busy, .locked, .busyInRecovery, .busyInSnapshot, .busyTimeout, .lockedBySharedCache: return true
            default: return false
            }
        }
        if let postgres = self as? PSQLError, let state = postgres.serverInfo?[.sqlState] {
            return ["40001", "40P01", "55P03"].contains(state)
        }
        return false
    }
}

extension Application {
    private struct WriteGateKey: StorageKey { typealias Value = WriteGate }

    /// Set for an SQLite database (`DatabaseSetup.use`), nil for PostgreSQL.
    var sqliteWriteGate: WriteGate? {
        get { storage[WriteGateKey.self] }
        set { storage[WriteGateKey.self] = newValue }
    }

    private struct LoginGateKey: StorageKey { typealias Value = WriteGate }

    /// Where login attempts count in turn inside this instance: the write gate on SQLite, a
    /// gate of their own on PostgreSQL (where advisory locks order the instances), so that
    /// forty attempts at once wait in memory, not each holding a pooled connection.
    var loginGate: WriteGate? {
        get { storage[LoginGateKey.self] ?? sqliteWriteGate }
        set { storage[LoginGateKey.self] = newValue }
    }
}
