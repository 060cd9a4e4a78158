import Fluent
import Foundation
import MaillageCore
import SQLKit

/// A general assembly: its kind and convocation, when and where, its agenda and bureau; once
/// its minutes are locked, nothing in it changes again.
final class Assembly: Model, @unchecked Sendable {
    static let schema = "assemblies"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "convocation") var convocation: String
    @Field(key: "held_on") var heldOn: Date
    /// `18:30`, when known.
    @OptionalField(key: "time") var time: String?
    @OptionalField(key: "place") var place: String?
    @OptionalField(key: "remote_link") var remoteLink: String?
    /// One item per line.
    @Field(key: "agenda") var agenda: String
    @OptionalField(key: "convened_on") var convenedOn: Date?
    @OptionalField(key: "chair") var chair: String?
    @OptionalField(key: "secretary") var secretary: String?
    /// One teller per line.
    @OptionalField(key: "tellers") var tellers: String?
    /// The minutes as generated when they were locked (an HTML fragment); the assembly is
    /// frozen from then on.
    @OptionalField(key: "minutes_html") var minutesHTML: String?
    @OptionalField(key: "locked_at") var lockedAt: Date?
    /// What the results were computed from when the minutes were locked (JSON of
    /// `AssemblySnapshot`): later changes to the statutes or the members do not move them.
    @OptionalField(key: "snapshot_json") var snapshotJSON: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var snapshot: AssemblySnapshot? {
        snapshotJSON.flatMap { try? JSONDecoder().decode(AssemblySnapshot.self, from: Data($0.utf8)) }
    }

    var assemblyKind: AssemblyKind { AssemblyKind(rawValue: kind) ?? .ordinary }
    var assemblyConvocation: Convocation { Convocation(rawValue: convocation) ?? .first }
    var day: CalendarDay { CalendarDay(date: heldOn) }
    var agendaItems: [String] { agenda.split(separator: "\n").map(String.init) }
    var tellerNames: [String] { (tellers ?? "").split(separator: "\n").map(String.init) }
    var isLocked: Bool { lockedAt != nil }
}

/// The inputs of an assembly's results that live outside it, frozen at the lock.
struct AssemblySnapshot: Codable, Sendable {
    var rules: AssemblyRules
    var collegesEnabled: Bool
    var colleges: [CollegeWeight]
    /// The members who had a vote that day, and the college of each who had one.
    var eligible: Set<UUID>
    var memberColleges: [UUID: UUID]

    var membersWithVote: Int { eligible.count }
}

/// How a member took part in an assembly; a represented member names the member present who
/// carries their proxy.
final class AssemblyAttendance: Model, @unchecked Sendable {
    static let schema = "assembly_attendances"

    @ID(key: .id) var id: UUID?
    @Field(key: "assembly_id") var assemblyID: UUID
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "mode") var mode: String
    @OptionalField(key: "proxy_holder_id") var proxyHolderID: UUID?
    @Field(key: "recorded_at") var recordedAt: Date

    init() {}

    var attendanceMode: AttendanceMode { AttendanceMode(rawValue: mode) ?? .present }
}

/// A resolution put to the assembly's vote, numbered in the agenda's order.
final class Resolution: Model, @unchecked Sendable {
    static let schema = "resolutions"

    @ID(key: .id) var id: UUID?
    @Field(key: "assembly_id") var assemblyID: UUID
    @Field(key: "number") var number: Int
    @Field(key: "title") var title: String
    @Field(key: "text") var text: String
    /// `ordinary`, `extraordinary` or a fraction (`3/4`).
    @Field(key: "majority") var majority: String
    @OptionalField(key: "closed_at") var closedAt: Date?

    init() {}

    var resolutionMajority: ResolutionMajority { ResolutionMajority(majority) ?? .ordinary }
    var isClosed: Bool { closedAt != nil }
}

/// One member's vote on a resolution; a second vote replaces the first until the resolution
/// closes.
final class ResolutionVote: Model, @unchecked Sendable {
    static let schema = "resolution_votes"

    @ID(key: .id) var id: UUID?
    @Field(key: "resolution_id") var resolutionID: UUID
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "choice") var choice: String
    /// Who typed it: the member themselves, their proxy holder, or the secretary.
    @Field(key: "recorded_by") var recordedBy: String
    @Field(key: "recorded_at") var recordedAt: Date

    init() {}
}

struct CreateAssemblies: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // A member may have an account, to vote from their phone.
        try await database.schema(Member.schema).field("user_id", .uuid).update()
        try await database.schema(Assembly.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("kind", .string, .required)
            .field("convocation", .string, .required)
            .field("held_on", .datetime, .required)
            .field("time", .string)
            .field("place", .string)
            .field("remote_link", .string)
            .field("agenda", .string, .required)
            .field("convened_on", .datetime)
            .field("chair", .string)
            .field("secretary", .string)
            .field("tellers", .string)
            .field("minutes_html", .string)
            .field("locked_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await database.schema(AssemblyAttendance.schema)
            .id()
            .field("assembly_id", .uuid, .required, .references(Assembly.schema, "id"))
            .field("member_id", .uuid, .required, .references(Member.schema, "id"))
            .field("mode", .string, .required)
            .field("proxy_holder_id", .uuid, .references(Member.schema, "id"))
            .field("recorded_at", .datetime, .required)
            .unique(on: "assembly_id", "member_id")
            .create()
        try await database.schema(Resolution.schema)
            .id()
            .field("assembly_id", .uuid, .required, .references(Assembly.schema, "id"))
            .field("number", .int, .required)
            .field("title", .string, .required)
            .field("text", .string, .required)
            .field("majority", .string, .required)
            .field("closed_at", .datetime)
            .unique(on: "assembly_id", "number")
            .create()
        try await database.schema(ResolutionVote.schema)
            .id()
            .field("resolution_id", .uuid, .required, .references(Resolution.schema, "id"))
            .field("member_id", .uuid, .required, .references(Member.schema, "id"))
            .field("choice", .string, .required)
            .field("recorded_by", .string, .required)
            .field("recorded_at", .datetime, .required)
            // One vote per member and resolution: a second replaces the first.
            .unique(on: "resolution_id", "member_id")
            .create()
        try await database.schema(OutboxMessage.schema)
            .id()
            .field("cooperative_id", .uuid, .references(Cooperative.schema, "id"))
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime)
            .field("sent_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [OutboxMessage.schema, ResolutionVote.schema, Resolution.schema, AssemblyAttendance.schema, Assembly.schema] {
            try await database.schema(schema).delete()
        }
        try await database.schema(Member.schema).deleteField("user_id").update()
    }
}

/// The locked assemblies' frozen inputs, and one account per member of a cooperative.
struct AddGovernanceSnapshots: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Assembly.schema).field("snapshot_json", .string).update()
        // A unique index, which both databases add to an existing table (rows without an
        // account are NULL, and NULLs never collide).
        if let sql = database as? any SQLDatabase {
            try await sql.raw("CREATE UNIQUE INDEX members_account ON members (cooperative_id, user_id)").run()
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.raw("DROP INDEX members_account").run() }
        try await database.schema(Assembly.schema).deleteField("snapshot_json").update()
    }
}
