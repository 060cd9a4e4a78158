import Foundation
import Vapor
// SQLite's C API as sqlite-nio builds it (functions prefixed `sqlite_nio_`): the online
// backup API is not part of sqlite-nio's Swift interface.
import VaporCSQLite

/// `maillage backup --to FILE` and `maillage restore --from FILE` for the SQLite file, with
/// SQLite's online backup API: the copy is one read transaction of the source, so it is a
/// consistent snapshot even while the server goes on writing (WAL lets the writer continue).
enum SQLiteBackup {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Copies the live database at `source` into the new file `destination` (which must not
    /// exist), through a temporary file renamed once the copy is complete and checked.
    static func backup(from source: String, to destination: String) throws -> Summary {
        guard FileManager.default.fileExists(atPath: source) else {
            throw Failure(description: "Base introuvable : \(source).")
        }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw Failure(description: "Le fichier \(destination) existe déjà : choisissez un autre nom, une sauvegarde n'en écrase jamais une autre.")
        }
        let partial = destination + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            try copy(from: source, to: partial)
            let summary = try check(partial)
            try FileManager.default.moveItem(atPath: partial, toPath: destination)
            return summary
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// Replaces the database at `target` with the backup at `source`, after checking the
    /// backup. The database being replaced is first saved beside it (`keptAs`), so that a
    /// restore from the wrong file loses nothing. The server should be stopped: SQLite
    /// waits for its transactions, but pages it has cached would be stale.
    static func restore(from source: String, to target: String, now: Date = Date()) throws -> (summary: Summary, keptAs: String?) {
        guard FileManager.default.fileExists(atPath: source) else {
            throw Failure(description: "Sauvegarde introuvable : \(source).")
        }
        let summary = try check(source)
        var keptAs: String?
        if FileManager.default.fileExists(atPath: target) {
            let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
            let aside = target + ".avant-restauration-" + stamp
            try copy(from: target, to: aside)
            keptAs = aside
        }
        try copy(from: source, to: target)
        _ = try check(target)
        return (summary, keptAs)
    }

    /// What a checked backup holds, for the command's report.
    struct Summary: Sendable {
        var tables: Int
        var migrations: Int
        var bytes: Int
    }

    /// Opens `path` read-only and checks that it is an intact Maillage database.
    static func check(_ path: String) throws -> Summary {
        let db = try open(path, flags: SQLITE_OPEN_READONLY)
        defer { sqlite_nio_sqlite3_close(db) }
        let integrity = try firstColumn(db, "PRAGMA integrity_check")
        guard integrity == "ok" else {
            throw Failure(description: "\(path) est endommagé (integrity_check : \(integrity ?? "aucune réponse")).")
        }
        guard let tables = Int(try firstColumn(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? ""),
              try firstColumn(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_fluent_migrations'") == "1",
              let migrations = Int(try firstColumn(db, "SELECT count(*) FROM _fluent_migrations") ?? "")
        else {
            throw Failure(description: "\(path) n'est pas une base Maillage (table _fluent_migrations absente).")
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Summary(tables: tables, migrations: migrations, bytes: bytes)
    }

    /// The whole of `source` copied into `destination` in one step of the backup API (one
    /// read transaction of the source: a snapshot), retrying while the destination is busy.
    private static func copy(from source: String, to destination: String) throws {
        let from = try open(source, flags: SQLITE_OPEN_READONLY)
        defer { sqlite_nio_sqlite3_close(from) }
        let to = try open(destination, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        defer { sqlite_nio_sqlite3_close(to) }
        guard let backup = sqlite_nio_sqlite3_backup_init(to, "main", from, "main") else {
            throw Failure(description: "Copie impossible vers \(destination) : \(message(to)).")
        }
        var status: Int32
        repeat {
            status = sqlite_nio_sqlite3_backup_step(backup, -1)
            if status == SQLITE_BUSY || status == SQLITE_LOCKED { sqlite_nio_sqlite3_sleep(50) }
        } while status == SQLITE_OK || status == SQLITE_BUSY || status == SQLITE_LOCKED
        let finished = sqlite_nio_sqlite3_backup_finish(backup)
        guard status == SQLITE_DONE, finished == SQLITE_OK else {
            throw Failure(description: "Copie interrompue vers \(destination) : \(message(to)).")
        }
    }

    private static func open(_ path: String, flags: Int32) throws -> OpaquePointer {
        var handle: OpaquePointer?
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let reason = handle.map(message) ?? "code \(status)"
            sqlite_nio_sqlite3_close(handle)
            throw Failure(description: "Impossible d'ouvrir \(path) : \(reason).")
        }
        // The server's transactions are short: wait for them rather than fail.
        sqlite_nio_sqlite3_busy_timeout(handle, 10_000)
        return handle
    }

    private static func firstColumn(_ db: OpaquePointer, _ sql: String) throws -> String? {
        var statement: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            throw Failure(description: "Lecture impossible : \(message(db)).")
        }
        defer { sqlite_nio_sqlite3_finalize(statement) }
        let status = sqlite_nio_sqlite3_step(statement)
        if status == SQLITE_DONE { return nil }
        guard status == SQLITE_ROW else { throw Failure(description: "Lecture impossible : \(message(db)).") }
        return sqlite_nio_sqlite3_column_text(statement, 0).map { String(cString: $0) }
    }

    private static func message(_ db: OpaquePointer?) -> String {
        sqlite_nio_sqlite3_errmsg(db).map { String(cString: $0) } ?? "erreur inconnue"
    }
}

/// `maillage backup --to FILE`.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "to", help: "The new file to write the snapshot to") var to: String?
    }

    var help: String { "Writes a consistent snapshot of the SQLite database to a new file, while the server runs." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let path = try sqlitePath()
        guard let destination = signature.to, !destination.isEmpty else { throw CommandFailure("Indiquez le fichier de sauvegarde : --to FICHIER.") }
        do {
            let summary = try await context.application.threadPool.runIfActive { try SQLiteBackup.backup(from: path, to: destination) }
            context.console.print("Sauvegarde écrite : \(destination) (\(summary.tables) tables, \(summary.migrations) migrations, \(summary.bytes) octets, intégrité vérifiée).")
        } catch let failure as SQLiteBackup.Failure {
            throw CommandFailure(failure.description)
        }
    }
}

/// `maillage restore --from FILE`.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "from", help: "The backup file to restore") var from: String?
    }

    var help: String { "Replaces the SQLite database with a backup (stop the server first); the current database is kept beside it." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let path = try sqlitePath()
        guard let source = signature.from, !source.isEmpty else { throw CommandFailure("Indiquez la sauvegarde à restaurer : --from FICHIER.") }
        do {
            let (summary, keptAs) = try await context.application.threadPool.runIfActive { try SQLiteBackup.restore(from: source, to: path) }
            if let keptAs { context.console.print("Base remplacée gardée dans : \(keptAs).") }
            context.console.print("Base restaurée depuis \(source) (\(summary.tables) tables, \(summary.migrations) migrations, intégrité vérifiée). Redémarrez le serveur : il appliquera les migrations plus récentes que la sauvegarde.")
        } catch let failure as SQLiteBackup.Failure {
            throw CommandFailure(failure.description)
        }
    }
}

private func sqlitePath() throws -> String {
    switch DatabaseChoice.fromEnvironment() {
    case .sqliteFile(let path): return path
    case .postgres, .sqliteMemory:
        throw CommandFailure("Avec PostgreSQL, sauvegardez avec pg_dump et restaurez avec pg_restore (voir docs/OPERATIONS.md).")
    }
}
