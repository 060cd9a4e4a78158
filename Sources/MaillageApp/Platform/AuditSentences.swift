import Fluent
import Foundation
import MaillageCore
import Plot

/// The audit log read as sentences: "Claire Martin a donné le rôle Financeur à Hélène Garnier".
/// People are named by their account's name (their email when the account is gone).
extension AuditAction {
    func sentence(actor: String, subject: String?, details: String?, language: AppLanguage) -> String {
        let someone = subject ?? language.t("un compte", "an account")
        // Roles are recorded as `role @ scope:id` (after the email for an invitation).
        let role = details.flatMap { text in
            text.split(separator: " ").compactMap { Role(rawValue: String($0)) }.first
        }.map { language == .french ? $0.frenchLabel : $0.rawValue } ?? language.t("un rôle", "a role")
        let invited = details.flatMap { $0.split(separator: " ").first.map(String.init) }.flatMap { $0.contains("@") ? $0 : nil } ?? someone
        switch self {
        case .loginSucceeded: return language.t("\(actor) s'est connecté·e", "\(actor) signed in")
        case .loginFailed: return language.t("Connexion refusée pour \(actor)", "Failed sign-in for \(actor)")
        case .loginThrottled: return language.t("Connexion bloquée pour \(actor) : trop d'essais", "Sign-in blocked for \(actor): too many attempts")
        case .logout: return language.t("\(actor) s'est déconnecté·e", "\(actor) signed out")
        case .passwordChanged: return language.t("\(actor) a changé son mot de passe", "\(actor) changed their password")
        case .roleGranted: return language.t("\(actor) a donné le rôle \(role) à \(someone)", "\(actor) gave the role \(role) to \(someone)")
        case .roleRevoked: return language.t("\(actor) a retiré le rôle \(role) à \(someone)", "\(actor) took the role \(role) from \(someone)")
        case .invitationCreated: return language.t("\(actor) a invité \(invited) (\(role))", "\(actor) invited \(invited) (\(role))")
        case .invitationAccepted: return language.t("\(actor) a accepté son invitation", "\(actor) accepted their invitation")
        case .userCreated: return language.t("\(actor) a créé le compte de \(someone)", "\(actor) created the account of \(someone)")
        case .tokenCreated: return language.t("\(actor) a créé un jeton d'API", "\(actor) created an API token")
        case .territoryCreated: return language.t("\(actor) a créé un territoire", "\(actor) created a territory")
        case .cooperativeCreated: return language.t("\(actor) a créé une coopérative", "\(actor) created a cooperative")
        case .cooperativeUpdated: return language.t("\(actor) a modifié la fiche de la coopérative", "\(actor) changed the cooperative's card")
        case .referralCreated: return language.t("\(actor) a orienté une personne vers la coopérative", "\(actor) referred someone to the cooperative")
        case .referralMoved: return language.t("\(actor) a fait avancer une orientation", "\(actor) moved a referral")
        case .personFileRead: return language.t("\(actor) a consulté le dossier d'une personne", "\(actor) read a person's file")
        case .exitRecorded: return language.t("\(actor) a enregistré la sortie d'une personne", "\(actor) recorded a person's exit")
        case .noteWritten: return language.t("\(actor) a écrit une note confidentielle", "\(actor) wrote a confidential note")
        case .personLinked: return language.t("\(actor) a changé le ou la référente ou le compte d'un parcours", "\(actor) changed a pathway's referent or account")
        case .personExported: return language.t("\(actor) a exporté les données d'une personne", "\(actor) exported a person's data")
        case .personErased: return language.t("\(actor) a effacé les données d'une personne", "\(actor) erased a person's data")
        case .personAnonymised: return language.t("\(actor) a anonymisé un dossier resté deux ans sans contact", "\(actor) anonymised a file left two years without contact")
        case .fundingReportWritten: return language.t("\(actor) a écrit le compte rendu d'une convention", "\(actor) wrote a funding agreement's report")
        case .fundingInstalmentReceived: return language.t("\(actor) a enregistré un versement d'une convention", "\(actor) recorded a funding agreement's instalment")
        case .fundingReportSent: return language.t("\(actor) a remis le rapport d'une convention", "\(actor) handed in a funding agreement's report")
        }
    }
}

/// The names of the people an audit page mentions, read once for the page.
struct AuditNames: Sendable {
    var byEmail: [String: String] = [:]
    var byID: [UUID: String] = [:]

    static func load(for events: [CooperativeAuditRepository.Event], on db: any Database) async throws -> AuditNames {
        let emails = Set(events.compactMap(\.actor).filter { $0.contains("@") })
        let ids = Set(events.filter { $0.entityType == "user" }.compactMap(\.entityID))
        guard !emails.isEmpty || !ids.isEmpty else { return AuditNames() }
        var names = AuditNames()
        let users = try await User.query(on: db).group(.or) { group in
            if !emails.isEmpty { group.filter(\.$email ~~ Array(emails)) }
            if !ids.isEmpty { group.filter(\.$id ~~ Array(ids)) }
        }.all()
        for user in users {
            names.byEmail[user.email] = user.name
            names.byID[user.id!] = user.name
        }
        return names
    }

    func actor(_ label: String?, _ language: AppLanguage) -> String {
        guard let label else { return language.t("Quelqu'un", "Someone") }
        return byEmail[label] ?? label
    }

    func subject(of event: CooperativeAuditRepository.Event) -> String? {
        event.entityType == "user" ? event.entityID.flatMap { byID[$0] } : nil
    }
}
