import Fluent
import Foundation
import MaillageCore
import Vapor

/// The indicator catalogue, and the dashboards of a cooperative, a territory and the network:
/// `/api/v1/indicators`, `/api/v1/coops/:coopID/indicators(.csv)`,
/// `/api/v1/territories/:territoryID/indicators`, `/api/v1/network/indicators`, and the pages
/// `/indicators`, `/coops/:coopID/impact`, `/territories/:territoryID/impact`, `/network/impact`.
struct ImpactController: RouteCollection {
    let api: Bool

    func boot(routes: any RoutesBuilder) throws {
        if api {
            routes.get("indicators", use: catalogue)
            routes.get("coops", ":coopID", "indicators", use: cooperative)
            routes.get("coops", ":coopID", "indicators.csv", use: cooperativeCSV)
            routes.get("territories", ":territoryID", "indicators", use: territory)
            routes.get("territories", ":territoryID", "indicators.csv", use: territoryCSV)
            routes.get("network", "indicators", use: network)
            routes.get("network", "indicators.csv", use: networkCSV)
            routes.get("network", "settings", use: settings)
            routes.put("network", "settings", use: saveSettings)
        } else {
            routes.get("indicators", use: cataloguePage)
            routes.get("coops", ":coopID", "impact", use: cooperativePage)
            routes.get("territories", ":territoryID", "impact", use: territoryPage)
            routes.get("network", "impact", use: networkPage)
            routes.post("network", "settings", use: saveSettingsFromForm)
        }
    }

    /// The threshold of the statistical secret: the network's setting (five people by default).
    static func threshold(of networkID: UUID, on db: any Database) async throws -> Int {
        try await Network.find(networkID, on: db)?.secretThreshold ?? StatisticalSecret.defaultThreshold
    }

    static func period(_ request: Request) throws -> DayPeriod {
        try ImpactRepository.period(from: request.query[String.self, at: "from"], to: request.query[String.self, at: "to"], today: .today)
    }

    // MARK: The data behind the API and the pages

    struct CooperativeBoard {
        var cooperative: Cooperative
        var exact: Bool
        var period: DayPeriod
        var rows: [IndicatorRow]
        var threshold: Int
        /// Month by month, the indicators of `ImpactFigures.monthlySeries` as the viewer may see them.
        var months: [(month: DayPeriod, figures: [ShownFigure])] = []
    }

    static func cooperativeBoard(_ request: Request) async throws -> CooperativeBoard {
        let scope = try await request.cooperativeScope(.viewImpact)
        let repository = ImpactRepository(request, principal: scope.principal)
        let period = repository.readable(try period(request), of: [scope.cooperative])
        let figures = try await repository.figures(of: [scope.cooperative], period: period)[0]
        let threshold = try await threshold(of: scope.cooperative.networkID, on: request.db)
        return CooperativeBoard(cooperative: scope.cooperative, exact: figures.exact, period: period, rows: IndicatorRow.rows(figures, threshold: threshold), threshold: threshold)
    }

    /// The board with its months, for the page (the API gives the period's figures).
    static func cooperativeBoardWithMonths(_ request: Request) async throws -> CooperativeBoard {
        var board = try await cooperativeBoard(request)
        // Month by month only for who reads the figures exactly: under the statistical secret,
        // a year is read whole (a month could be subtracted out of it).
        guard board.exact else { return board }
        let monthly = try await ImpactRepository(request, principal: try request.requirePrincipal()).monthly(of: board.cooperative, period: board.period)
        board.months = monthly.map { month in (month.month, month.figures.map { ShownFigure($0, exact: board.exact, threshold: board.threshold) }) }
        return board
    }

    static func territoryComparison(_ request: Request) async throws -> (Territory, ImpactComparison) {
        let principal = try request.requirePrincipal()
        let territory = try await NetworkRepository(db: request.db).territory(try request.uuidParameter("territoryID"), for: principal, permission: .viewImpact)
        let repository = ImpactRepository(request, principal: principal)
        let cooperatives = try await repository.cooperatives(in: territory)
        let period = repository.readable(try period(request), of: cooperatives)
        let figures = try await repository.figures(of: cooperatives, period: period)
        return (territory, ImpactComparison(figures, period: period, threshold: try await threshold(of: territory.$network.id, on: request.db)))
    }

    static func networkComparison(_ request: Request) async throws -> (Network, ImpactComparison) {
        let principal = try request.requirePrincipal()
        let repository = ImpactRepository(request, principal: principal)
        let (network, cooperatives) = try await repository.network()
        let period = repository.readable(try period(request), of: cooperatives)
        return (network, ImpactComparison(try await repository.figures(of: cooperatives, period: period), period: period, threshold: network.secretThreshold))
    }

    // MARK: API

    func catalogue(request: Request) async throws -> Response {
        _ = try request.requirePrincipal()
        return try Idempotency.encode(status: .ok, body: Page(items: Indicator.allCases.map(IndicatorDefinitionDTO.init), nextCursor: nil))
    }

    /// `[{key, name, unit, value, masked?, previous, previousMasked?, parts?}]`.
    func cooperative(request: Request) async throws -> Response {
        let board = try await Self.cooperativeBoard(request)
        // This answer is a list that does not say its period: a period asked for that the
        // secret had to widen is refused rather than answered for another one.
        if request.query[String.self, at: "from"] != nil || request.query[String.self, at: "to"] != nil, board.period != (try Self.period(request)) {
            let message = "Sous le secret statistique, les chiffres se lisent par années civiles entières : du \(board.period.from) au \(board.period.to)."
            throw Problem.invalid(FieldErrors(["from": message, "to": message]), detail: message)
        }
        return try Idempotency.encode(status: .ok, body: board.rows)
    }

    func territory(request: Request) async throws -> Response {
        try Idempotency.encode(status: .ok, body: try await Self.territoryComparison(request).1)
    }

    func network(request: Request) async throws -> Response {
        try Idempotency.encode(status: .ok, body: try await Self.networkComparison(request).1)
    }

    func cooperativeCSV(request: Request) async throws -> Response {
        let board = try await Self.cooperativeBoard(request)
        return try Self.csv(ImpactCSV.rows(scope: board.cooperative.name, board.rows, threshold: board.threshold), name: "indicateurs-\(board.period.from)-\(board.period.to).csv")
    }

    func territoryCSV(request: Request) async throws -> Response {
        let (_, comparison) = try await Self.territoryComparison(request)
        return try Self.csv(ImpactCSV.rows(comparison), name: "indicateurs-territoire-\(comparison.from)-\(comparison.to).csv")
    }

    func networkCSV(request: Request) async throws -> Response {
        let (_, comparison) = try await Self.networkComparison(request)
        return try Self.csv(ImpactCSV.rows(comparison), name: "indicateurs-reseau-\(comparison.from)-\(comparison.to).csv")
    }

    // MARK: The network's settings

    struct SettingsDTO: Content { var secretThreshold: Int }
    struct SettingsBody: Content { var secretThreshold: String? }

    /// The network the principal administers (403 for anyone else).
    static func administeredNetwork(_ request: Request) async throws -> Network {
        let id = try TemplateRepository(db: request.db, principal: try request.requirePrincipal()).network()
        guard let network = try await Network.find(id, on: request.db) else { throw Problem.notFound }
        return network
    }

    /// The threshold of the statistical secret: from 3 to 20 people.
    static func save(_ raw: String?, to network: Network, on db: any Database) async throws {
        guard let text = TextRules.clean(raw), let value = Int(text), (3...20).contains(value) else {
            throw Problem.invalid(FieldErrors(["secretThreshold": "Le seuil du secret statistique va de 3 à 20 personnes."]))
        }
        network.secretThreshold = value
        try await network.save(on: db)
    }

    func settings(request: Request) async throws -> Response {
        try Idempotency.encode(status: .ok, body: SettingsDTO(secretThreshold: try await Self.administeredNetwork(request).secretThreshold))
    }

    /// `{secretThreshold}`: a number of people, from 3 to 20.
    func saveSettings(request: Request) async throws -> Response {
        let network = try await Self.administeredNetwork(request)
        struct Body: Decodable { var secretThreshold: Int? }
        try await Self.save(try request.decodeJSON(Body.self).secretThreshold.map(String.init), to: network, on: request.db)
        return try Idempotency.encode(status: .ok, body: SettingsDTO(secretThreshold: network.secretThreshold))
    }

    func saveSettingsFromForm(request: Request) async throws -> Response {
        let network = try await Self.administeredNetwork(request)
        let form = try request.content.decode(SettingsBody.self)
        return try await FormSubmission.handle {
            try await Self.save(form.secretThreshold, to: network, on: request.db)
            request.flash(request.language.t("Seuil du secret statistique enregistré.", "Statistical secret threshold saved."))
            return request.redirect(to: SiteURL.networkImpact.path)
        } invalid: { errors in
            let (network, comparison) = try await Self.networkComparison(request)
            return ImpactViews.comparison(comparison, errors: errors, status: .unprocessableEntity, title: request.language.t("Le réseau côte à côte — ", "The network side by side — ") + network.name,
                                          path: SiteURL.networkImpact.path, csv: "/api/v1/network/indicators.csv",
                                          back: (SiteURL.home.path, request.language.t("Accueil", "Home")), settings: form.secretThreshold, context: request.pageContext())
        }
    }

    static func csv(_ rows: [[String]], name: String) throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return Response(status: .ok, headers: headers, body: .init(string: try ImpactCSV.write(rows)))
    }

    // MARK: Pages

    func cataloguePage(request: Request) async throws -> Response {
        _ = try request.requirePrincipal()
        return ImpactViews.catalogue(context: request.pageContext())
    }

    /// The messages of a period typed wrong; the request then falls back to the default period.
    static func periodErrors(_ request: Request) throws -> [String: String] {
        do {
            _ = try period(request)
            return [:]
        } catch {
            let problem = Problem.from(error)
            guard problem.status == .unprocessableEntity else { throw error }
            request.url.query = nil
            return problem.fieldErrors
        }
    }

    /// A period typed wrong shows the default one, with the message beside the fields (422).
    func cooperativePage(request: Request) async throws -> Response {
        let context = request.pageContext()
        return try await FormSubmission.handle {
            ImpactViews.cooperative(try await Self.cooperativeBoardWithMonths(request), context: context)
        } invalid: { errors in
            request.url.query = nil
            return ImpactViews.cooperative(try await Self.cooperativeBoardWithMonths(request), errors: errors, context: context, status: .unprocessableEntity)
        }
    }

    func territoryPage(request: Request) async throws -> Response {
        let errors = try Self.periodErrors(request)
        let (territory, comparison) = try await Self.territoryComparison(request)
        return ImpactViews.comparison(comparison, errors: errors, status: errors.isEmpty ? .ok : .unprocessableEntity, title: request.language.t("Impact du territoire — ", "Territory impact — ") + territory.name,
                                      path: SiteURL.territoryImpact(territory.id!).path, csv: "/api/v1/territories/\(territory.id!)/indicators.csv",
                                      back: (SiteURL.territory(territory.id!).path, territory.name), context: request.pageContext())
    }

    func networkPage(request: Request) async throws -> Response {
        let errors = try Self.periodErrors(request)
        let (network, comparison) = try await Self.networkComparison(request)
        let administers = (try? TemplateRepository(db: request.db, principal: try request.requirePrincipal()).network()) != nil
        return ImpactViews.comparison(comparison, errors: errors, status: errors.isEmpty ? .ok : .unprocessableEntity, title: request.language.t("Le réseau côte à côte — ", "The network side by side — ") + network.name,
                                      path: SiteURL.networkImpact.path, csv: "/api/v1/network/indicators.csv",
                                      back: (SiteURL.home.path, request.language.t("Accueil", "Home")), settings: administers ? String(network.secretThreshold) : nil, context: request.pageContext())
    }
}

/// The figures as a spreadsheet: one line per indicator and one per part of its breakdown;
/// "< 5" where the statistical secret applies; money in euros.
enum ImpactCSV {
    static let header = ["périmètre", "indicateur", "libellé", "détail", "unité", "valeur", "période précédente"]

    static func text(_ value: Double?, masked: Bool?, secret: Bool? = nil, unit: String, threshold: Int) -> String {
        if masked == true { return secret == true || unit == IndicatorUnit.percent.rawValue ? "secret" : "< \(threshold)" }
        guard let value else { return "" }
        if unit == IndicatorUnit.cents.rawValue { return String(format: "%.2f", value / 100) }
        return value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }

    static func rows(scope: String, _ rows: [IndicatorRow], threshold: Int) -> [[String]] {
        rows.flatMap { row -> [[String]] in
            let unit = row.unit == IndicatorUnit.cents.rawValue ? "euros" : (IndicatorUnit(rawValue: row.unit)?.frenchLabel ?? row.unit)
            let line = [scope, row.key, row.name, "", unit, text(row.value, masked: row.masked, secret: row.secret, unit: row.unit, threshold: threshold), text(row.previous, masked: row.previousMasked, secret: row.previousSecret, unit: row.unit, threshold: threshold)]
            return [line] + (row.parts ?? []).map { part in [scope, row.key, row.name, part.label, unit, text(part.value, masked: part.masked, secret: part.secret, unit: row.unit, threshold: threshold), ""] }
        }
    }

    static func rows(_ comparison: ImpactComparison) -> [[String]] {
        rows(scope: "Ensemble", comparison.total, threshold: comparison.threshold) + comparison.cooperatives.flatMap { rows(scope: $0.name, $0.indicators, threshold: comparison.threshold) }
    }

    /// Every cell neutralised: a name typed by someone may start like a formula.
    static func write(_ rows: [[String]]) throws -> String {
        try CSVText.write(header: header, rows: rows.map { $0.map(PurchaseFile.neutralised) }, what: "des indicateurs")
    }
}
