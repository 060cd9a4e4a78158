import Vapor

/// Cross-site request forgery protection: every state-changing request carried by the
/// session cookie must prove it comes from one of our pages, with the session's token in
/// the form field `_csrf` (forms) or the `X-CSRF-Token` header (scripts calling the API).
/// Bearer-token API calls carry no ambient credential and are exempt.
struct CSRFMiddleware: AsyncMiddleware {
    static let fieldName = "_csrf"
    static let headerName = "X-CSRF-Token"
    static let sessionKey = "csrf"
    /// The forms that send a file, and their routes' own limits: the token is read from the
    /// body before the route runs, so the route's limit is applied here.
    static func uploadLimit(path: String) -> Int? {
        if path.hasSuffix("/purchases/import") { return UploadLimit.purchasesFile.value }
        if path.hasSuffix("/attachment") { return UploadLimit.attachment.value }
        return nil
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let safe: [HTTPMethod] = [.GET, .HEAD, .OPTIONS]
        guard !safe.contains(request.method), request.headers.bearerAuthorization == nil else {
            return try await next.respond(to: request)
        }
        // An API call that the session does not authenticate carries no ambient credential:
        // the route answers 401 itself.
        if request.isAPI && request.principal == nil {
            return try await next.respond(to: request)
        }
        guard request.hasSession, let expected = request.session.data[Self.sessionKey] else {
            throw Problem.csrf
        }
        var presented = request.headers.first(name: Self.headerName)
        if presented == nil, request.headers.contentType == .urlEncodedForm || request.headers.contentType?.subType == "form-data" {
            // A form with a file (an invoice, a purchases file) may be larger than the default.
            let limit = Self.uploadLimit(path: request.url.path) ?? request.application.routes.defaultMaxBodySize.value
            _ = try await request.body.collect(max: limit).get()
            presented = try? request.content.get(String.self, at: Self.fieldName)
        }
        guard let presented, Secrets.constantTimeEquals(presented, expected) else {
            throw Problem.csrf
        }
        return try await next.respond(to: request)
    }
}

/// The bodies larger than the default 1 MB, for the routes and the CSRF check alike.
enum UploadLimit {
    static let purchasesFile: ByteCount = "10mb"
    static let attachment: ByteCount = "6mb"
}

extension Request {
    /// The session's CSRF token, created on first use (which starts a session for a visitor
    /// of the login page, so that the login form itself is protected).
    var csrfToken: String {
        if let token = session.data[CSRFMiddleware.sessionKey] { return token }
        let token = Secrets.make()
        session.data[CSRFMiddleware.sessionKey] = token
        return token
    }
}

/// Headers that close common doors: no framing, no MIME sniffing, no inline script, no
/// referrer leaking ids to other sites, and a request id to find a request in the logs.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    /// Served over HTTPS (`MAILLAGE_PUBLIC_URL=https://…`): browsers are told to come back
    /// over HTTPS only, for two years, so that nobody on a café's network can strip it.
    var strictTransportSecurity = false

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if strictTransportSecurity {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains")
        }
        let headers = [
            ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ]
        for (name, value) in headers where !response.headers.contains(name: name) {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        if let id = request.requestID {
            response.headers.replaceOrAdd(name: "X-Request-Id", value: id)
        }
        if response.headers.first(name: .cacheControl) == nil, request.principal != nil {
            // Pages with personal data must not stay in shared caches.
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}
