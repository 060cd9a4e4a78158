import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

/// `/profile`: one's own name, roles, language and password.
struct ProfileController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("profile", use: show)
        routes.post("profile", "language", use: changeLanguage)
        routes.post("profile", "password", use: changePassword)
        routes.post("profile", "tokens", use: createToken)
        routes.post("profile", "tokens", ":tokenID", "revoke", use: revokeToken)
    }

    struct TokenForm: Content {
        var name: String?
        enum CodingKeys: String, CodingKey { case name = "tokenName" }
    }

    /// A new API token, shown once on the profile page.
    func createToken(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        guard Self.mayUseAPI(principal) else { throw Problem.forbidden }
        let form = try request.content.decode(TokenForm.self)
        var errors = FieldErrors()
        let name = TextRules.requireName(form.name, field: "tokenName", max: 100, into: &errors)
        guard errors.isEmpty else { return try await render(request, tokenErrors: errors.messages, status: .unprocessableEntity) }
        guard let user = try await User.find(principal.userID, on: request.db) else { throw Problem.unauthenticated }
        let secret = try await AccountService(db: request.db).createToken(for: user, name: name, actor: principal.userID)
        return try await render(request, newToken: secret, status: .created)
    }

    func revokeToken(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let id = try request.uuidParameter("tokenID")
        // Only one's own tokens: another user's token id is unknown here.
        guard let token = try await ApiToken.query(on: request.db).filter(\.$id == id).filter(\.$user.$id == principal.userID).first() else {
            throw Problem.notFound
        }
        try await token.delete(on: request.db)
        request.flash(request.language.t("Jeton révoqué.", "Token revoked."))
        return request.redirect(to: SiteURL.profile.path)
    }

    struct LanguageForm: Content { var locale: String? }
    struct PasswordForm: Content {
        var currentPassword: String?
        var newPassword: String?
        var confirmation: String?
    }

    func show(request: Request) async throws -> Response {
        try await render(request)
    }

    func changeLanguage(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let form = try request.content.decode(LanguageForm.self)
        guard let language = AppLanguage(rawValue: form.locale ?? "") else {
            throw Problem.invalid(FieldErrors(["locale": "Choisissez le français ou l'anglais."]))
        }
        try await User.query(on: request.db).filter(\.$id == principal.userID).set(\.$locale, to: language.rawValue).update()
        request.flash(language.t("Langue enregistrée.", "Language saved."))
        return request.redirect(to: SiteURL.profile.path)
    }

    func changePassword(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let form = try request.content.decode(PasswordForm.self)
        let language = request.language
        guard let user = try await User.find(principal.userID, on: request.db) else { throw Problem.unauthenticated }
        var errors = FieldErrors()
        if !((try? Bcrypt.verify(form.currentPassword ?? "", created: user.passwordHash)) ?? false) {
            errors.add("currentPassword", language.t("Le mot de passe actuel est incorrect.", "The current password is wrong."))
        }
        let newPassword = form.newPassword ?? ""
        if let problem = PasswordPolicy.problem(with: newPassword, email: user.email) {
            errors.add("newPassword", problem)
        } else if newPassword != form.confirmation {
            errors.add("confirmation", language.t("Les deux mots de passe ne sont pas identiques.", "The two passwords differ."))
        }
        guard errors.isEmpty else { return try await render(request, passwordErrors: errors.messages, status: .unprocessableEntity) }
        user.passwordHash = try AccountService.hash(newPassword)
        try await request.db.transaction { tx in
            try await user.save(on: tx)
            try await request.audit(.passwordChanged, on: tx, subject: AuditSubject(entityType: "user", entityID: user.id))
        }
        request.flash(language.t("Mot de passe modifié.", "Password changed."))
        return request.redirect(to: SiteURL.profile.path)
    }

    private func render(
        _ request: Request, passwordErrors: [String: String] = [:], tokenErrors: [String: String] = [:],
        newToken: String? = nil, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let principal = try request.requirePrincipal()
        let names = try await ScopeNames.load(for: principal.grants, db: request.db)
        let tokens = try await ApiToken.query(on: request.db).filter(\.$user.$id == principal.userID).sort(\.$createdAt).all()
        let dates = DateFormatter()
        dates.dateStyle = .medium
        dates.timeStyle = .short
        dates.locale = Locale(identifier: request.language == .french ? "fr_FR" : "en_GB")
        let context = request.pageContext()
        let roles = principal.grants.map { grant in
            let role = context.language == .french ? grant.role.frenchLabel : grant.role.englishLabel
            return "\(role) — \(names.label(for: grant.scope, language: context.language))"
        }
        let content: BodyNode = .group(
            .h1(.text(context.t("Mon profil", "My profile"))),
            .section(
                .class("panel"),
                Kit.facts([
                    (context.t("Nom", "Name"), principal.name),
                    (context.t("Adresse électronique", "Email address"), principal.email),
                ]),
                .h2(.text(context.t("Mes rôles", "My roles"))),
                roles.isEmpty
                    ? .p(.text(context.t("Aucun rôle pour l'instant.", "No role yet.")))
                    : .ul(.forEach(roles) { .li(.text($0)) })
            ),
            .section(
                .class("panel"),
                .h2(.text(context.t("Langue", "Language"))),
                .form(
                    .id("language-form"), .action(SiteURL.profileLanguage.path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(
                        name: "locale", label: context.t("Langue de l'interface", "Interface language"),
                        options: AppLanguage.allCases.map { ($0.rawValue, $0.nativeName) }, selected: principal.language.rawValue
                    ),
                    Kit.submit(context.t("Enregistrer la langue", "Save language"), id: "language-submit")
                )
            ),
            .section(
                .class("panel"),
                .h2(.text(context.t("Mot de passe", "Password"))),
                Kit.errorSummary(passwordErrors, order: ["currentPassword", "newPassword", "confirmation"], context: context),
                .form(
                    .id("password-form"), .action(SiteURL.profilePassword.path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.input(.init(name: "currentPassword", label: context.t("Mot de passe actuel", "Current password"), type: .password, error: passwordErrors["currentPassword"], required: true, autocomplete: "current-password")),
                    Kit.input(.init(name: "newPassword", label: context.t("Nouveau mot de passe", "New password"), type: .password, error: passwordErrors["newPassword"],
                                    hint: context.t("Au moins \(PasswordPolicy.minimumLength) caractères ; une phrase facile à retenir convient bien.", "At least \(PasswordPolicy.minimumLength) characters; an easy-to-remember phrase works well."),
                                    required: true, autocomplete: "new-password")),
                    Kit.input(.init(name: "confirmation", label: context.t("Confirmez le nouveau mot de passe", "Confirm the new password"), type: .password, error: passwordErrors["confirmation"], required: true, autocomplete: "new-password")),
                    Kit.submit(context.t("Changer le mot de passe", "Change password"), id: "password-submit")
                )
            ),
            // Residents and associates use the pages, not other software: no tokens offered
            // to them (one made before stays listed, so that it can be revoked).
            .if(Self.mayUseAPI(principal) || !tokens.isEmpty, .section(
                .class("panel"),
                .h2(.text(context.t("Jetons d'API", "API tokens"))),
                .p(.class("muted"), .text(context.t(
                    "Un jeton permet à un autre logiciel d'utiliser l'API en votre nom, avec vos rôles. Il n'est affiché qu'une fois.",
                    "A token lets other software use the API on your behalf, with your roles. It is shown only once."
                ))),
                .unwrap(newToken) { secret in
                    .div(.class("flash"), .attribute(named: "role", value: "status"),
                         .p(.text(context.t("Votre nouveau jeton (copiez-le maintenant) :", "Your new token (copy it now):"))),
                         .element(named: "code", nodes: [.class("secret"), .id("new-token"), .text(secret)]))
                },
                tokens.isEmpty ? .p(.text(context.t("Aucun jeton.", "No token."))) :
                .ul(.forEach(tokens) { token in
                    .li(.text(token.name + " — " + context.t("créé le ", "created ") + (token.createdAt.map { dates.string(from: $0) } ?? "")),
                        .form(.class("inline"), .action(SiteURL.profileTokenRevoke(token.id!).path), .method(.post),
                              Kit.csrfField(context.csrfToken),
                              .text(" "),
                              .button(.type(.submit), .class("danger"),
                                      .attribute(named: "aria-label", value: context.t("Révoquer le jeton \(token.name)", "Revoke token \(token.name)")),
                                      .text(context.t("Révoquer", "Revoke")))))
                }),
                .if(Self.mayUseAPI(principal), .group(
                    Kit.errorSummary(tokenErrors, order: ["tokenName"], context: context),
                    .form(
                        .id("token-form"), .action(SiteURL.profileTokens.path), .method(.post),
                        Kit.csrfField(context.csrfToken),
                        Kit.input(.init(name: "tokenName", label: context.t("À quoi servira le jeton ?", "What is the token for?"), error: tokenErrors["tokenName"], required: true, autocomplete: "off")),
                        Kit.submit(context.t("Créer un jeton", "Create a token"), id: "token-submit")
                    )
                ))
            ))
        )
        return Layout.render(context, title: context.t("Mon profil", "My profile"), status: status, content: content)
    }

    /// Whether someone's roles give them a use for the API (software of their organisation).
    static func mayUseAPI(_ principal: Principal) -> Bool {
        principal.roles.contains { $0 != .cooperant && $0 != .member }
    }
}

/// Names of the places roles are held on, to show "Coordination — Coopérative X".
struct ScopeNames: Sendable {
    var networks: [UUID: String] = [:]
    var territories: [UUID: String] = [:]
    var cooperatives: [UUID: String] = [:]

    static func load(for grants: [RoleGrant], db: any Database) async throws -> ScopeNames {
        func ids(_ kind: ScopeKind) -> [UUID] { grants.filter { $0.scope.kind == kind }.compactMap { UUID(uuidString: $0.scope.id) } }
        return try await load(networks: ids(.network), territories: ids(.territory), cooperatives: ids(.cooperative), db: db)
    }

    static func load(networks: [UUID], territories: [UUID], cooperatives: [UUID], db: any Database) async throws -> ScopeNames {
        var names = ScopeNames()
        if !networks.isEmpty {
            for row in try await Network.query(on: db).filter(\.$id ~~ networks).all() { names.networks[row.id!] = row.name }
        }
        if !territories.isEmpty {
            for row in try await Territory.query(on: db).filter(\.$id ~~ territories).all() { names.territories[row.id!] = row.name }
        }
        if !cooperatives.isEmpty {
            for row in try await Cooperative.query(on: db).filter(\.$id ~~ cooperatives).all() { names.cooperatives[row.id!] = row.name }
        }
        return names
    }

    func label(for scope: Scope, language: AppLanguage) -> String {
        let id = UUID(uuidString: scope.id)
        switch scope.kind {
        case .network: return id.flatMap { networks[$0] } ?? "?"
        case .territory: return language.t("Territoire : ", "Territory: ") + (id.flatMap { territories[$0] } ?? "?")
        case .cooperative: return id.flatMap { cooperatives[$0] } ?? "?"
        }
    }
}
