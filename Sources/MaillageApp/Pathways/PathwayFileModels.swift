import Fluent
import Foundation
import MaillageCore
import SQLKit
import Vapor

// The parts of a person's file beyond entry data and barriers: plan, agenda, notes, skills,
// trainings and hours. Enums are stored as their raw strings.

/// An objective of the plan, under a focus (axe de travail).
final class Objective: Model, @unchecked Sendable {
    static let schema = "pathway_objectives"

    @ID(key: .id) var id: UUID?
    @Parent(key: "pathway_id") var pathway: Pathway
    @Field(key: "focus") var focus: String
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "author_label") var authorLabel: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Children(for: \.$objective) var actions: [PlanAction]

    init() {}
}

/// A step toward an objective.
final class PlanAction: Model, @unchecked Sendable {
    static let schema = "pathway_actions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "objective_id") var objective: Objective
    @Field(key: "label") var label: String
    @Field(key: "status") var status: String
    @Field(key: "status_changed_at") var statusChangedAt: Date
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// An individual appointment, a workshop, or a session of a training. `startsAt` is the
/// Paris time as typed (`2026-11-26T14:00`, sortable as text); `day` its day, for periods.
final class Appointment: Model, @unchecked Sendable {
    static let schema = "appointments"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "starts_at") var startsAt: String
    @Field(key: "day") var day: Date
    @Field(key: "duration_minutes") var durationMinutes: Int
    @OptionalField(key: "place") var place: String?
    @OptionalField(key: "training_id") var trainingID: UUID?
    @Field(key: "author_label") var authorLabel: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Children(for: \.$appointment) var attendances: [Attendance]

    init() {}

    var localStart: LocalDateTime? { LocalDateTime(startsAt) }
}

/// One person's line on an appointment's sign-in sheet.
final class Attendance: Model, @unchecked Sendable {
    static let schema = "attendances"

    @ID(key: .id) var id: UUID?
    @Parent(key: "appointment_id") var appointment: Appointment
    @Parent(key: "pathway_id") var pathway: Pathway
    @Field(key: "status") var status: String

    init() {}
}

/// A confidential accompaniment note: the coordination and the person's referent only.
final class PathwayNote: Model, @unchecked Sendable {
    static let schema = "pathway_notes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "pathway_id") var pathway: Pathway
    @Field(key: "body") var body: String
    @OptionalField(key: "author_user_id") var authorUserID: UUID?
    @Field(key: "author_label") var authorLabel: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// A line of the cooperative's competence grid.
final class Competence: Model, @unchecked Sendable {
    static let schema = "competences"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "label") var label: String
    @Field(key: "position") var position: Int
    @Field(key: "active") var active: Bool

    init() {}
}

/// A dated assessment of one competence, by the coordination or by the cooperant.
final class SkillAssessment: Model, @unchecked Sendable {
    static let schema = "skill_assessments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "pathway_id") var pathway: Pathway
    @Parent(key: "competence_id") var competence: Competence
    @Field(key: "source") var source: String
    @Field(key: "level") var level: String
    @Field(key: "assessed_on") var assessedOn: Date
    @Field(key: "author_label") var authorLabel: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// A training, whose sessions are appointments of kind `training_session`.
final class Training: Model, @unchecked Sendable {
    static let schema = "trainings"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "title") var title: String
    @OptionalField(key: "provider") var provider: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// A person taking a training, with the end evaluation and satisfaction.
final class TrainingEnrolment: Model, @unchecked Sendable {
    static let schema = "training_enrolments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "training_id") var training: Training
    @Parent(key: "pathway_id") var pathway: Pathway
    @OptionalField(key: "evaluation") var evaluation: String?
    @OptionalField(key: "satisfaction") var satisfaction: Int?
    @OptionalField(key: "comment") var comment: String?

    init() {}
}

/// Hours worked in the activity, one week and one role.
final class WorkHoursEntry: Model, @unchecked Sendable {
    static let schema = "work_hours"

    @ID(key: .id) var id: UUID?
    @Parent(key: "pathway_id") var pathway: Pathway
    @Field(key: "week") var week: Date
    @Field(key: "role") var role: String
    @Field(key: "minutes") var minutes: Int
    @Field(key: "status") var status: String
    @Field(key: "entered_by_label") var enteredByLabel: String
    @OptionalField(key: "validated_by_label") var validatedByLabel: String?
    @OptionalField(key: "validated_at") var validatedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var hours: Double { Double(minutes) / 60 }
}

struct CreatePathwayFileTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // SQLite adds one column per ALTER TABLE.
        try await database.schema(Person.schema).field("user_id", .uuid).update()
        try await database.schema(Person.schema).field("anonymised_at", .datetime).update()
        try await database.schema(Pathway.schema)
            .field("referent_user_id", .uuid)
            .update()
        try await database.schema(Objective.schema)
            .id()
            .field("pathway_id", .uuid, .required, .references(Pathway.schema, "id", onDelete: .cascade))
            .field("focus", .string, .required)
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("author_label", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(PlanAction.schema)
            .id()
            .field("objective_id", .uuid, .required, .references(Objective.schema, "id", onDelete: .cascade))
            .field("label", .string, .required)
            .field("status", .string, .required)
            .field("status_changed_at", .datetime, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(Training.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("title", .string, .required)
            .field("provider", .string)
            .field("created_at", .datetime)
            .create()
        try await database.schema(Appointment.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("starts_at", .string, .required)
            .field("day", .datetime, .required)
            .field("duration_minutes", .int, .required)
            .field("place", .string)
            .field("training_id", .uuid, .references(Training.schema, "id", onDelete: .cascade))
            .field("author_label", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(Attendance.schema)
            .id()
            .field("appointment_id", .uuid, .required, .references(Appointment.schema, "id", onDelete: .cascade))
            .field("pathway_id", .uuid, .required, .references(Pathway.schema, "id", onDelete: .cascade))
            .field("status", .string, .required)
            .unique(on: "appointment_id", "pathway_id")
            .create()
        try await database.schema(PathwayNote.schema)
            .id()
            .field("pathway_id", .uuid, .required, .references(Pathway.schema, "id", onDelete: .cascade))
            .field("body", .string, .required)
            .field("author_user_id", .uuid)
            .field("author_label", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(Competence.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("label", .string, .required)
            .field("position", .int, .required)
            .field("active", .bool, .required)
            .unique(on: "cooperative_id", "label")
            .create()
        try await database.schema(SkillAssessment.schema)
            .id()
            .field("pathway_id", .uuid, .required, .references(Pathway.schema, "id", onDelete: .cascade))
            .field("competence_id", .uuid, .required, .references(Competence.schema, "id"))
            .field("source", .string, .required)
            .field("level", .string, .required)
            .field("assessed_on", .datetime, .required)
            .field("author_label", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(TrainingEnrolment.schema)
            .id()
            .field("training_id", .uuid, .required, .references(Training.schema, "id", onDelete: .cascade))
            .field("pathway_id", .uuid, .required, .references(Pathway.schema, "id", onDelete: .cascade))
            .field("evaluation", .string)
            .field("satisfaction", .int)
            .field("comment", .string)
            .unique(on: "training_id", "pathway_id")
            .create()
        try await database.schema(WorkHoursEntry.schema)
            .id()
            .field("pathway_id", .uuid, .required, .references(Pathway.schema, "id", onDelete: .cascade))
            .field("week", .datetime, .required)
            .field("role", .string, .required)
            .field("minutes", .int, .required)
            .field("status", .string, .required)
            .field("entered_by_label", .string, .required)
            .field("validated_by_label", .string)
            .field("validated_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "pathway_id", "week", "role")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "appointments_coop_start").on(Appointment.schema).column("cooperative_id").column("starts_at").run()
            try await sql.create(index: "attendances_pathway").on(Attendance.schema).column("pathway_id").run()
            try await sql.create(index: "persons_user").on(Person.schema).column("user_id").run()
            try await sql.create(index: "persons_last_contact").on(Person.schema).column("last_contact_at").run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [WorkHoursEntry.schema, TrainingEnrolment.schema, SkillAssessment.schema, Competence.schema, PathwayNote.schema,
                       Attendance.schema, Appointment.schema, Training.schema, PlanAction.schema, Objective.schema] {
            try await database.schema(schema).delete()
        }
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: "persons_user").run()
            try await sql.drop(index: "persons_last_contact").run()
        }
        try await database.schema(Pathway.schema).deleteField("referent_user_id").update()
        try await database.schema(Person.schema).deleteField("anonymised_at").update()
        try await database.schema(Person.schema).deleteField("user_id").update()
    }
}
