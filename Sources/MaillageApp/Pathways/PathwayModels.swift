import Fluent
import Foundation
import MaillageCore
import SQLKit
import Vapor

/// A resident referred to the cooperative. Only what the pathway needs is kept: no income,
/// no document.
final class Person: Model, @unchecked Sendable {
    static let schema = "persons"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "first_name") var firstName: String
    @Field(key: "last_name") var lastName: String
    @OptionalField(key: "birth_year") var birthYear: Int?
    @OptionalField(key: "contact") var contact: String?
    @OptionalField(key: "commune") var commune: String?
    @OptionalField(key: "qpv_code") var qpvCode: String?
    @OptionalField(key: "situation_at_entry") var situationAtEntry: String?
    @OptionalField(key: "education_level") var educationLevel: String?
    @Field(key: "last_contact_at") var lastContactAt: Date
    /// The cooperant's account, once the coordination has linked it: they then see their file.
    @OptionalField(key: "user_id") var userID: UUID?
    /// Set when the person's identity was erased (on request, or after 2 years without contact).
    @OptionalField(key: "anonymised_at") var anonymisedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var fullName: String { "\(firstName) \(lastName)" }
}

/// An orientation from a partner organisation, with the person's consent.
final class Referral: Model, @unchecked Sendable {
    static let schema = "referrals"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Parent(key: "person_id") var person: Person
    @OptionalField(key: "referrer_user_id") var referrerUserID: UUID?
    @Field(key: "referrer_label") var referrerLabel: String
    /// The referrer's organisation and its kind when the referral was sent (see `CreatePartnerMembers`).
    @OptionalField(key: "referrer_partner_id") var referrerPartnerID: UUID?
    @OptionalField(key: "referrer_kind") var referrerKind: String?
    @Field(key: "status") var status: String
    @Field(key: "reason") var reason: String
    @Field(key: "barriers") var barriers: [String]
    @OptionalField(key: "preferred_contact") var preferredContact: String?
    @Field(key: "consent_date") var consentDate: Date
    @Field(key: "consent_purpose") var consentPurpose: String
    @OptionalField(key: "refusal_reason") var refusalReason: String?
    @Field(key: "share_reason") var shareReason: Bool
    @Field(key: "status_changed_at") var statusChangedAt: Date
    @OptionalField(key: "pathway_id") var pathwayID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var referralStatus: ReferralStatus { ReferralStatus(rawValue: status) ?? .sent }
}

/// One step of a referral's workflow: who moved it, when, from where to where.
final class ReferralTransition: Model, @unchecked Sendable {
    static let schema = "referral_transitions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "referral_id") var referral: Referral
    @Field(key: "from_status") var fromStatus: String
    @Field(key: "to_status") var toStatus: String
    @OptionalField(key: "author_user_id") var authorUserID: UUID?
    @Field(key: "author_label") var authorLabel: String
    @OptionalField(key: "reason") var reason: String?
    @Field(key: "occurred_at") var occurredAt: Date

    init() {}
}

/// A person's journey in the cooperative, opened when their referral is accepted.
final class Pathway: Model, @unchecked Sendable {
    static let schema = "pathways"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Parent(key: "person_id") var person: Person
    @OptionalField(key: "referral_id") var referralID: UUID?
    @Field(key: "opened_on") var openedOn: Date
    @OptionalField(key: "exit_date") var exitDate: Date?
    @OptionalField(key: "exit_destination") var exitDestination: String?
    @OptionalField(key: "exit_category") var exitCategory: String?
    @OptionalField(key: "follow_up_due") var followUpDue: Date?
    /// The professional who accompanies the person; with the coordination, the only reader
    /// of the confidential notes.
    @OptionalField(key: "referent_user_id") var referentUserID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

struct CreatePathwayTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Person.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("first_name", .string, .required)
            .field("last_name", .string, .required)
            .field("birth_year", .int)
            .field("contact", .string)
            .field("commune", .string)
            .field("qpv_code", .string)
            .field("situation_at_entry", .string)
            .field("education_level", .string)
            .field("last_contact_at", .datetime, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(Referral.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("person_id", .uuid, .required, .references(Person.schema, "id", onDelete: .cascade))
            .field("referrer_user_id", .uuid, .references(User.schema, "id", onDelete: .setNull))
            .field("referrer_label", .string, .required)
            .field("status", .string, .required)
            .field("reason", .string, .required)
            .field("barriers", .array(of: .string), .required)
            .field("preferred_contact", .string)
            .field("consent_date", .datetime, .required)
            .field("consent_purpose", .string, .required)
            .field("refusal_reason", .string)
            .field("share_reason", .bool, .required)
            .field("status_changed_at", .datetime, .required)
            .field("pathway_id", .uuid)
            .field("created_at", .datetime)
            .create()
        try await database.schema(ReferralTransition.schema)
            .id()
            .field("referral_id", .uuid, .required, .references(Referral.schema, "id", onDelete: .cascade))
            .field("from_status", .string, .required)
            .field("to_status", .string, .required)
            .field("author_user_id", .uuid)
            .field("author_label", .string, .required)
            .field("reason", .string)
            .field("occurred_at", .datetime, .required)
            .create()
        try await database.schema(Pathway.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("person_id", .uuid, .required, .references(Person.schema, "id", onDelete: .cascade))
            .field("referral_id", .uuid, .references(Referral.schema, "id", onDelete: .setNull))
            .field("opened_on", .datetime, .required)
            .field("exit_date", .datetime)
            .field("exit_destination", .string)
            .field("exit_category", .string)
            .field("follow_up_due", .datetime)
            .field("created_at", .datetime)
            .unique(on: "referral_id")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "referrals_coop_status").on(Referral.schema).column("cooperative_id").column("status").run()
            try await sql.create(index: "pathways_coop").on(Pathway.schema).column("cooperative_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Pathway.schema).delete()
        try await database.schema(ReferralTransition.schema).delete()
        try await database.schema(Referral.schema).delete()
        try await database.schema(Person.schema).delete()
    }
}
