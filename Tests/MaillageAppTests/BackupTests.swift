import Fluent
import Foundation
@testable import MaillageApp
import Testing
import VaporTesting

/// `maillage backup` / `restore` on a SQLite file, while the server writes.
@Suite struct BackupTests {
    /// Appends audit events one transaction at a time and remembers the acknowledged ones.
    actor Writer {
        private(set) var acknowledged: [UUID] = []
        private var running = true

        func stop() { running = false }
        var isRunning: Bool { running }
        func acknowledge(_ id: UUID) { acknowledged.append(id) }
    }

    private static func write(_ db: any Database, writer: Writer) async throws {
        var n = 0
        while await writer.isRunning {
            let event = AuditEvent()
            event.occurredAt = Date()
            event.action = "test.write"
            event.entityType = "backup-test"
            event.details = "écriture \(n)"
            try await event.create(on: db)
            await writer.acknowledge(event.id!)
            n += 1
        }
    }

    @Test func aBackupTakenWhileTheServerWritesHoldsEverythingAcknowledgedBeforeItAndRestores() async throws {
        TestEnvironment.prepare()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("maillage-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let live = directory.appendingPathComponent("maillage.sqlite").path
        let snapshot = directory.appendingPathComponent("sauvegarde.sqlite").path

        // The server: a file database with the demo, and a writer that never pauses.
        let app = try await Application.make(.testing)
        try await configure(app, options: MaillageOptions(database: .sqliteFile(path: live)))
        try await app.autoMigrate()
        try await DemoData.load(on: app.db)
        let writer = Writer()
        let writing = Task { try await Self.write(app.db, writer: writer) }
        while await writer.acknowledged.count < 20 { try await Task.sleep(for: .milliseconds(5)) }

        let beforeBackup = Set(await writer.acknowledged)
        let summary = try await app.threadPool.runIfActive { try SQLiteBackup.backup(from: live, to: snapshot) }
        let afterBackup = await writer.acknowledged.count
        // Go on writing after the snapshot: those rows must not be in it.
        while await writer.acknowledged.count < afterBackup + 20 { try await Task.sleep(for: .milliseconds(5)) }
        await writer.stop()
        try await writing.value
        let everything = await writer.acknowledged
        let users = try await User.query(on: app.db).count()
        try await app.asyncShutdown()

        #expect(summary.migrations > 10)
        #expect(summary.bytes > 0)
        #expect(everything.count >= beforeBackup.count + 20)
        // Writing a second backup over the first is refused.
        #expect(throws: SQLiteBackup.Failure.self) { try SQLiteBackup.backup(from: live, to: snapshot) }

        // Restore over the live file (server stopped): the previous database is kept aside.
        let restored = try SQLiteBackup.restore(from: snapshot, to: live)
        let keptAs = try #require(restored.keptAs)
        #expect(try SQLiteBackup.check(keptAs).tables == summary.tables)

        let reopened = try await Application.make(.testing)
        do {
            try await configure(reopened, options: MaillageOptions(database: .sqliteFile(path: live)))
            let written = try await AuditEvent.query(on: reopened.db).filter(\.$action == "test.write").all()
            let ids = Set(written.compactMap(\.id))
            #expect(beforeBackup.isSubset(of: ids), "\(beforeBackup.subtracting(ids).count) écritures acquittées avant la sauvegarde manquent")
            // A snapshot, not a torn copy: what it holds is exactly a prefix of the writes.
            let order = Dictionary(uniqueKeysWithValues: everything.enumerated().map { ($1, $0) })
            let positions = ids.compactMap { order[$0] }.sorted()
            #expect(positions == Array(0..<positions.count))
            #expect(ids.count < everything.count)
            #expect(try await User.query(on: reopened.db).count() == users)
            // The kept database still holds every write.
            #expect(try SQLiteBackup.check(keptAs).migrations == summary.migrations)
        } catch {
            try? await reopened.asyncShutdown()
            throw error
        }
        try await reopened.asyncShutdown()
    }

    @Test func restoreRefusesAFileThatIsNotAMaillageDatabase() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("maillage-restore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bogus = directory.appendingPathComponent("pas-une-base.sqlite").path
        try Data("Ceci n'est pas une base SQLite, mais un texte assez long pour en avoir l'air.".utf8).write(to: URL(fileURLWithPath: bogus))
        let target = directory.appendingPathComponent("maillage.sqlite").path
        #expect(throws: SQLiteBackup.Failure.self) { try SQLiteBackup.restore(from: bogus, to: target) }
        #expect(throws: SQLiteBackup.Failure.self) { try SQLiteBackup.restore(from: directory.appendingPathComponent("absente.sqlite").path, to: target) }
        // Nothing was written where the database would be.
        #expect(!FileManager.default.fileExists(atPath: target))
    }
}
