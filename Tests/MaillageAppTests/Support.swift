import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import NIOCore
import Testing
import VaporTesting

/// Runs `body` against a fresh Maillage with the demo loaded: in-memory SQLite, or, when
/// `DATABASE_URL` is set, a schema of its own in that PostgreSQL database (dropped after).
func withMaillage(_ body: (Application) async throws -> Void) async throws {
    TestEnvironment.prepare()
    let app = try await Application.make(.testing)
    let schema = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    let choice: DatabaseChoice
    if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], url.hasPrefix("postgres") {
        choice = .postgres(url: url, schema: schema)
    } else {
        choice = .sqliteMemory
    }
    do {
        try await configure(app, options: MaillageOptions(database: choice))
        try await app.autoMigrate()
        try await DemoData.load(on: app.db)
        try await body(app)
    } catch {
        try? await cleanUp(app, choice: choice)
        throw error
    }
    try await cleanUp(app, choice: choice)
}

private func cleanUp(_ app: Application, choice: DatabaseChoice) async throws {
    // The app is shut down even when dropping the schema fails (an app left running crashes
    // the whole test process when it is released).
    var dropError: (any Error)?
    if case .postgres(_, let schema?) = choice {
        do { try await DatabaseSetup.dropSchema(schema, on: app.db) } catch { dropError = error }
    }
    try await app.asyncShutdown()
    if let dropError { throw dropError }
}

enum TestEnvironment {
    /// bcrypt at its lowest cost keeps the suite fast; the cost does not change the logic.
    static let ready: Bool = {
        setenv("MAILLAGE_BCRYPT_COST", "4", 1)
        return true
    }()

    static func prepare() { _ = ready }
}

/// A browser-like client: keeps the session cookie and reads the CSRF token from pages.
struct Browser {
    let app: Application
    var cookie: String?
    var csrf: String?

    init(_ app: Application) { self.app = app }

    @discardableResult
    mutating func get(_ path: String) async throws -> TestingHTTPResponse {
        let response = try await send(.GET, path)
        if let token = Self.csrfToken(in: response.body.string) { csrf = token }
        return response
    }

    /// Posts a form with the CSRF token (unless `withCSRF` is false).
    @discardableResult
    mutating func post(_ path: String, form: [String: String], withCSRF: Bool = true) async throws -> TestingHTTPResponse {
        var fields = form
        if withCSRF, let csrf { fields["_csrf"] = csrf }
        let body = fields.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        let response = try await send(.POST, path, headers: headers, body: ByteBuffer(string: body))
        if let token = Self.csrfToken(in: response.body.string) { csrf = token }
        return response
    }

    mutating func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil) async throws -> TestingHTTPResponse {
        var headers = headers
        if let cookie { headers.replaceOrAdd(name: .cookie, value: "maillage-session=\(cookie)") }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        if let setCookie = response.headers.setCookie?["maillage-session"] {
            cookie = setCookie.string.isEmpty ? nil : setCookie.string
        }
        return response
    }

    /// Opens the login page and logs in; returns the response to the login POST.
    @discardableResult
    mutating func login(_ email: String, password: String = DemoData.password) async throws -> TestingHTTPResponse {
        try await get("/login")
        let response = try await post("/login", form: ["email": email, "password": password])
        // Like a browser, follow the redirect: the new session gets its own CSRF token.
        if response.status == .seeOther, let location = response.headers.first(name: .location) {
            try await get(location)
        }
        return response
    }

    static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
    }
}

/// Calls to the JSON API with a bearer token.
struct APIClient {
    let app: Application
    let token: String

    static func forDemo(_ email: String, app: Application) async throws -> APIClient {
        let user = try #require(try await User.query(on: app.db).filter(\.$email == email).first())
        return APIClient(app: app, token: try await AccountService(db: app.db).createToken(for: user, name: "test", actor: nil))
    }

    func send(_ method: HTTPMethod, _ path: String, json: String? = nil, headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var headers = extra
        headers.bearerAuthorization = BearerAuthorization(token: token)
        if json != nil { headers.contentType = .json }
        return try await app.testing().sendRequest(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    func json(_ method: HTTPMethod, _ path: String, json: String? = nil, headers: HTTPHeaders = [:]) async throws -> [String: Any] {
        let response = try await send(method, path, json: json, headers: headers)
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }
}

enum Demo {
    static func cooperative(_ name: String, app: Application) async throws -> Cooperative {
        try #require(try await Cooperative.query(on: app.db).filter(\.$name == name).first())
    }

    static let caillols = "Coopérative d'habitants des Caillols"
    static let avignon = "Coopérative d'habitants d'Avignon"
    static let vendomois = "Coopérative rurale du Vendômois"
}

extension TestingHTTPResponse {
    var problem: [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
    }
}

enum TestActors {
    /// The cooperative scope a demo user works in, as the app builds it for their requests.
    static func scope(_ email: String, coop: Cooperative, app: Application) async throws -> CooperativeScope {
        let user = try #require(try await User.query(on: app.db).filter(\.$email == email).first())
        let principal = try #require(try await PrincipalLoader.load(userID: user.id!, db: app.db, viaBearerToken: false))
        return CooperativeScope(cooperative: coop, principal: principal)
    }
}
