import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// Walks every registered route as someone of another cooperative and as a role without the
/// right. A route missing from `RouteKind.table` fails the test, so each new route has to say
/// who may use it.
@Suite("Access sweep over every route")
struct AccessSweepTests {
    enum RouteKind {
        /// Open to anyone (login, health, assets, invitation links).
        case open
        /// Any signed-in user, about themselves or what they can see.
        case anyUser
        /// Network administration.
        case networkAdmin
        /// Reading a cooperative or its territory.
        case view
        /// Changing a cooperative or who has access to it; the coordination's work on
        /// referrals and pathways.
        case manage
        /// Sending referrals and following one's own (referrers, and the coordination).
        case referral

        static let table: [String: RouteKind] = [
            "GET /healthz": .open, "GET /metrics": .open, "GET /api/v1/openapi.yaml": .open,
            "GET /assets/maillage.css": .open, "GET /login": .open, "POST /login": .open,
            "GET /logout": .open, "POST /logout": .open,
            "GET /invitations/:token": .open, "POST /invitations/:token": .open,
            "GET /": .anyUser, "GET /profile": .anyUser, "POST /profile/language": .anyUser,
            "POST /profile/password": .anyUser, "POST /profile/tokens": .anyUser,
            "POST /profile/tokens/:tokenID/revoke": .anyUser, "GET /coops": .anyUser, "GET /api/v1/me": .anyUser,
            "GET /api/v1/territories": .anyUser, "GET /api/v1/coops": .anyUser,
            "GET /territories": .networkAdmin, "GET /territories/new": .networkAdmin,
            "POST /territories/new": .networkAdmin, "GET /coops/new": .networkAdmin,
            "POST /coops/new": .networkAdmin, "GET /admin/users": .networkAdmin,
            "POST /admin/invitations": .networkAdmin, "POST /admin/roles/:assignmentID/revoke": .networkAdmin,
            "GET /admin/audit": .networkAdmin, "POST /api/v1/territories": .networkAdmin,
            "POST /api/v1/coops": .networkAdmin,
            "GET /territories/:territoryID": .view, "GET /coops/:coopID": .view,
            "GET /api/v1/territories/:territoryID": .view, "GET /api/v1/coops/:coopID": .view,
            "GET /coops/:coopID/edit": .manage, "POST /coops/:coopID/edit": .manage,
            "GET /coops/:coopID/access": .manage, "POST /coops/:coopID/access": .manage,
            "POST /coops/:coopID/access/:assignmentID/revoke": .manage,
            "PATCH /api/v1/coops/:coopID": .manage,
            "GET /coops/:coopID/referrals": .referral, "GET /coops/:coopID/referrals/new": .referral,
            "POST /coops/:coopID/referrals/new": .referral, "GET /coops/:coopID/referrals/:referralID": .referral,
            "POST /coops/:coopID/referrals/:referralID/transitions": .manage,
            "GET /coops/:coopID/pathways": .manage, "GET /coops/:coopID/pathways/:pathwayID": .manage,
            "POST /coops/:coopID/pathways/:pathwayID/exit": .manage,
            "GET /api/v1/coops/:coopID/referrals": .referral, "POST /api/v1/coops/:coopID/referrals": .referral,
            "GET /api/v1/coops/:coopID/referrals/:referralID": .referral,
            "POST /api/v1/coops/:coopID/referrals/:referralID/transitions": .manage,
            "GET /api/v1/coops/:coopID/pathways/:pathwayID": .manage,
            "GET /api/v1/coops/:coopID/pathways/summary": .manage,
            "POST /api/v1/coops/:coopID/pathways/:pathwayID/barriers": .manage,
            "POST /coops/:coopID/pathways/:pathwayID/barriers": .manage,
            "POST /api/v1/coops/:coopID/pathways/:pathwayID/exit": .manage,
        ]
    }

    struct Target {
        var coopID: UUID
        var territoryID: UUID
        var assignmentID: UUID
        var referralID: UUID
        var pathwayID: UUID

        func path(_ route: Route) -> String {
            "/" + route.path.map { component -> String in
                guard case .parameter(let name) = component else { return component.description }
                switch name {
                case "coopID": return coopID.uuidString
                case "territoryID": return territoryID.uuidString
                case "assignmentID": return assignmentID.uuidString
                case "referralID": return referralID.uuidString
                case "pathwayID": return pathwayID.uuidString
                default: return "x"
                }
            }.joined(separator: "/")
        }
    }

    @Test func everyRouteIsClassified() async throws {
        try await withMaillage { app in
            for route in app.routes.all {
                #expect(RouteKind.table[Self.key(route)] != nil, "unclassified route: \(Self.key(route))")
            }
        }
    }

    @Test func anotherCooperativesCoordinatorIsRefusedEverywhere() async throws {
        try await withMaillage { app in
            let target = try await Self.target(app)
            // Karim coordinates Avignon; the target is the Caillols cooperative in Marseille.
            let outcomes = try await Self.sweep(app, as: "coordination.avignon@maillage.example", target: target, kinds: [.networkAdmin, .view, .manage, .referral])
            for (key, kind, status) in outcomes {
                switch kind {
                case .view, .manage, .referral:
                    #expect(status == .notFound, "\(key) answered \(status.code), expected 404")
                default:
                    #expect(status == .forbidden, "\(key) answered \(status.code), expected 403")
                }
            }
            #expect(try await Demo.cooperative(Demo.caillols, app: app).name == Demo.caillols)
            #expect(try await RoleAssignment.find(target.assignmentID, on: app.db) != nil)
        }
    }

    @Test func aRoleWithoutTheRightIsRefusedInItsOwnCooperative() async throws {
        try await withMaillage { app in
            let target = try await Self.target(app)
            for email in ["caisse@maillage.example", "financeur@maillage.example", "orientation@maillage.example", "cooperant@maillage.example", "societaire@maillage.example"] {
                let outcomes = try await Self.sweep(app, as: email, target: target, kinds: [.networkAdmin, .view, .manage, .referral])
                for (key, kind, status) in outcomes {
                    if kind == .view {
                        #expect(status == .ok, "\(email): \(key) answered \(status.code), expected 200")
                    } else if kind == .referral && email == "orientation@maillage.example" {
                        // The referrer's own work: allowed (a page, a redirect or a form error).
                        #expect(status != .forbidden && status != .notFound, "\(email): \(key) answered \(status.code)")
                    } else {
                        #expect(status == .forbidden, "\(email): \(key) answered \(status.code), expected 403")
                    }
                }
            }
            #expect(try await RoleAssignment.find(target.assignmentID, on: app.db) != nil)
        }
    }

    @Test func anonymousVisitorsAreSentToLogin() async throws {
        try await withMaillage { app in
            let target = try await Self.target(app)
            for route in app.routes.all {
                guard let kind = RouteKind.table[Self.key(route)], kind != .open else { continue }
                let response = try await app.testing().sendRequest(route.method, target.path(route))
                if route.path.first?.description == "api" {
                    #expect(response.status == .unauthorized, "\(Self.key(route))")
                } else if route.method == .GET {
                    #expect(response.status == .seeOther, "\(Self.key(route))")
                    #expect(response.headers.first(name: .location)?.hasPrefix("/login") == true, "\(Self.key(route))")
                } else {
                    // A form post without a session is refused before anything else.
                    #expect(response.status == .forbidden, "\(Self.key(route))")
                }
            }
        }
    }

    // MARK: Helpers

    static func key(_ route: Route) -> String {
        "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
    }

    static func target(_ app: Application) async throws -> Target {
        let caillols = try await Demo.cooperative(Demo.caillols, app: app)
        let staff = try #require(try await AccessService(db: app.db).holders(scopes: [(.cooperative, caillols.id!)]).first { $0.email == "cooperant@maillage.example" })
        // A referral sent by the demo referrer, accepted by the coordinator.
        let referrer = try await TestActors.scope("orientation@maillage.example", coop: caillols, app: app)
        let request = Request(application: app, on: app.eventLoopGroup.next())
        let valid = try ReferralDraft(firstName: "Inès", lastName: "Balayage", reason: "Cuisine", consentGiven: true).validate(today: .today)
        let referral = try await PathwaysRepository(db: app.db, scope: referrer).createReferral(valid, request: request)
        let coordination = PathwaysRepository(db: app.db, scope: try await TestActors.scope("coordination@maillage.example", coop: caillols, app: app))
        for step in ["received", "interview", "accepted"] {
            _ = try await coordination.move(referral, to: step, reason: nil, shareReason: false, request: request)
        }
        return Target(coopID: caillols.id!, territoryID: caillols.$territory.id, assignmentID: staff.assignmentID,
                      referralID: referral.id!, pathwayID: try #require(referral.pathwayID))
    }

    /// Calls every route of the given kinds as `email`: pages with the session (and its CSRF
    /// token), the API with a bearer token. Bodies are valid, so only access can refuse them.
    static func sweep(_ app: Application, as email: String, target: Target, kinds: Set<RouteKind>) async throws -> [(String, RouteKind, HTTPResponseStatus)] {
        var browser = Browser(app)
        try await browser.login(email)
        let api = try await APIClient.forDemo(email, app: app)
        var outcomes: [(String, RouteKind, HTTPResponseStatus)] = []
        for route in app.routes.all {
            let key = key(route)
            guard let kind = RouteKind.table[key], kinds.contains(kind) else { continue }
            let path = target.path(route)
            let status: HTTPResponseStatus
            if route.path.first?.description == "api" {
                let json: String? = switch route.method {
                case .POST where path.hasSuffix("territories"): #"{"name":"Balayage","kind":"rural"}"#
                case .POST: #"{"name":"Balayage","territoryID":"\#(target.territoryID)","legalForm":"scic"}"#
                case .PATCH: #"{"stage":"consolidation"}"#
                case .POST where path.hasSuffix("referrals"): #"{"person":{"firstName":"A","lastName":"B"},"reason":"Balayage","consent":{"given":true}}"#
                case .POST where path.hasSuffix("transitions"): #"{"to":"refused","reason":"Balayage"}"#
                case .POST where path.hasSuffix("exit"): #"{"date":"2026-01-05","destination":"cdi"}"#
                case .POST where path.hasSuffix("barriers"): #"{"barrier":"mobility","level":"light"}"#
                default: nil
                }
                status = try await api.send(route.method, path, json: json).status
            } else if route.method == .GET {
                status = try await browser.get(path).status
            } else {
                try await browser.get("/profile")
                status = try await browser.post(path, form: [
                    "name": "Balayage", "kind": "rural", "territoryID": target.territoryID.uuidString,
                    "legalForm": "scic", "stage": "creation", "email": "balayage@exemple.fr", "role": "staff",
                    "scope": "cooperative:\(target.coopID.uuidString)", "to": "refused", "reason": "Balayage",
                    "firstName": "A", "lastName": "B", "consent": "on", "destination": "cdi", "date": "2026-01-05",
                    "barrier": "mobility", "level": "light",
                ]).status
            }
            outcomes.append((key, kind, status))
        }
        #expect(outcomes.count > 15)
        return outcomes
    }
}

extension AccessSweepTests.RouteKind: Hashable {}
