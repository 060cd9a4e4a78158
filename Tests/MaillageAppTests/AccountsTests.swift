import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

@Suite("Accounts: login, logout, CSRF, throttling, profile")
struct AccountsTests {
    @Test func loginLandsOnTheRoleHomeAndLogoutEndsTheSession() async throws {
        try await withMaillage { app in
            var browser = Browser(app)
            let page = try await browser.get("/login")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("<html lang=\"fr\">"))
            #expect(page.body.string.contains("Connexion à Maillage"))
            let anonymousCookie = browser.cookie

            let login = try await browser.post("/login", form: ["email": "Coordination@Maillage.example", "password": DemoData.password])
            #expect(login.status == .seeOther)
            #expect(login.headers.first(name: .location) == "/")
            // The session id changes at login.
            #expect(browser.cookie != nil && browser.cookie != anonymousCookie)
            let setCookie = try #require(login.headers.first(name: .setCookie))
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Lax"))

            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.body.string.contains("Bonjour, Claire Martin"))
            #expect(home.body.string.contains(Demo.caillols.replacingOccurrences(of: "'", with: "&#39;")) || home.body.string.contains("des Caillols"))
            // A coordinator has no network administration in the navigation.
            #expect(!home.body.string.contains("/admin/users"))

            let logout = try await browser.post("/logout", form: [:])
            #expect(logout.status == .seeOther)
            #expect(logout.headers.first(name: .location) == "/login")
            let after = try await browser.get("/")
            #expect(after.status == .seeOther)
            #expect(after.headers.first(name: .location)?.hasPrefix("/login") == true)
        }
    }

    @Test func wrongPasswordIsRefusedInFrench() async throws {
        try await withMaillage { app in
            var browser = Browser(app)
            let response = try await browser.login("coordination@maillage.example", password: "pas le bon mot de passe")
            #expect(response.status == .unauthorized)
            #expect(response.body.string.contains("Adresse électronique ou mot de passe incorrect."))
            #expect(response.body.string.contains("role=\"alert\""))
            let failures = try await LoginAttempt.query(on: app.db).filter(\.$succeeded == false).count()
            #expect(failures == 1)
        }
    }

    @Test func formsWithoutTheCSRFTokenAreRefused() async throws {
        try await withMaillage { app in
            var browser = Browser(app)
            try await browser.get("/login")
            let login = try await browser.post("/login", form: ["email": "coordination@maillage.example", "password": DemoData.password], withCSRF: false)
            #expect(login.status == .forbidden)
            #expect(login.body.string.contains("Formulaire expiré"))

            try await browser.login("coordination@maillage.example")
            let forged = try await browser.post("/profile/language", form: ["locale": "en", "_csrf": "forged"], withCSRF: false)
            #expect(forged.status == .forbidden)
            let user = try #require(try await User.query(on: app.db).filter(\.$email == "coordination@maillage.example").first())
            #expect(user.locale == "fr")
        }
    }

    @Test func fiveFailuresThrottleTheAccountEvenWithTheRightPassword() async throws {
        try await withMaillage { app in
            var browser = Browser(app)
            for _ in 0..<5 {
                let response = try await browser.login("caisse@maillage.example", password: "mauvais-mot-de-passe")
                #expect(response.status == .unauthorized)
            }
            let blocked = try await browser.login("caisse@maillage.example")
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.body.string.contains("Trop de tentatives de connexion"))
            #expect(blocked.headers.first(name: "Retry-After") != nil)
            // Another account from another address is not affected.
            let other = try await AccountService(db: app.db).login(email: "cooperant@maillage.example", password: DemoData.password, address: "10.0.0.2", request: nil)
            guard case .success = other else { Issue.record("another account should log in"); return }
        }
    }

    @Test func aSharedConnectionIsNotLockedOutByFiveMistakesButASweepIs() async throws {
        try await withMaillage { app in
            let accounts = AccountService(db: app.db)
            // A social centre's connection: five people mistype their password.
            for index in 0..<5 {
                _ = try await accounts.login(email: "inconnu\(index)@exemple.fr", password: "x", address: "192.0.2.7", request: nil)
            }
            let neighbour = try await accounts.login(email: "cooperant@maillage.example", password: DemoData.password, address: "192.0.2.7", request: nil)
            guard case .success = neighbour else { Issue.record("a shared address should not lock everyone out, got \(neighbour)"); return }
            // A sweep over many accounts from one address is stopped at the address's limit.
            for index in 5..<LoginThrottle.sharedAddress.maximumFailures {
                _ = try await accounts.login(email: "inconnu\(index)@exemple.fr", password: "x", address: "192.0.2.7", request: nil)
            }
            let result = try await accounts.login(email: "societaire@maillage.example", password: DemoData.password, address: "192.0.2.7", request: nil)
            guard case .throttled(let seconds) = result else { Issue.record("expected throttling, got \(result)"); return }
            #expect(seconds > 0 && seconds <= 900)
        }
    }

    @Test func fortyGuessesAtOnceGetFiveAnswers() async throws {
        try await withMaillage { app in
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        var browser = Browser(app)
                        return try await browser.login("caisse@maillage.example", password: "mauvais-mot-de-passe").status.code
                    }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 401 }.count == 5, "\(statuses)")
            #expect(statuses.filter { $0 == 429 }.count == 35, "\(statuses)")
            let failures = try await LoginAttempt.query(on: app.db).filter(\.$email == "caisse@maillage.example").count()
            #expect(failures == 5)
        }
    }

    @Test func languageAndPasswordChangeOnTheProfile() async throws {
        try await withMaillage { app in
            var browser = Browser(app)
            try await browser.login("cooperant@maillage.example")
            let profile = try await browser.get("/profile")
            #expect(profile.body.string.contains("id=\"language-form\""))
            let switched = try await browser.post("/profile/language", form: ["locale": "en"])
            #expect(switched.status == .seeOther)
            let home = try await browser.get("/")
            #expect(home.body.string.contains("<html lang=\"en\">"))
            #expect(home.body.string.contains("Hello, Fatou Diallo"))

            let weak = try await browser.post("/profile/password", form: ["currentPassword": DemoData.password, "newPassword": "azertyuiop", "confirmation": "azertyuiop"])
            #expect(weak.status == .unprocessableEntity)
            #expect(weak.body.string.contains("trop courant"))
            let changed = try await browser.post("/profile/password", form: ["currentPassword": DemoData.password, "newPassword": "une soupe pour le quartier", "confirmation": "une soupe pour le quartier"])
            #expect(changed.status == .seeOther)

            var other = Browser(app)
            #expect(try await other.login("cooperant@maillage.example").status == .unauthorized)
            #expect(try await other.login("cooperant@maillage.example", password: "une soupe pour le quartier").status == .seeOther)
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "password.changed").count()
            #expect(events == 1)
        }
    }

    @Test func pagesNeedALogin() async throws {
        try await withMaillage { app in
            var browser = Browser(app)
            for path in ["/", "/profile", "/coops", "/territories", "/admin/users", "/admin/audit"] {
                let response = try await browser.get(path)
                #expect(response.status == .seeOther, "\(path)")
                #expect(response.headers.first(name: .location)?.hasPrefix("/login") == true, "\(path)")
            }
        }
    }

    @Test func apiTokensAreCreatedShownOnceAndRevokedFromTheProfile() async throws {
        try await withMaillage { app in
            var browser = Browser(app)
            try await browser.login("financeur@maillage.example")
            let empty = try await browser.post("/profile/tokens", form: ["tokenName": " "])
            #expect(empty.status == .unprocessableEntity)
            let created = try await browser.post("/profile/tokens", form: ["tokenName": "Tableau de bord Métropole"])
            #expect(created.status == .created)
            let html = created.body.string
            let start = try #require(html.range(of: "id=\"new-token\">"))
            let secret = String(html[start.upperBound...].prefix { $0 != "<" })
            #expect(secret.hasPrefix("mlg_"))
            // Only the digest is stored.
            let stored = try #require(try await ApiToken.query(on: app.db).filter(\.$name == "Tableau de bord Métropole").first())
            #expect(stored.tokenHash == Secrets.digest(secret))
            #expect(try await browser.get("/profile").body.string.contains(secret) == false)

            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: secret)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/me", headers: headers).status == .ok)

            // Someone else cannot revoke it.
            var other = Browser(app)
            try await other.login("caisse@maillage.example")
            #expect(try await other.post("/profile/tokens/\(stored.id!)/revoke", form: [:]).status == .notFound)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/me", headers: headers).status == .ok)

            try await browser.get("/profile")
            #expect(try await browser.post("/profile/tokens/\(stored.id!)/revoke", form: [:]).status == .seeOther)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/me", headers: headers).status == .unauthorized)
        }
    }
}
