import Fluent
import Foundation
@testable import MaillageApp
import Testing
import VaporTesting

@Suite("Operations: health, metrics, OpenAPI, headers, migrations")
struct OperationsTests {
    @Test func healthChecksTheDatabase() async throws {
        try await withMaillage { app in
            let response = try await app.testing().sendRequest(.GET, "/healthz")
            #expect(response.status == .ok)
            #expect(response.body.string.contains("\"database\":\"ok\""))
        }
    }

    @Test func metricsAreExposedInPrometheusText() async throws {
        try await withMaillage { app in
            _ = try await app.testing().sendRequest(.GET, "/healthz")
            let response = try await app.testing().sendRequest(.GET, "/metrics")
            #expect(response.status == .ok)
            #expect(response.body.string.contains("http_requests_total"))
        }
    }

    @Test func pagesCarrySecurityHeadersAndARequestID() async throws {
        try await withMaillage { app in
            let response = try await app.testing().sendRequest(.GET, "/login")
            let csp = try #require(response.headers.first(name: "Content-Security-Policy"))
            #expect(csp.contains("frame-ancestors 'none'"))
            #expect(!csp.contains("unsafe-inline"))
            #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(response.headers.first(name: "Referrer-Policy") == "same-origin")
            #expect(response.headers.first(name: "X-Request-Id")?.isEmpty == false)
        }
    }

    /// Every `/api/v1` route the app registers must be described in docs/openapi.yaml.
    @Test func everyAPIRouteIsInTheOpenAPIDocument() async throws {
        try await withMaillage { app in
            let documented = try OpenAPIPaths.load()
            let registered = app.routes.all.filter { $0.path.first?.description == "api" }.map { route in
                let path = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                return OpenAPIPaths.Operation(method: route.method.rawValue.lowercased(), path: path)
            }
            #expect(registered.count >= 9)
            for operation in registered {
                #expect(documented.contains(operation), "missing in docs/openapi.yaml: \(operation.method.uppercased()) \(operation.path)")
            }
            for operation in documented {
                #expect(registered.contains(operation), "documented but not served: \(operation.method.uppercased()) \(operation.path)")
            }
        }
    }

    @Test func theServedDocumentIsTheOneInDocs() async throws {
        try await withMaillage { app in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.body.string == (try String(contentsOf: OpenAPIPaths.file, encoding: .utf8)))
        }
    }

    @Test func migrationsRevertAndRunAgain() async throws {
        try await withMaillage { app in
            try await app.autoRevert()
            try await app.autoMigrate()
            #expect(try await User.query(on: app.db).count() == 0)
            try await DemoData.load(on: app.db)
            #expect(try await DemoData.load(on: app.db) == false)
            #expect(try await Cooperative.query(on: app.db).count() == 3)
            #expect(try await Territory.query(on: app.db).count() == 3)
        }
    }
}

/// Reads the operations of docs/openapi.yaml: paths at two spaces, methods at four.
enum OpenAPIPaths {
    struct Operation: Hashable, CustomStringConvertible {
        var method: String
        var path: String
        var description: String { "\(method) \(path)" }
    }

    static let file = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.yaml")

    static func load() throws -> Set<Operation> {
        let text = try String(contentsOf: file, encoding: .utf8)
        var operations = Set<Operation>()
        var inPaths = false
        var current: String?
        let methods: Set<String> = ["get", "post", "put", "patch", "delete"]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            if inPaths, let first = line.first, !first.isWhitespace, !line.hasPrefix("#") { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   ") {
                current = String(line.dropFirst(2).dropLast(line.hasSuffix(":") ? 1 : 0))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let current {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if methods.contains(String(key)) { operations.insert(Operation(method: String(key), path: current)) }
            }
        }
        return operations
    }
}
