import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

extension Request {
    /// Signs `userID` in with a new session id, so that an id planted before login is worth
    /// nothing; the anonymous session is deleted.
    func startSession(for userID: UUID) async throws {
        if let oldID = session.id {
            try await StoredSessionDriver().deleteSession(oldID, for: self)
        }
        session.id = nil
        session.data = SessionData()
        session.data[PrincipalMiddleware.sessionUserKey] = userID.uuidString
    }

    /// The visitor's address for login throttling. Behind a reverse proxy every request comes
    /// from the proxy, so with `MAILLAGE_BEHIND_PROXY=1` the proxy's `X-Forwarded-For` is used
    /// (only then: a client could forge it otherwise).
    var clientAddress: String {
        if Environment.get("MAILLAGE_BEHIND_PROXY") == "1",
           let forwarded = headers.first(name: .xForwardedFor)?.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
           !forwarded.isEmpty {
            return forwarded
        }
        return remoteAddress?.ipAddress ?? "inconnue"
    }
}

/// `/login`, `/logout`.
struct AuthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", use: showLogin)
        routes.post("login", use: login)
        routes.get("logout", use: showLogout)
        routes.post("logout", use: logout)
    }

    struct LoginForm: Content {
        var email: String?
        var password: String?
        var next: String?
    }

    func showLogin(request: Request) async throws -> Response {
        if request.principal != nil { return request.redirect(to: SiteURL.home.path) }
        if let lang = request.query[String.self, at: "lang"], AppLanguage(rawValue: lang) != nil {
            request.session.data[Request.anonymousLanguageKey] = lang
        }
        return LoginPage.render(LoginPage.Model(email: "", next: request.query[String.self, at: "next"], error: nil), context: request.pageContext())
    }

    func login(request: Request) async throws -> Response {
        let form = try request.content.decode(LoginForm.self)
        let email = form.email ?? ""
        let address = request.clientAddress
        let model = LoginPage.Model(email: email, next: form.next, error: nil)
        let result = try await AccountService(db: request.db).login(email: email, password: form.password ?? "", address: address, request: request)
        switch result {
        case .throttled(let seconds):
            let problem = Problem.tooManyAttempts(retryAfter: seconds)
            let response = LoginPage.render(model.with(error: problem.detail), context: request.pageContext(), status: .tooManyRequests)
            response.headers.replaceOrAdd(name: "Retry-After", value: String(seconds))
            return response
        case .invalid:
            return LoginPage.render(
                model.with(error: request.language.t("Adresse électronique ou mot de passe incorrect.", "Wrong email or password.")),
                context: request.pageContext(), status: .unauthorized
            )
        case .success(let user):
            try await request.startSession(for: user.id!)
            return request.redirect(to: Self.safeNext(form.next))
        }
    }

    /// Only local paths, so that the login page cannot send anyone to another site.
    static func safeNext(_ next: String?) -> String {
        guard let next, LocalRedirect.isSafe(next), !next.hasPrefix("/login") else { return SiteURL.home.path }
        return next
    }

    func showLogout(request: Request) async throws -> Response {
        guard request.principal != nil else { return request.redirect(to: SiteURL.login(next: nil).path) }
        let context = request.pageContext()
        let content: BodyNode = .div(
            .class("panel"),
            .h1(.text(context.t("Se déconnecter", "Log out"))),
            .form(
                .action(SiteURL.logout.path), .method(.post),
                Kit.csrfField(context.csrfToken),
                Kit.submit(context.t("Se déconnecter", "Log out"))
            )
        )
        return Layout.render(context, title: context.t("Se déconnecter", "Log out"), content: content)
    }

    func logout(request: Request) async throws -> Response {
        if let principal = request.principal {
            try await request.audit(.logout, subject: AuditSubject(entityType: "user", entityID: principal.userID))
        }
        request.session.destroy()
        return request.redirect(to: SiteURL.login(next: nil).path)
    }
}

enum LoginPage {
    struct Model: Sendable {
        var email: String
        var next: String?
        var error: String?

        func with(error: String) -> Model {
            var copy = self
            copy.error = error
            return copy
        }
    }

    static func render(_ model: Model, context: PageContext, status: HTTPResponseStatus = .ok) -> Response {
        let content: BodyNode = .div(
            .class("panel login"),
            .h1(.text(context.t("Connexion à Maillage", "Log in to Maillage"))),
            .p(.class("muted"), .text(context.t(
                "Le logiciel des coopératives d'habitants : parcours, activité solidaire, gouvernance et impact.",
                "Software for residents' cooperatives: pathways, solidarity trade, governance and impact."
            ))),
            .unwrap(model.error) { .p(.class("alert"), .attribute(named: "role", value: "alert"), .text($0)) },
            .form(
                .id("login-form"), .action(SiteURL.login(next: nil).path), .method(.post),
                Kit.csrfField(context.csrfToken),
                .unwrap(model.next) { .input(.type(.hidden), .name("next"), .value($0)) },
                Kit.input(.init(name: "email", label: context.t("Adresse électronique", "Email address"), value: model.email, type: .email, required: true, autocomplete: "username")),
                Kit.input(.init(name: "password", label: context.t("Mot de passe", "Password"), type: .password, required: true, autocomplete: "current-password")),
                Kit.submit(context.t("Se connecter", "Log in"), id: "login-submit")
            ),
            .p(.class("languages"),
               .a(.href("/login?lang=fr"), .attribute(named: "lang", value: "fr"), .text("Français")),
               .a(.href("/login?lang=en"), .attribute(named: "lang", value: "en"), .text("English")))
        )
        return Layout.render(context, title: context.t("Connexion", "Log in"), status: status, content: content)
    }
}
