import Fluent
import Foundation
import Vapor

/// Who did what, when, on which record. Append-only: nothing in the app updates or
/// deletes a row of this table.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "occurred_at") var occurredAt: Date
    @OptionalField(key: "actor_user_id") var actorUserID: UUID?
    @OptionalField(key: "actor_label") var actorLabel: String?
    @Field(key: "action") var action: String
    @Field(key: "entity_type") var entityType: String
    @OptionalField(key: "entity_id") var entityID: UUID?
    @OptionalField(key: "network_id") var networkID: UUID?
    @OptionalField(key: "cooperative_id") var cooperativeID: UUID?
    @OptionalField(key: "details") var details: String?
    @OptionalField(key: "request_id") var requestID: String?

    init() {}
}

struct CreateAuditEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema)
            .id()
            .field("occurred_at", .datetime, .required)
            .field("actor_user_id", .uuid)
            .field("actor_label", .string)
            .field("action", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .uuid)
            .field("network_id", .uuid)
            .field("cooperative_id", .uuid)
            .field("details", .string)
            .field("request_id", .string)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema).delete()
    }
}

/// The actions written to the audit log. Stored as their raw value.
enum AuditAction: String, Sendable {
    case loginSucceeded = "login.succeeded"
    case loginFailed = "login.failed"
    case loginThrottled = "login.throttled"
    case logout = "logout"
    case passwordChanged = "password.changed"
    case roleGranted = "role.granted"
    case roleRevoked = "role.revoked"
    case invitationCreated = "invitation.created"
    case invitationAccepted = "invitation.accepted"
    case userCreated = "user.created"
    case tokenCreated = "token.created"
    case territoryCreated = "territory.created"
    case cooperativeCreated = "cooperative.created"
    case cooperativeUpdated = "cooperative.updated"
    case referralCreated = "referral.created"
    case referralMoved = "referral.moved"
    case personFileRead = "person.read"
    case exitRecorded = "pathway.exit"
    case noteWritten = "pathway.note"
    case personLinked = "person.linked"
    case personExported = "person.exported"
    case personErased = "person.erased"
    case personAnonymised = "person.anonymised"
    case fundingReportWritten = "funding.report"
    case fundingInstalmentReceived = "funding.instalment"
    case fundingReportSent = "funding.reported"

    var frenchLabel: String {
        switch self {
        case .loginSucceeded: "Connexion"
        case .loginFailed: "Échec de connexion"
        case .loginThrottled: "Connexion bloquée (trop d'essais)"
        case .logout: "Déconnexion"
        case .passwordChanged: "Mot de passe changé"
        case .roleGranted: "Rôle donné"
        case .roleRevoked: "Rôle retiré"
        case .invitationCreated: "Invitation envoyée"
        case .invitationAccepted: "Invitation acceptée"
        case .userCreated: "Compte créé"
        case .tokenCreated: "Jeton d'API créé"
        case .territoryCreated: "Territoire créé"
        case .cooperativeCreated: "Coopérative créée"
        case .cooperativeUpdated: "Fiche de coopérative modifiée"
        case .referralCreated: "Orientation envoyée"
        case .referralMoved: "Orientation avancée"
        case .personFileRead: "Dossier d'une personne consulté"
        case .exitRecorded: "Sortie enregistrée"
        case .noteWritten: "Note confidentielle écrite"
        case .personLinked: "Référent ou compte du parcours changé"
        case .personExported: "Données d'une personne exportées"
        case .personErased: "Données d'une personne effacées"
        case .personAnonymised: "Dossier anonymisé (2 ans sans contact)"
        case .fundingReportWritten: "Compte rendu d'une convention écrit"
        case .fundingInstalmentReceived: "Versement d'une convention reçu"
        case .fundingReportSent: "Rapport d'une convention envoyé"
        }
    }

    var englishLabel: String {
        switch self {
        case .loginSucceeded: "Login"
        case .loginFailed: "Failed login"
        case .loginThrottled: "Login blocked (too many attempts)"
        case .logout: "Logout"
        case .passwordChanged: "Password changed"
        case .roleGranted: "Role given"
        case .roleRevoked: "Role removed"
        case .invitationCreated: "Invitation sent"
        case .invitationAccepted: "Invitation accepted"
        case .userCreated: "Account created"
        case .tokenCreated: "API token created"
        case .territoryCreated: "Territory created"
        case .cooperativeCreated: "Cooperative created"
        case .cooperativeUpdated: "Cooperative card changed"
        case .referralCreated: "Referral sent"
        case .referralMoved: "Referral moved"
        case .personFileRead: "Person's file read"
        case .exitRecorded: "Exit recorded"
        case .noteWritten: "Confidential note written"
        case .personLinked: "Pathway referent or account changed"
        case .personExported: "Person's data exported"
        case .personErased: "Person's data erased"
        case .personAnonymised: "File anonymised (2 years without contact)"
        case .fundingReportWritten: "Funding agreement's report written"
        case .fundingInstalmentReceived: "Funding agreement's instalment received"
        case .fundingReportSent: "Funding agreement's report sent"
        }
    }
}

/// What an audit entry is about.
struct AuditSubject: Sendable {
    var entityType: String
    var entityID: UUID?
    var networkID: UUID?
    var cooperativeID: UUID?

    static func label(_ entityType: String, _ language: AppLanguage) -> String {
        switch entityType {
        case "user": language.t("Compte", "Account")
        case "invitation": language.t("Invitation", "Invitation")
        case "territory": language.t("Territoire", "Territory")
        case "cooperative": language.t("Coopérative", "Cooperative")
        case "referral": language.t("Orientation", "Referral")
        case "person": language.t("Personne", "Person")
        case "funding-agreement": language.t("Convention de financement", "Funding agreement")
        default: entityType
        }
    }
}

enum AuditLog {
    /// Appends an entry on `db`, which should be the transaction of the change it records so
    /// that the change and its trace are written together or not at all.
    static func record(
        _ action: AuditAction,
        on db: any Database,
        actor: UUID?,
        actorLabel: String? = nil,
        subject: AuditSubject,
        details: String? = nil,
        requestID: String? = nil
    ) async throws {
        let event = AuditEvent()
        event.occurredAt = Date()
        event.actorUserID = actor
        event.actorLabel = actorLabel
        event.action = action.rawValue
        event.entityType = subject.entityType
        event.entityID = subject.entityID
        event.networkID = subject.networkID
        event.cooperativeID = subject.cooperativeID
        event.details = details
        event.requestID = requestID
        try await event.create(on: db)
    }
}

extension Request {
    /// The request id Vapor puts in every log line of this request.
    var requestID: String? {
        if case .string(let id)? = logger[metadataKey: "request-id"] { return id }
        return nil
    }

    func audit(_ action: AuditAction, on db: (any Database)? = nil, subject: AuditSubject, details: String? = nil) async throws {
        try await AuditLog.record(
            action, on: db ?? self.db, actor: principal?.userID, actorLabel: principal?.email,
            subject: subject, details: details, requestID: requestID
        )
    }
}
