import Fluent
import Foundation
import MaillageCore
import SQLKit

/// The statutes' governance settings of a cooperative: colleges on or off, proxies, quorum and
/// majority when the statutes depart from the Code de commerce.
final class Statutes: Model, @unchecked Sendable {
    static let schema = "statutes"

    @ID(custom: "cooperative_id", generatedBy: .user) var id: UUID?
    @Field(key: "colleges_enabled") var collegesEnabled: Bool
    @Field(key: "max_proxies") var maxProxies: Int
    @Field(key: "proxy_same_college") var proxySameCollege: Bool
    /// `1/5`, `none`, or nil for the Code de commerce's default.
    @OptionalField(key: "ordinary_first_quorum") var ordinaryFirstQuorum: String?
    @OptionalField(key: "ordinary_second_quorum") var ordinarySecondQuorum: String?
    @OptionalField(key: "extraordinary_first_quorum") var extraordinaryFirstQuorum: String?
    @OptionalField(key: "extraordinary_second_quorum") var extraordinarySecondQuorum: String?
    @OptionalField(key: "ordinary_majority") var ordinaryMajority: String?
    @OptionalField(key: "extraordinary_majority") var extraordinaryMajority: String?

    init() {}

    /// The rules in force: the statutes' where they say, the Code de commerce's otherwise.
    var rules: AssemblyRules {
        let base = AssemblyRules.codeDeCommerce
        func quorum(_ stored: String?, _ fallback: Fraction?) -> Fraction? {
            guard let stored else { return fallback }
            return stored == "none" ? nil : FractionText.parse(stored) ?? fallback
        }
        return AssemblyRules(ordinaryFirstQuorum: quorum(ordinaryFirstQuorum, base.ordinaryFirstQuorum),
                             ordinarySecondQuorum: quorum(ordinarySecondQuorum, base.ordinarySecondQuorum),
                             extraordinaryFirstQuorum: quorum(extraordinaryFirstQuorum, base.extraordinaryFirstQuorum),
                             extraordinarySecondQuorum: quorum(extraordinarySecondQuorum, base.extraordinarySecondQuorum),
                             ordinaryMajority: ordinaryMajority.flatMap(FractionText.parse) ?? base.ordinaryMajority,
                             extraordinaryMajority: extraordinaryMajority.flatMap(FractionText.parse) ?? base.extraordinaryMajority)
    }
}

/// `1/5` ↔ a fraction.
enum FractionText {
    static func parse(_ text: String) -> Fraction? {
        let parts = text.split(separator: "/").map { Int(String($0).trimmingWhitespace()) }
        guard parts.count == 2, let n = parts[0], let d = parts[1], n > 0, d > 0, n <= d, d <= 100 else { return nil }
        return Fraction(n, d)
    }
}

/// A category of associates (employees, beneficiaries, supporters…).
final class MemberCategory: Model, @unchecked Sendable {
    static let schema = "member_categories"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String

    init() {}

    var categoryKind: MemberCategoryKind { MemberCategoryKind(rawValue: kind) ?? .other }
}

/// A voting college and its weight.
final class VotingCollege: Model, @unchecked Sendable {
    static let schema = "voting_colleges"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "name") var name: String
    @Field(key: "weight_percent") var weightPercent: Int

    init() {}

    var weight: CollegeWeight { CollegeWeight(id: id!.uuidString, name: name, weightPercent: weightPercent) }
}

/// An associate (sociétaire): a person or an organisation with its representative, numbered
/// in the order of admission.
final class Member: Model, @unchecked Sendable {
    static let schema = "members"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "number") var number: Int
    @Field(key: "display_name") var displayName: String
    @Field(key: "kind") var kind: String
    @OptionalField(key: "representative") var representative: String?
    @Field(key: "category_id") var categoryID: UUID
    @OptionalField(key: "college_id") var collegeID: UUID?
    @OptionalField(key: "admitted_on") var admittedOn: Date?
    @OptionalField(key: "exited_on") var exitedOn: Date?
    @OptionalField(key: "exit_reason") var exitReason: String?
    @Field(key: "status") var status: String
    /// The member's account, when they have one: they vote from their phone with it.
    @OptionalField(key: "user_id") var userID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    func hadVote(on day: CalendarDay) -> Bool { VotingRight(status: status, admittedOn: admittedOn, exitedOn: exitedOn).hadVote(on: day) }
}

/// What says whether an associate had a vote on a day, read from a member's row.
struct VotingRight {
    var status: String
    var admittedOn: Date?
    var exitedOn: Date?

    /// Not a candidate, admitted by then, not gone before it (a member who left since still
    /// counted that day).
    func hadVote(on day: CalendarDay) -> Bool {
        status != MemberStatus.candidate.rawValue
            && (admittedOn.map { CalendarDay(date: $0) <= day } ?? (status == MemberStatus.member.rawValue))
            && (exitedOn.map { CalendarDay(date: $0) > day } ?? true)
    }
}

struct CreateGovernance: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Statutes.schema)
            .field("cooperative_id", .uuid, .identifier(auto: false), .references(Cooperative.schema, "id"))
            .field("colleges_enabled", .bool, .required)
            .field("max_proxies", .int, .required)
            .field("proxy_same_college", .bool, .required)
            .field("ordinary_first_quorum", .string)
            .field("ordinary_second_quorum", .string)
            .field("extraordinary_first_quorum", .string)
            .field("extraordinary_second_quorum", .string)
            .field("ordinary_majority", .string)
            .field("extraordinary_majority", .string)
            .create()
        try await database.schema(MemberCategory.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .unique(on: "cooperative_id", "name")
            .create()
        try await database.schema(VotingCollege.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("name", .string, .required)
            .field("weight_percent", .int, .required)
            .unique(on: "cooperative_id", "name")
            .create()
        try await database.schema(Member.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("number", .int, .required)
            .field("display_name", .string, .required)
            .field("kind", .string, .required)
            .field("representative", .string)
            .field("category_id", .uuid, .required, .references(MemberCategory.schema, "id"))
            .field("college_id", .uuid, .references(VotingCollege.schema, "id"))
            .field("admitted_on", .datetime)
            .field("exited_on", .datetime)
            .field("exit_reason", .string)
            .field("status", .string, .required)
            .field("created_at", .datetime)
            // Two admissions at once can never share a number.
            .unique(on: "cooperative_id", "number")
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [Member.schema, VotingCollege.schema, MemberCategory.schema, Statutes.schema] {
            try await database.schema(schema).delete()
        }
    }
}
