import Fluent
import Foundation
import Vapor

/// How to set up an `Application`. The executable reads the environment; tests choose an
/// isolated database.
public struct MaillageOptions: Sendable {
    public var database: DatabaseChoice
    /// Secure cookies when Maillage is served over HTTPS (`MAILLAGE_PUBLIC_URL=https://…`).
    public var secureCookies: Bool

    public init(database: DatabaseChoice, secureCookies: Bool = false) {
        self.database = database
        self.secureCookies = secureCookies
    }

    public static func fromEnvironment() -> MaillageOptions {
        let publicURL = ProcessInfo.processInfo.environment["MAILLAGE_PUBLIC_URL"] ?? ""
        return MaillageOptions(database: .fromEnvironment(), secureCookies: publicURL.hasPrefix("https://"))
    }
}

/// Wires the whole app: database, migrations, sessions, middleware, routes and commands.
public func configure(_ app: Application, options: MaillageOptions = .fromEnvironment()) async throws {
    _ = MetricsSetup.registry
    try DatabaseSetup.use(options.database, on: app)
    Migrations.register(on: app)

    app.sessions.use { _ in StoredSessionDriver() }
    app.sessions.configuration = SessionsConfiguration(cookieName: "maillage-session") { id in
        HTTPCookies.Value(
            string: id.string, expires: nil, maxAge: Int(StoredSessionDriver.lifetime), path: "/",
            isSecure: options.secureCookies, isHTTPOnly: true, sameSite: .lax
        )
    }
    app.routes.defaultMaxBodySize = "1mb"

    // Order matters: errors are rendered around everything else; the principal is known
    // before CSRF is checked and before any route runs.
    app.middleware = Middlewares()
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(SecurityHeadersMiddleware(strictTransportSecurity: options.secureCookies))
    app.middleware.use(ProblemMiddleware())
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(PrincipalMiddleware())
    app.middleware.use(CSRFMiddleware())
    app.middleware.use(ControlCharacterMiddleware())
    app.middleware.use(SQLiteWriteTurnMiddleware())
    app.middleware.use(CooperativeNavigationMiddleware())

    try routes(app)
    Commands.register(on: app)
    try await DatabaseSetup.prepare(options.database, on: app)
}

func routes(_ app: Application) throws {
    try app.register(collection: OperationsController())
    try app.register(collection: AuthController())
    try app.register(collection: ProfileController())
    try app.register(collection: HomeController())
    try app.register(collection: NetworkPagesController())
    try app.register(collection: AccessController())
    try app.register(collection: StyleguidePage())
    try app.register(collection: CooperativeAuditController(api: false))
    try app.register(collection: PathwaysPagesController())
    try app.register(collection: PathwayFilePagesController())
    try app.register(collection: AgendaPagesController())
    try app.register(collection: TradePagesController())
    try app.register(collection: TillPagesController())
    try app.register(collection: TicketPrintsController())
    try app.register(collection: InvoicePagesController())
    try app.register(collection: TradeFiguresController(api: false))
    try app.register(collection: SourcingPagesController())
    try app.register(collection: GovernancePagesController())
    try app.register(collection: CapitalController(api: false))
    try app.register(collection: AssemblyPagesController())
    try app.register(collection: MemberCapitalController(api: false))
    try app.register(collection: DecisionsController(api: false))
    try app.register(collection: PartnersController(api: false))
    try app.register(collection: FundingController(api: false))
    try app.register(collection: ImpactController(api: false))
    try app.register(collection: FunderReportController(api: false))
    try app.register(collection: EssaimageController(api: false))
    try app.register(collection: ResourcesController(part: .pages))
    // Calendar clients carry no session: the secret token in the address is the key.
    try app.register(collection: ResourcesController(part: .calendar))
    let api = app.grouped("api", "v1")
    try api.register(collection: NetworkAPIController())
    try api.register(collection: CooperativeAuditController(api: true))
    try api.register(collection: PathwaysAPIController())
    try api.register(collection: PathwayFileAPIController())
    try api.register(collection: TradeAPIController())
    try api.register(collection: SalesAPIController())
    try api.register(collection: DrawerAPIController())
    try api.register(collection: TicketPrintsAPIController())
    try api.register(collection: InvoicesAPIController())
    try api.register(collection: TradeFiguresController(api: true))
    try api.register(collection: SourcingAPIController())
    try api.register(collection: GovernanceAPIController())
    try api.register(collection: CapitalController(api: true))
    try api.register(collection: AssemblyAPIController())
    try api.register(collection: MemberCapitalController(api: true))
    try api.register(collection: DecisionsController(api: true))
    try api.register(collection: PartnersController(api: true))
    try api.register(collection: FundingController(api: true))
    try api.register(collection: ImpactController(api: true))
    try api.register(collection: FunderReportController(api: true))
    try api.register(collection: EssaimageController(api: true))
    try api.register(collection: ResourcesController(part: .api))
}

enum Migrations {
    /// Every migration, in order. Later areas append theirs.
    static func register(on app: Application) {
        app.migrations.add(CreateUsers())
        app.migrations.add(CreateCredentials())
        app.migrations.add(CreateSessions())
        app.migrations.add(CreateAuditEvents())
        app.migrations.add(CreateNetworkTables())
        app.migrations.add(CreateIdempotencyRecords())
        app.migrations.add(CreatePathwayTables())
        app.migrations.add(CreateBarrierAssessments())
        app.migrations.add(CreatePathwayFileTables())
        app.migrations.add(CreateTradeCatalogue())
        app.migrations.add(CreateSales())
        app.migrations.add(CreateClosings())
        app.migrations.add(AddTradeFundingAndArchives())
        app.migrations.add(CreateInvoices())
        app.migrations.add(CreateTradeSettings())
        app.migrations.add(CreateSourcing())
        app.migrations.add(CreateGovernance())
        app.migrations.add(CreateCapitalRegister())
        app.migrations.add(CreateAssemblies())
        app.migrations.add(CreateSubscriptionRequests())
        app.migrations.add(CreateDecisions())
        app.migrations.add(AddGovernanceSnapshots())
        app.migrations.add(AddShareClassRulesAndConversions())
        app.migrations.add(CreatePartners())
        app.migrations.add(CreateFundingAgreements())
        app.migrations.add(CreatePooledResources())
        app.migrations.add(CreatePartnerMembers())
        app.migrations.add(CreateFundingCoverage())
        app.migrations.add(CreateEssaimage())
        app.migrations.add(AddFundingReportText())
        app.migrations.add(AddNetworkSecretThreshold())
        app.migrations.add(AddImpactIndexes())
        app.migrations.add(CreateSaleDayTotals())
        app.migrations.add(AddPathwayFileIndexes())
        app.migrations.add(AddCooperativeNameArticle())
        app.migrations.add(AddCashDrawers())
        app.migrations.add(CreateTicketPrints())
        app.migrations.add(CreateTrainingTickets())
    }
}

/// Brings the schema up to date; `serve` calls it before listening.
public func migrateDatabase(_ app: Application) async throws {
    try await app.autoMigrate()
}
