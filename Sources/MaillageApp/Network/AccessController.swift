import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

/// Access pages: the network's people (`/admin/users`), a cooperative's people
/// (`/coops/:coopID/access`), invitations, revocations, acceptance and the audit log.
struct AccessController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "users", use: networkPeople)
        routes.post("admin", "invitations", use: inviteFromNetwork)
        routes.post("admin", "roles", ":assignmentID", "revoke", use: revokeFromNetwork)
        routes.get("admin", "audit", use: audit)
        routes.get("coops", ":coopID", "access", use: cooperativePeople)
        routes.post("coops", ":coopID", "access", use: inviteFromCooperative)
        routes.post("coops", ":coopID", "access", ":assignmentID", "revoke", use: revokeFromCooperative)
        routes.get("invitations", ":token", use: showInvitation)
        routes.post("invitations", ":token", use: acceptInvitation)
    }

    struct InviteForm: Content {
        var email: String?
        var name: String?
        var role: String?
        var scope: String?
    }

    // MARK: Network

    private func adminNetwork(_ request: Request) throws -> (Principal, UUID) {
        let principal = try request.requirePrincipal()
        let networkID = try NetworkRepository(db: request.db).adminNetwork(for: principal, named: nil)
        try NetworkRepository.check(principal, .administerNetwork, at: ResourceLocation(networkID: networkID.uuidString))
        return (principal, networkID)
    }

    func networkPeople(request: Request) async throws -> Response {
        let (principal, networkID) = try adminNetwork(request)
        return try await renderNetwork(request, principal: principal, networkID: networkID, form: InviteForm(), errors: [:], link: nil)
    }

    private func renderNetwork(_ request: Request, principal: Principal, networkID: UUID, form: InviteForm, errors: [String: String], link: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let tree = try await NetworkRepository(db: request.db).tree(of: networkID, for: principal)
        let (territories, coops) = (tree.territories, tree.cooperatives)
        let holders = try await AccessService(db: request.db).holders(scopes: tree.scopes)
        let names = try await ScopeNames.load(networks: [networkID], territories: territories.map { $0.id! }, cooperatives: coops.map { $0.id! }, db: request.db)
        let context = request.pageContext()
        let scopeOptions = [(AccessService.scopeValue(.network, networkID), context.t("Tout le réseau", "The whole network"))]
            + territories.map { (AccessService.scopeValue(.territory, $0.id!), context.t("Territoire : ", "Territory: ") + $0.name) }
            + coops.map { (AccessService.scopeValue(.cooperative, $0.id!), context.t("Coopérative : ", "Cooperative: ") + $0.name) }
        return AccessPage.render(.init(
            title: context.t("Utilisateurs et rôles", "Users and roles"),
            holders: holders, names: names, roles: Role.allCases, scopeOptions: scopeOptions,
            inviteAction: SiteURL.adminInvitations.path,
            revokeURL: { SiteURL.adminRoleRevoke($0).path },
            form: form, errors: errors, link: link, baseURL: Self.baseURL(request), ownEmail: request.principal?.email
        ), context: context, status: status)
    }

    func inviteFromNetwork(request: Request) async throws -> Response {
        let (principal, networkID) = try adminNetwork(request)
        let form = try request.content.decode(InviteForm.self)
        return try await FormSubmission.handle {
            let token = try await AccessService(db: request.db).invite(email: form.email, name: form.name, role: form.role, scope: form.scope, by: principal, request: request)
            return try await renderNetwork(request, principal: principal, networkID: networkID, form: InviteForm(), errors: [:], link: SiteURL.invitation(token: token).path, status: .created)
        } invalid: { errors in
            return try await renderNetwork(request, principal: principal, networkID: networkID, form: form, errors: errors, link: nil, status: .unprocessableEntity)
        }
    }

    func revokeFromNetwork(request: Request) async throws -> Response {
        let (principal, _) = try adminNetwork(request)
        _ = try await AccessService(db: request.db).revoke(assignmentID: try request.uuidParameter("assignmentID"), by: principal, request: request)
        request.flash(request.language.t("Rôle retiré.", "Role removed."))
        return request.redirect(to: SiteURL.adminUsers.path)
    }

    // MARK: Cooperative

    private func managedCooperative(_ request: Request) async throws -> (Principal, Cooperative) {
        let principal = try request.requirePrincipal()
        let coop = try await NetworkRepository(db: request.db).cooperative(try request.uuidParameter("coopID"), for: principal, permission: .manageCooperativeAccess)
        return (principal, coop)
    }

    func cooperativePeople(request: Request) async throws -> Response {
        let (_, coop) = try await managedCooperative(request)
        return try await renderCooperative(request, coop: coop, form: InviteForm(), errors: [:], link: nil)
    }

    private func renderCooperative(_ request: Request, coop: Cooperative, form: InviteForm, errors: [String: String], link: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let holders = try await AccessService(db: request.db).holders(scopes: [(.cooperative, coop.id!)])
        let context = request.pageContext()
        var names = ScopeNames()
        names.cooperatives[coop.id!] = coop.name
        return AccessPage.render(.init(
            title: context.t("Accès " + coop.toName, "Access to " + coop.name),
            holders: holders, names: names,
            roles: Role.allCases.filter { $0.allowedScopeKinds.contains(.cooperative) },
            scopeOptions: [(AccessService.scopeValue(.cooperative, coop.id!), coop.name)],
            inviteAction: SiteURL.cooperativeAccess(coop.id!).path,
            revokeURL: { SiteURL.cooperativeAccessRevoke(coop.id!, assignment: $0).path },
            form: form, errors: errors, link: link, baseURL: Self.baseURL(request), ownEmail: request.principal?.email
        ), context: context, status: status)
    }

    func inviteFromCooperative(request: Request) async throws -> Response {
        let (principal, coop) = try await managedCooperative(request)
        var form = try request.content.decode(InviteForm.self)
        // This page only gives roles in this cooperative, whatever the form says.
        form.scope = AccessService.scopeValue(.cooperative, coop.id!)
        return try await FormSubmission.handle {
            let token = try await AccessService(db: request.db).invite(email: form.email, name: form.name, role: form.role, scope: form.scope, by: principal, request: request)
            return try await renderCooperative(request, coop: coop, form: InviteForm(), errors: [:], link: SiteURL.invitation(token: token).path, status: .created)
        } invalid: { errors in
            return try await renderCooperative(request, coop: coop, form: form, errors: errors, link: nil, status: .unprocessableEntity)
        }
    }

    func revokeFromCooperative(request: Request) async throws -> Response {
        let (principal, coop) = try await managedCooperative(request)
        let assignmentID = try request.uuidParameter("assignmentID")
        // Only assignments of this cooperative can be revoked from its page.
        guard let assignment = try await RoleAssignment.find(assignmentID, on: request.db),
              assignment.scopeKind == ScopeKind.cooperative.rawValue, assignment.scopeID == coop.id else { throw Problem.notFound }
        _ = try await AccessService(db: request.db).revoke(assignmentID: assignmentID, by: principal, request: request)
        request.flash(request.language.t("Rôle retiré.", "Role removed."))
        return request.redirect(to: SiteURL.cooperativeAccess(coop.id!).path)
    }

    // MARK: Invitations

    struct AcceptForm: Content {
        var name: String?
        var password: String?
        var confirmation: String?
    }

    func showInvitation(request: Request) async throws -> Response {
        guard let token = request.parameters.get("token"),
              let invitation = try await AccessService(db: request.db).pendingInvitation(token: token) else {
            throw Problem(status: .notFound, title: "Invitation introuvable", detail: "Ce lien d'invitation n'existe pas, a déjà servi ou a expiré. Demandez-en un nouveau.")
        }
        let invitee = try await AccessService(db: request.db).invitee(of: invitation)
        return InvitationPage.render(invitation: invitation, place: try await Self.place(of: invitation, request), token: token, name: invitation.name,
                                     account: Self.accountState(invitee, request), errors: [:], context: request.pageContext())
    }

    /// Where the role applies, as the invited person reads it.
    private static func place(of invitation: Invitation, _ request: Request) async throws -> String {
        guard let kind = ScopeKind(rawValue: invitation.scopeKind) else { return "" }
        let id = [invitation.scopeID]
        let names = try await ScopeNames.load(networks: kind == .network ? id : [], territories: kind == .territory ? id : [],
                                              cooperatives: kind == .cooperative ? id : [], db: request.db)
        return names.label(for: Scope(kind: kind, id: invitation.scopeID.uuidString), language: request.language)
    }

    private static func accountState(_ invitee: User?, _ request: Request) -> InvitationPage.Account {
        guard let invitee else { return .none }
        return request.principal?.userID == invitee.id ? .signedIn : .existing
    }

    func acceptInvitation(request: Request) async throws -> Response {
        guard let token = request.parameters.get("token"),
              let invitation = try await AccessService(db: request.db).pendingInvitation(token: token) else {
            throw Problem(status: .notFound, title: "Invitation introuvable", detail: "Ce lien d'invitation n'existe pas, a déjà servi ou a expiré. Demandez-en un nouveau.")
        }
        let service = AccessService(db: request.db)
        if let invitee = try await service.invitee(of: invitation) {
            // An account created a moment ago by another acceptance of this very link.
            guard try await service.pendingInvitation(token: token) != nil else { throw AccessService.alreadyUsed }
            // An existing account: only its owner, logged in, accepts.
            guard request.principal?.userID == invitee.id else {
                return request.redirect(to: SiteURL.login(next: SiteURL.invitation(token: token).path).path)
            }
            try await service.accept(invitation, as: invitee, request: request)
            request.flash(request.language.t("Rôle accepté.", "Role accepted."))
            return request.redirect(to: SiteURL.home.path)
        }
        let form = try request.content.decode(AcceptForm.self)
        return try await FormSubmission.handle {
            let user = try await AccessService(db: request.db).accept(invitation, name: form.name, password: form.password ?? "", confirmation: form.confirmation, request: request)
            try await request.startSession(for: user.id!)
            return request.redirect(to: SiteURL.home.path)
        } invalid: { errors in
            return InvitationPage.render(invitation: invitation, place: try await Self.place(of: invitation, request), token: token,
                                         name: form.name ?? invitation.name, account: .none, errors: errors,
                                         context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    // MARK: Audit

    func audit(request: Request) async throws -> Response {
        let (principal, networkID) = try adminNetwork(request)
        // Events of this network, and the logins of the people who have a role in it (a login
        // belongs to no network); never another network's people.
        let tree = try await NetworkRepository(db: request.db).tree(of: networkID, for: principal)
        let people = try await AccessService(db: request.db).holders(scopes: tree.scopes).map(\.userID)
        let events = try await AuditEvent.query(on: request.db)
            .group(.or) { group in
                group.filter(\.$networkID == networkID)
                if !people.isEmpty {
                    group.group(.and) { $0.filter(\.$networkID == nil).filter(\.$actorUserID ~~ Array(Set(people))) }
                }
            }
            .sort(\.$occurredAt, .descending).limit(200).all()
        let context = request.pageContext()
        let rows = events.map(CooperativeAuditRepository.Event.init)
        let names = try await AuditNames.load(for: rows, on: request.db)
        let content: BodyNode = .group(
            .h1(.text(context.t("Journal d'audit", "Audit log"))),
            .p(.class("muted"), .text(context.t("Les 200 derniers événements du réseau, du plus récent au plus ancien.", "The network's last 200 events, newest first."))),
            AuditTable.render(rows, names: names, label: context.t("Journal d'audit", "Audit log"), context: context)
        )
        return Layout.render(context, title: context.t("Journal d'audit", "Audit log"), content: content)
    }

    static func baseURL(_ request: Request) -> String {
        if let configured = Environment.get("MAILLAGE_PUBLIC_URL") { return configured.hasSuffix("/") ? String(configured.dropLast()) : configured }
        let host = request.headers.first(name: .host) ?? "127.0.0.1:8080"
        return "http://\(host)"
    }
}

enum AccessPage {
    struct Model {
        var title: String
        var holders: [AccessService.Holder]
        var names: ScopeNames
        var roles: [Role]
        var scopeOptions: [(String, String)]
        var inviteAction: String
        var revokeURL: (UUID) -> String
        var form: AccessController.InviteForm
        var errors: [String: String]
        var link: String?
        var baseURL: String
        /// The viewer's own email: nobody removes their own network administration.
        var ownEmail: String?
    }

    static func render(_ model: Model, context: PageContext, status: HTTPResponseStatus) -> Response {
        let roleLabel = { (role: Role) in context.language == .french ? role.frenchLabel : role.englishLabel }
        let content: BodyNode = .group(
            .h1(.text(model.title)),
            .unwrap(model.link) { link in
                .section(.class("panel"), .attribute(named: "role", value: "status"),
                    .h2(.text(context.t("Lien d'invitation à transmettre", "Invitation link to pass on"))),
                    .p(.text(context.t("Envoyez ce lien à la personne : il est valable 7 jours et ne sera plus affiché.", "Send this link to the person: it is valid for 7 days and will not be shown again."))),
                    .element(named: "code", nodes: [.class("secret"), .id("invitation-link"), .text(model.baseURL + link)]))
            },
            .section(.class("panel"),
                .h2(.text(context.t("Qui a accès", "Who has access"))),
                model.holders.isEmpty ? .p(.text(context.t("Personne pour l'instant.", "Nobody yet."))) :
                Kit.table(label: context.t("Qui a accès", "Who has access"),
                    .thead(.tr(.th(.text(context.t("Personne", "Person"))), .th(.text(context.t("Rôle", "Role"))), .th(.text(context.t("Où", "Where"))), .th(.text(context.t("Action", "Action"))))),
                    .tbody(.forEach(model.holders) { holder in
                        .tr(.td(.text(holder.userName), .br(), .span(.class("muted email"), .text(holder.email))),
                            .td(.text(roleLabel(holder.role))),
                            .td(.text(model.names.label(for: holder.scope, language: context.language))),
                            .td(model.ownEmail == holder.email && holder.role == .networkAdmin ? .text("—") : .form(.class("inline"), .action(model.revokeURL(holder.assignmentID)), .method(.post),
                                      Kit.csrfField(context.csrfToken),
                                      .button(.type(.submit), .class("danger"), .attribute(named: "aria-label", value: context.t("Retirer le rôle \(roleLabel(holder.role)) à \(holder.userName)", "Remove role \(roleLabel(holder.role)) from \(holder.userName)")), .text(context.t("Retirer", "Remove"))))))
                    })
                )
            ),
            .section(.class("panel"),
                .h2(.text(context.t("Inviter une personne", "Invite someone"))),
                .p(.class("muted"), .text(context.t("Si la personne a déjà un compte, le rôle lui est donné tout de suite ; sinon vous obtenez un lien d'invitation.", "If the person already has an account, the role is given at once; otherwise you get an invitation link."))),
                Kit.errorSummary(model.errors, order: ["email", "name", "role", "scope"], context: context),
                .form(.id("invite-form"), .action(model.inviteAction), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.input(.init(name: "email", label: context.t("Adresse électronique", "Email address"), value: model.form.email, type: .email, error: model.errors["email"], required: true, autocomplete: "off")),
                    Kit.input(.init(name: "name", label: context.t("Nom", "Name"), value: model.form.name, error: model.errors["name"], required: true, autocomplete: "off")),
                    Kit.select(name: "role", label: context.t("Rôle", "Role"), options: model.roles.map { ($0.rawValue, roleLabel($0)) }, selected: model.form.role, error: model.errors["role"],
                               placeholder: context.t("— Choisissez un rôle —", "— Choose a role —")),
                    model.scopeOptions.count == 1
                        ? .input(.type(.hidden), .name("scope"), .value(model.scopeOptions[0].0))
                        : Kit.select(name: "scope", label: context.t("Où ce rôle s'applique", "Where the role applies"), options: model.scopeOptions, selected: model.form.scope, error: model.errors["scope"],
                                     placeholder: context.t("— Choisissez où —", "— Choose where —")),
                    Kit.submit(context.t("Inviter", "Invite"), id: "invite-submit"))
            )
        )
        return Layout.render(context, title: model.title, status: status, content: content)
    }
}

enum InvitationPage {
    /// Whether the invited address has an account, and whether its owner is the one here.
    enum Account { case none, existing, signedIn }

    static func render(invitation: Invitation, place: String, token: String, name: String, account: Account, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) -> Response {
        let title = context.t("Rejoindre Maillage", "Join Maillage")
        let role = Role(rawValue: invitation.role).map { context.language == .french ? $0.frenchLabel : $0.englishLabel } ?? invitation.role
        let content: BodyNode = .div(.class("panel login"),
            .h1(.text(title)),
            .p(.text(context.t("Vous êtes invité·e avec le rôle : ", "You are invited with the role: ") + role + ".")),
            Kit.errorSummary(errors, order: ["name", "password", "confirmation"], context: context),
            Kit.facts([(context.t("Adresse électronique", "Email address"), invitation.email), (context.t("Où", "Where"), place)]),
            form(account, token: token, name: name, errors: errors, context: context)
        )
        return Layout.render(context, title: title, status: status, content: content)
    }

    private static func form(_ account: Account, token: String, name: String, errors: [String: String], context: PageContext) -> BodyNode {
        switch account {
        case .existing:
            return .p(.a(.class("button"), .href(SiteURL.login(next: SiteURL.invitation(token: token).path).path),
                         .text(context.t("Se connecter pour accepter", "Log in to accept"))))
        case .signedIn:
            return .form(.id("accept-form"), .action(SiteURL.invitation(token: token).path), .method(.post),
                Kit.csrfField(context.csrfToken),
                Kit.submit(context.t("Accepter ce rôle", "Accept this role")))
        case .none:
            return .form(.action(SiteURL.invitation(token: token).path), .method(.post),
                Kit.csrfField(context.csrfToken),
                Kit.input(.init(name: "name", label: context.t("Votre nom", "Your name"), value: name, error: errors["name"], required: true, autocomplete: "name")),
                Kit.input(.init(name: "password", label: context.t("Choisissez un mot de passe", "Choose a password"), type: .password, error: errors["password"],
                                hint: context.t("Au moins \(PasswordPolicy.minimumLength) caractères.", "At least \(PasswordPolicy.minimumLength) characters."), required: true, autocomplete: "new-password")),
                Kit.input(.init(name: "confirmation", label: context.t("Confirmez le mot de passe", "Confirm the password"), type: .password, error: errors["confirmation"], required: true, autocomplete: "new-password")),
                Kit.submit(context.t("Créer mon compte", "Create my account")))
        }
    }
}
