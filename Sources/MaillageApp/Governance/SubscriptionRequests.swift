import Fluent
import Foundation
import MaillageCore
import SQLKit
import Vapor

/// A request to subscribe shares, with the consents the person gave and when.
final class SubscriptionRequest: Model, @unchecked Sendable {
    static let schema = "subscription_requests"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "member_id") var memberID: UUID
    @Field(key: "share_class_id") var shareClassID: UUID
    @Field(key: "quantity") var quantity: Int
    @Field(key: "status") var status: String
    /// When the person accepted the statutes, and the processing of their data.
    @OptionalField(key: "statutes_accepted_at") var statutesAcceptedAt: Date?
    @OptionalField(key: "privacy_accepted_at") var privacyAcceptedAt: Date?
    /// Who ticked them: the person themselves, or the coordination from a signed paper form.
    @OptionalField(key: "consents_recorded_by") var consentsRecordedBy: String?
    @OptionalField(key: "validated_at") var validatedAt: Date?
    @OptionalField(key: "called_at") var calledAt: Date?
    @OptionalField(key: "paid_at") var paidAt: Date?
    @OptionalField(key: "cancelled_at") var cancelledAt: Date?
    /// The register's entry written when the payment came.
    @OptionalField(key: "operation_id") var operationID: UUID?
    @Field(key: "requested_by") var requestedBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var subscriptionStatus: SubscriptionStatus { SubscriptionStatus(rawValue: status) ?? .draft }
    var consentsGiven: Bool { statutesAcceptedAt != nil && privacyAcceptedAt != nil }
}

struct CreateSubscriptionRequests: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SubscriptionRequest.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("member_id", .uuid, .required, .references(Member.schema, "id"))
            .field("share_class_id", .uuid, .required, .references(ShareClass.schema, "id"))
            .field("quantity", .int, .required)
            .field("status", .string, .required)
            .field("statutes_accepted_at", .datetime)
            .field("privacy_accepted_at", .datetime)
            .field("consents_recorded_by", .string)
            .field("validated_at", .datetime)
            .field("called_at", .datetime)
            .field("paid_at", .datetime)
            .field("cancelled_at", .datetime)
            .field("operation_id", .uuid, .references(CapitalOperation.schema, "id"))
            .field("requested_by", .string, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SubscriptionRequest.schema).delete()
    }
}

/// Subscription requests, member exits and the capital over time, for one cooperative.
struct MemberCapitalRepository: Sendable {
    let db: any Database
    let scope: CooperativeScope

    var governance: GovernanceRepository { GovernanceRepository(db: db, scope: scope) }
    var capital: CapitalRepository { CapitalRepository(db: db, scope: scope) }

    /// The cooperative's member, or 404.
    func member(_ id: UUID?) async throws -> Member {
        try scope.require(.viewGovernance)
        guard let id, let member = try await Member.query(on: db).filter(\.$id == id).filter(\.$cooperativeID == scope.id).first() else { throw Problem.notFound }
        return member
    }

    /// The signed-in user's own member record here (any status), if they have one.
    func ownMember() async throws -> Member? {
        try await Member.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$userID == scope.principal.userID).first()
    }

    /// The coordination may act for any member; a member only for themselves.
    func requireActingFor(_ member: Member) async throws {
        if scope.allows(.manageGovernance) { return }
        try scope.require(.viewGovernance)
        guard let own = try await ownMember(), own.id == member.id else { throw Problem.forbidden }
    }

    // MARK: Subscription requests

    func requests(memberID: UUID? = nil) async throws -> [SubscriptionRequest] {
        try scope.require(.viewGovernance)
        var query = SubscriptionRequest.query(on: db).filter(\.$cooperativeID == scope.id)
        if let memberID { query = query.filter(\.$memberID == memberID) }
        return try await query.sort(\.$createdAt, .descending).all()
    }

    func request(_ id: UUID?) async throws -> SubscriptionRequest {
        try scope.require(.viewGovernance)
        guard let id, let request = try await SubscriptionRequest.query(on: db).filter(\.$id == id).filter(\.$cooperativeID == scope.id).first() else {
            throw Problem.notFound
        }
        return request
    }

    struct RequestDraft: Sendable {
        var memberID: String?
        var shareClassID: String?
        var quantity: Int?
        var statutesAccepted: Bool
        var privacyAccepted: Bool
    }

    /// A member asks for shares (or the coordination types a paper form). The consents are
    /// stamped with the time they were given.
    func createRequest(_ draft: RequestDraft) async throws -> SubscriptionRequest {
        try scope.require(.viewGovernance)
        var errors = FieldErrors()
        let member = try await TextRules.clean(draft.memberID).flatMap(UUID.init(uuidString:)).asyncFlatMap { id in
            try await Member.query(on: db).filter(\.$id == id).filter(\.$cooperativeID == scope.id).first()
        }
        if member == nil { errors.add("memberID", "Choisissez l'associé·e (ou le candidat·e) qui souscrit.") }
        if member?.status == MemberStatus.former.rawValue { errors.add("memberID", "Cet·te associé·e est sorti·e de la coopérative.") }
        let classes = try await capital.shareClasses()
        let shareClass = classes.first { $0.id == UUID(uuidString: TextRules.clean(draft.shareClassID) ?? "") } ?? (classes.count == 1 && TextRules.clean(draft.shareClassID) == nil ? classes[0] : nil)
        if shareClass == nil { errors.add("shareClassID", classes.isEmpty ? "La coopérative n'a pas encore de catégorie de parts." : "Choisissez la catégorie de parts.") }
        if let shareClass, let member, !shareClass.admits(category: member.categoryID) {
            errors.add("shareClassID", "Les parts « \(shareClass.name) » sont réservées à d'autres catégories d'associés.")
        }
        if let quantity = draft.quantity {
            if !(1...100_000).contains(quantity) { errors.add("quantity", "Le nombre de parts va de 1 à 100 000.") }
            else if let shareClass, quantity < shareClass.minimumQuantity { errors.add("quantity", "Cette catégorie de parts se souscrit par \(shareClass.minimumQuantity) au moins.") }
        } else {
            errors.add("quantity", "Indiquez le nombre de parts.")
        }
        try errors.throwIfAny()
        try await requireActingFor(member!)
        let now = Date()
        let request = SubscriptionRequest()
        request.cooperativeID = scope.id
        request.memberID = member!.id!
        request.shareClassID = shareClass!.id!
        request.quantity = draft.quantity!
        request.status = SubscriptionStatus.draft.rawValue
        request.statutesAcceptedAt = draft.statutesAccepted ? now : nil
        request.privacyAcceptedAt = draft.privacyAccepted ? now : nil
        request.consentsRecordedBy = draft.statutesAccepted || draft.privacyAccepted ? scope.principal.name : nil
        request.requestedBy = scope.principal.name
        try await request.create(on: db)
        return request
    }

    /// The consents given later (a draft saved before reading the statutes).
    func giveConsents(_ request: SubscriptionRequest, statutes: Bool, privacy: Bool) async throws -> SubscriptionRequest {
        try await requireActingFor(try await member(request.memberID))
        guard request.subscriptionStatus == .draft else {
            throw Problem(status: .conflict, title: "Demande déjà traitée", detail: "Les consentements se donnent avant la validation.")
        }
        let now = Date()
        if statutes && request.statutesAcceptedAt == nil { request.statutesAcceptedAt = now }
        if privacy && request.privacyAcceptedAt == nil { request.privacyAcceptedAt = now }
        request.consentsRecordedBy = scope.principal.name
        try await request.save(on: db)
        return request
    }

    /// Moves a request on; the payment writes the subscription in the register (with the next
    /// number) and admits a candidate, in the same transaction.
    func move(_ request: SubscriptionRequest, to raw: String?, date: String?, today: CalendarDay) async throws -> SubscriptionRequest {
        try scope.require(.manageGovernance)
        guard let target = SubscriptionStatus(rawValue: TextRules.clean(raw) ?? "") else {
            throw Problem.invalid(FieldErrors(["to": "L'étape est validated, called, paid ou cancelled."]))
        }
        let scope = scope
        return try await db.transaction { tx in
            // The request's row first: two payments at once wait for each other, and the second
            // sees the first's status (a payment is written in the register once).
            if let sql = tx as? any SQLDatabase {
                try await sql.raw("UPDATE subscription_requests SET status = status WHERE id = \(bind: request.id!)").run()
            }
            guard let fresh = try await SubscriptionRequest.find(request.id, on: tx) else { throw Problem.notFound }
            if let problem = SubscriptionWorkflow.problem(from: fresh.subscriptionStatus, to: target, consentsGiven: fresh.consentsGiven) {
                throw target == .validated && fresh.subscriptionStatus == .draft ? Problem.invalid(FieldErrors(["consents": problem]))
                    : Problem(status: .conflict, title: "Étape impossible", detail: problem)
            }
            let now = Date()
            switch target {
            case .validated: fresh.validatedAt = now
            case .called: fresh.calledAt = now
            case .cancelled: fresh.cancelledAt = now
            case .paid:
                // Paid on the day the money came, never before the request: a back-dated
                // admission would give a vote in assemblies held before it.
                if let text = TextRules.clean(date), let day = CalendarDay(text), let asked = fresh.createdAt, day < CalendarDay(date: asked) {
                    throw Problem.invalid(FieldErrors(["date": "Le paiement ne précède pas la demande (\(CalendarDay(date: asked).french))."]))
                }
                let operation = try await CapitalRepository(db: tx, scope: scope).append(.init(
                    kind: CapitalOperationKind.subscription.rawValue, memberID: fresh.memberID.uuidString, toMemberID: nil,
                    shareClassID: fresh.shareClassID.uuidString, quantity: fresh.quantity, date: date), today: today, on: tx)
                fresh.paidAt = now
                fresh.operationID = operation.id
                if let member = try await Member.find(fresh.memberID, on: tx), member.status == MemberStatus.candidate.rawValue {
                    member.status = MemberStatus.member.rawValue
                    member.admittedOn = operation.date
                    try await member.save(on: tx)
                }
            case .draft: break
            }
            fresh.status = target.rawValue
            try await fresh.save(on: tx)
            return fresh
        }
    }

    // MARK: Exits and certificates

    /// Records a member's exit: their status becomes former; their shares stay in the register
    /// until they are reimbursed at nominal value.
    func exit(_ member: Member, date: String?, reason: String?, today: CalendarDay) async throws -> Member {
        try scope.require(.manageGovernance)
        guard member.status != MemberStatus.former.rawValue else {
            throw Problem(status: .conflict, title: "Déjà sorti·e", detail: "\(member.displayName) est sorti·e le \(member.exitedOn.map { CalendarDay(date: $0).french } ?? "—").")
        }
        let valid = try MemberExitDraft(date: date, reason: reason).validate(admittedOn: member.admittedOn.map(CalendarDay.init(date:)), today: today)
        return try await db.transaction { tx in
            member.status = MemberStatus.former.rawValue
            member.exitedOn = valid.date.date
            member.exitReason = valid.reason.rawValue
            try await member.save(on: tx)
            // Their pending requests end with them: no capital is called from someone who left.
            for pending in try await SubscriptionRequest.query(on: tx).filter(\.$memberID == member.id!)
                .filter(\.$status ~~ [SubscriptionStatus.draft.rawValue, SubscriptionStatus.validated.rawValue, SubscriptionStatus.called.rawValue]).all() {
                pending.status = SubscriptionStatus.cancelled.rawValue
                pending.cancelledAt = Date()
                try await pending.save(on: tx)
            }
            return member
        }
    }

    /// What the member holds, class by class, and the register's lines that concern them.
    struct Holdings: Sendable {
        var lines: [(shareClass: ShareClass, quantity: Int)]
        var operations: [CapitalOperation]
        var totalCents: Int { lines.reduce(0) { $0 + $1.quantity * $1.shareClass.nominalCents } }
    }

    func holdings(_ member: Member) async throws -> Holdings {
        let register = try await capital.register()
        let classes = try await capital.shareClasses()
        let held = CapitalRegister.holdings(register.map(\.entry))
        let lines = classes.compactMap { shareClass -> (ShareClass, Int)? in
            let quantity = held[CapitalRegister.Holding(member: member.id!.uuidString, shareClass: shareClass.id!.uuidString)] ?? 0
            return quantity == 0 ? nil : (shareClass, quantity)
        }
        return Holdings(lines: lines, operations: register.filter { $0.memberID == member.id || $0.toMemberID == member.id })
    }

    // MARK: Capital over time

    func history(months: Int, today: CalendarDay) async throws -> [CapitalHistory.Month] {
        let register = try await capital.register()
        let movements = register.compactMap { operation -> (day: CalendarDay, cents: Int)? in
            switch CapitalOperationKind(rawValue: operation.kind) {
            case .subscription: (CalendarDay(date: operation.date), operation.amountCents)
            case .reimbursement: (CalendarDay(date: operation.date), -operation.amountCents)
            default: nil
            }
        }
        let start = today.adding(months: -(months - 1))
        return CapitalHistory.monthly(movements, from: start, to: today)
    }
}

extension Optional {
    /// `flatMap` for an async transform.
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

extension Request {
    func memberCapitalRepository(_ permission: Permission) async throws -> MemberCapitalRepository {
        MemberCapitalRepository(db: db, scope: try await cooperativeScope(permission))
    }
}
