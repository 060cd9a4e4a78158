import Fluent
import Foundation
import MaillageCore
import SQLKit
import Vapor

/// An everyday decision between assemblies: a proposal or a poll, open until it closes.
final class Decision: Model, @unchecked Sendable {
    static let schema = "decisions"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @OptionalField(key: "details") var details: String?
    @Field(key: "multiple_choice") var multipleChoice: Bool
    @Field(key: "closes_at") var closesAt: Date
    /// `members`, `cooperants` or `college:<id>`.
    @Field(key: "electorate") var electorate: String
    @OptionalField(key: "quorum_percent") var quorumPercent: Int?
    @Field(key: "anonymous") var anonymous: Bool
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "author_name") var authorName: String
    @OptionalField(key: "closed_at") var closedAt: Date?
    /// What was decided, in the author's words, written at the close.
    @OptionalField(key: "outcome") var outcome: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var decisionKind: DecisionKind { DecisionKind(rawValue: kind) ?? .proposal }
    var voters: Electorate { Electorate(electorate) ?? .members }
    func isOpen(at now: Date) -> Bool { closedAt == nil && closesAt > now }
}

final class DecisionOption: Model, @unchecked Sendable {
    static let schema = "decision_options"

    @ID(key: .id) var id: UUID?
    @Field(key: "decision_id") var decisionID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "label") var label: String

    init() {}
}

/// One person's vote: a stance, or the options ticked. A second vote replaces the first while
/// the decision is open.
final class DecisionVote: Model, @unchecked Sendable {
    static let schema = "decision_votes"

    @ID(key: .id) var id: UUID?
    @Field(key: "decision_id") var decisionID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "voter_name") var voterName: String
    /// A stance, or option ids separated by commas.
    @Field(key: "choices") var choices: String
    @Field(key: "voted_at") var votedAt: Date

    init() {}

    var choiceList: [String] { choices.split(separator: ",").map(String.init) }
}

struct CreateDecisions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Decision.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("details", .string)
            .field("multiple_choice", .bool, .required)
            .field("closes_at", .datetime, .required)
            .field("electorate", .string, .required)
            .field("quorum_percent", .int)
            .field("anonymous", .bool, .required)
            .field("author_id", .uuid, .required, .references(User.schema, "id"))
            .field("author_name", .string, .required)
            .field("closed_at", .datetime)
            .field("outcome", .string)
            .field("created_at", .datetime)
            .create()
        try await database.schema(DecisionOption.schema)
            .id()
            .field("decision_id", .uuid, .required, .references(Decision.schema, "id"))
            .field("position", .int, .required)
            .field("label", .string, .required)
            .create()
        try await database.schema(DecisionVote.schema)
            .id()
            .field("decision_id", .uuid, .required, .references(Decision.schema, "id"))
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("voter_name", .string, .required)
            .field("choices", .string, .required)
            .field("voted_at", .datetime, .required)
            .unique(on: "decision_id", "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [DecisionVote.schema, DecisionOption.schema, Decision.schema] { try await database.schema(schema).delete() }
    }
}

/// A decision with its options, votes and count, as the pages and the API show it.
struct DecisionRecord: Sendable {
    var decision: Decision
    var options: [DecisionOption]
    var votes: [DecisionVote]
    var tally: DecisionTally
    var isOpen: Bool
    /// Whether the signed-in user may vote, and their current vote.
    var mayVote: Bool
    var ownVote: DecisionVote?
    var mayClose: Bool
    var electorateLabel: String
}

/// The everyday decisions of one cooperative.
struct DecisionRepository: Sendable {
    let db: any Database
    let scope: CooperativeScope

    var governance: GovernanceRepository { GovernanceRepository(db: db, scope: scope) }

    func decisions() async throws -> [Decision] {
        try scope.require(.viewGovernance)
        return try await Decision.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$closesAt, .descending).all()
    }

    func decision(_ id: UUID?) async throws -> Decision {
        try scope.require(.viewGovernance)
        guard let id, let decision = try await Decision.query(on: db).filter(\.$id == id).filter(\.$cooperativeID == scope.id).first() else { throw Problem.notFound }
        return decision
    }

    /// Anyone of the cooperative's people may put a question; the college named is one of the
    /// cooperative's.
    func create(_ draft: DecisionDraft, now: Date) async throws -> Decision {
        try scope.require(.viewGovernance)
        let valid = try draft.validate(now: LocalDateTime(date: now))
        if case .college(let id) = valid.electorate, try await governance.colleges().contains(where: { $0.id?.uuidString.lowercased() == id.lowercased() }) == false {
            throw Problem.invalid(FieldErrors(["electorate": "Ce collège n'existe pas dans la coopérative."]))
        }
        let (cooperativeID, principal) = (scope.id, scope.principal)
        return try await db.transaction { tx in
            let decision = Decision()
            decision.cooperativeID = cooperativeID
            decision.kind = valid.kind.rawValue
            decision.title = valid.title
            decision.details = valid.details
            decision.multipleChoice = valid.multipleChoice
            decision.closesAt = valid.closesAt.date
            decision.electorate = valid.electorate.description
            decision.quorumPercent = valid.quorumPercent
            decision.anonymous = valid.anonymous
            decision.authorID = principal.userID
            decision.authorName = principal.name
            try await decision.create(on: tx)
            for (position, label) in valid.options.enumerated() {
                let option = DecisionOption()
                option.decisionID = decision.id!
                option.position = position + 1
                option.label = label
                try await option.create(on: tx)
            }
            return decision
        }
    }

    /// The user ids who may vote, for the participation and the quorum.
    func electorate(_ decision: Decision) async throws -> Set<UUID> {
        switch decision.voters {
        case .members, .college:
            var query = Member.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$status == MemberStatus.member.rawValue)
            if case .college(let id) = decision.voters, let college = UUID(uuidString: id) { query = query.filter(\.$collegeID == college) }
            // Only members with an account vote here (the others at the assembly): counting the
            // others would make a quorum out of reach.
            return Set(try await query.filter(\.$userID != nil).all().compactMap(\.userID))
        case .cooperants:
            return Set(try await AccessService(db: db).holders(scopes: [(.cooperative, scope.id)]).filter { $0.role == .cooperant }.map(\.userID))
        }
    }

    func record(_ decision: Decision, now: Date = Date()) async throws -> DecisionRecord {
        try scope.require(.viewGovernance)
        let options = try await DecisionOption.query(on: db).filter(\.$decisionID == decision.id!).sort(\.$position).all()
        let votes = try await DecisionVote.query(on: db).filter(\.$decisionID == decision.id!).sort(\.$votedAt).all()
        let electorate = try await electorate(decision)
        let tally = DecisionTally(ballots: votes.map(\.choiceList), electorate: electorate.count, quorumPercent: decision.quorumPercent)
        let open = decision.isOpen(at: now)
        var label: String
        switch decision.voters {
        case .members: label = "Tous les associé·es"
        case .cooperants: label = "Les coopérant·es"
        case .college(let id): label = "Le collège " + (try await governance.colleges().first { $0.id?.uuidString.lowercased() == id.lowercased() }?.name ?? "?")
        }
        return DecisionRecord(decision: decision, options: options, votes: votes, tally: tally, isOpen: open,
                              mayVote: open && electorate.contains(scope.principal.userID), ownVote: votes.first { $0.userID == scope.principal.userID },
                              mayClose: decision.authorID == scope.principal.userID || scope.allows(.manageGovernance), electorateLabel: label)
    }

    /// The signed-in user's vote: one stance for a proposal, one option (or several when the
    /// poll allows) for a poll; a second vote replaces the first while the decision is open.
    func vote(_ decision: Decision, stance: String?, options chosen: [String], now: Date) async throws -> DecisionVote {
        try scope.require(.viewGovernance)
        let options = try await DecisionOption.query(on: db).filter(\.$decisionID == decision.id!).all()
        var choices: [String] = []
        switch decision.decisionKind {
        case .proposal:
            guard let stance = Stance(rawValue: TextRules.clean(stance) ?? "") else {
                throw Problem.invalid(FieldErrors(["stance": "Votez d'accord (agree), abstention (abstain), pas d'accord (disagree) ou blocage (block)."]))
            }
            choices = [stance.rawValue]
        case .poll:
            for raw in chosen.compactMap(TextRules.clean) {
                guard let option = options.first(where: { $0.id?.uuidString.lowercased() == raw.lowercased() || $0.label.lowercased() == raw.lowercased() }) else {
                    throw Problem.invalid(FieldErrors(["options": "« \(raw) » n'est pas un des choix du sondage."]))
                }
                if !choices.contains(option.id!.uuidString) { choices.append(option.id!.uuidString) }
            }
            if choices.isEmpty { throw Problem.invalid(FieldErrors(["options": "Choisissez au moins une réponse."])) }
            if choices.count > 1 && !decision.multipleChoice { throw Problem.invalid(FieldErrors(["options": "Ce sondage n'accepte qu'un choix."])) }
        }
        guard try await electorate(decision).contains(scope.principal.userID) else { throw Problem.forbidden }
        let (userID, name, stored) = (scope.principal.userID, scope.principal.name, choices.joined(separator: ","))
        return try await db.transaction { tx in
            // Read again under the decision's row lock: a vote never lands after the close.
            guard let decision = try await Self.locked(decision, on: tx), decision.isOpen(at: now) else {
                throw Problem(status: .conflict, title: "Vote clos", detail: "Cette décision est close : on n'y vote plus.")
            }
            let vote = try await DecisionVote.query(on: tx).filter(\.$decisionID == decision.id!).filter(\.$userID == userID).first() ?? DecisionVote()
            vote.decisionID = decision.id!
            vote.userID = userID
            vote.voterName = name
            vote.choices = stored
            vote.votedAt = now
            try await vote.save(on: tx)
            return vote
        }
    }

    /// Closes the decision (if its time has not come yet) with the outcome statement; the
    /// author or the coordination.
    func close(_ decision: Decision, outcome: String?, now: Date) async throws -> Decision {
        try scope.require(.viewGovernance)
        guard decision.authorID == scope.principal.userID || scope.allows(.manageGovernance) else { throw Problem.forbidden }
        guard let outcome = TextRules.clean(outcome) else {
            throw Problem.invalid(FieldErrors(["outcome": "Écrivez ce qui a été décidé : c'est ce que les membres liront."]))
        }
        if outcome.count > 5_000 { throw Problem.invalid(FieldErrors(["outcome": "La conclusion compte au plus 5 000 caractères."])) }
        return try await db.transaction { tx in
            guard let decision = try await Self.locked(decision, on: tx) else { throw Problem.notFound }
            if decision.closedAt != nil && decision.outcome != nil {
                throw Problem(status: .conflict, title: "Déjà conclue", detail: "Cette décision est déjà close, avec sa conclusion.")
            }
            decision.closedAt = decision.closedAt ?? min(now, decision.closesAt)
            decision.outcome = outcome
            try await decision.save(on: tx)
            return decision
        }
    }

    /// The decision read again after taking its row, so that votes and the close of one
    /// decision happen one after the other on both databases.
    private static func locked(_ decision: Decision, on tx: any Database) async throws -> Decision? {
        if let sql = tx as? any SQLDatabase {
            try await sql.raw("UPDATE decisions SET title = title WHERE id = \(bind: decision.id!)").run()
        }
        return try await Decision.find(decision.id, on: tx)
    }
}

extension Request {
    func decisionRepository(_ permission: Permission) async throws -> DecisionRepository {
        DecisionRepository(db: db, scope: try await cooperativeScope(permission))
    }
}
