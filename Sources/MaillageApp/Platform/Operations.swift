import Fluent
import Foundation
import Metrics
import Prometheus
import Vapor

/// `/healthz`, `/metrics` and the OpenAPI document.
struct OperationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("healthz", use: health)
        routes.get("metrics", use: metrics)
        routes.get("api", "v1", "openapi.yaml", use: openAPI)
        routes.get("assets", "maillage.css") { _ in Stylesheet.response() }
        routes.get("assets", "till.js") { _ in TillScript.response() }
        routes.get("assets", "print.js") { _ in TillScript.response(PrintScript.text) }
        routes.get("assets", "till-sw.js") { _ in
            // The worker controls the tills under /coops/ (its own folder would be /assets/).
            let response = TillScript.response(TillServiceWorker.text)
            response.headers.replaceOrAdd(name: "Service-Worker-Allowed", value: "/coops/")
            return response
        }
    }

    struct Health: Content {
        var status: String
        var database: String
    }

    func health(request: Request) async throws -> Response {
        do {
            try await DatabaseSetup.ping(request.db)
            return try Idempotency.encode(status: .ok, body: Health(status: "ok", database: "ok"))
        } catch {
            request.logger.error("Health check: database unreachable: \(String(reflecting: error))")
            return try Idempotency.encode(status: .serviceUnavailable, body: Health(status: "error", database: "unreachable"))
        }
    }

    func metrics(request: Request) async throws -> Response {
        var buffer: [UInt8] = []
        MetricsSetup.registry.emit(into: &buffer)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: String(decoding: buffer, as: UTF8.self)))
    }

    func openAPI(request: Request) async throws -> Response {
        guard let text = OpenAPIDocument.text else { throw Problem.notFound }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "yaml", parameters: ["charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}

/// The OpenAPI description: `docs/openapi.yaml`, compiled into the binary (through the
/// `Resources/openapi.yaml` link) so that a deployed server serves it without the sources.
enum OpenAPIDocument {
    static let text: String? = String(decoding: PackageResources.openapi_yaml, as: UTF8.self)
}

/// The till's script (`Resources/till.js`), compiled into the binary like the OpenAPI document.
enum TillScript {
    static let text = String(decoding: PackageResources.till_js, as: UTF8.self)

    static func response(_ script: String = text) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        return Response(status: .ok, headers: headers, body: .init(string: script))
    }
}

/// The till's service worker (`Resources/till-sw.js`): the till opens without the network.
enum TillServiceWorker {
    static let text = String(decoding: PackageResources.till_sw_js, as: UTF8.self)
}

/// The printing pages' script (`Resources/print.js`).
enum PrintScript {
    static let text = String(decoding: PackageResources.print_js, as: UTF8.self)
}

/// swift-metrics can be bootstrapped once per process: the registry lives here and every
/// `Application` (tests create many) shares it.
enum MetricsSetup {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
