import Fluent
import Foundation
import MaillageCore
import Plot
import SQLKit
import Vapor

/// The solidarity trade's figures over a period: `/coops/:coopID/trade-figures` and
/// `/api/v1/coops/:coopID/trade-figures`.
struct TradeFiguresRepository: Sendable {
    let db: any Database
    let scope: CooperativeScope

    /// The last 90 days up to today, unless the period is given.
    static func period(from rawFrom: String?, to rawTo: String?, today: CalendarDay) throws -> (from: CalendarDay, to: CalendarDay) {
        var errors = FieldErrors()
        let to = CalendarDay.parse(rawTo, field: "to", fallback: today, latest: nil, into: &errors)
        let from = CalendarDay.parse(rawFrom, field: "from", fallback: (to ?? today).adding(days: -89), latest: nil, into: &errors)
        if let from, let to, from > to { errors.add("from", "Le début de la période doit précéder sa fin.") }
        try errors.throwIfAny()
        return (from!, to!)
    }

    func figures(from: CalendarDay, to: CalendarDay) async throws -> TradeFigures.Summary {
        try scope.require(.viewTradeFigures)
        return try await Self.figures(of: scope.id, from: from, to: to, on: db)
    }

    /// Who sells at the till reads the figures as they are; a funder reads them under the
    /// statistical secret (`TradeSecret`).
    var exact: Bool { scope.allows(.sell) }

    /// The figures as the viewer may read them, over the period they may ask for.
    func shown(from rawFrom: CalendarDay, to rawTo: CalendarDay) async throws -> TradeFiguresDTO {
        guard !exact else { return TradeFiguresDTO(try await figures(from: rawFrom, to: rawTo), from: rawFrom, to: rawTo) }
        let whole = DayPeriod(from: rawFrom, to: rawTo).wholeYears
        let (from, to) = (whole.from, whole.to)
        let summary = try await figures(from: from, to: to)
        let threshold = try await ImpactController.threshold(of: scope.cooperative.networkID, on: db)
        // A span of several years shows a bracket only where every one of its years does.
        var hidden = Set<String>()
        for year in from.year...to.year {
            let households = try await Self.householdsByTier(of: scope.id, from: CalendarDay(year: year, month: 1, day: 1), to: CalendarDay(year: year, month: 12, day: 31), on: db)
            hidden.formUnion(TradeSecret.decide(householdsByTier: households, tiers: summary.byTier.map(\.tier), threshold: threshold).hidden)
        }
        let decision = TradeSecret.Decision(hidden: hidden)
        var dto = TradeFiguresDTO(summary, from: from, to: to)
        dto.applySecret(decision)
        dto.wholeYears = true
        return dto
    }

    /// How many households bought in each bracket over the period (the unit of the secret on
    /// the trade figures, also used by the indicators that break meals down by bracket).
    static func householdsByTier(of coopID: UUID, from: CalendarDay, to: CalendarDay, on db: any Database) async throws -> [String: Int] {
        guard let sql = db as? any SQLDatabase else { return [:] }
        struct Row: Decodable { var tier: String; var households: Int }
        let rows = try await sql.raw("""
            SELECT tier, COUNT(DISTINCT household_id) AS households FROM sales
            WHERE cooperative_id = \(bind: coopID) AND recorded_at >= \(bind: from.date)
              AND recorded_at < \(bind: to.adding(days: 1).date) AND household_id IS NOT NULL
            GROUP BY tier
            """).all(decoding: Row.self)
        return Dictionary(rows.map { ($0.tier, $0.households) }, uniquingKeysWith: +)
    }

    /// The trade figures of a cooperative, for a caller that checked the reader's right: from
    /// the day rows kept with the journal (`SaleDayTotals`).
    static func figures(of coopID: UUID, from: CalendarDay, to: CalendarDay, on db: any Database) async throws -> TradeFigures.Summary {
        try await SaleDayTotals.figures(of: coopID, from: from, to: to, on: db)
    }
}

struct TradeFiguresDTO: Content {
    /// A bracket's line; under the statistical secret its figures are null and `masked` is
    /// true (`secret` too when it is hidden to protect another line).
    struct TierLine: Content {
        var tier: String
        var label: String
        var tickets: Int?
        var salesCents: Int?
        var publicValueCents: Int?
        var solidarityCents: Int?
        var meals: Int?
        var masked: Bool?
        var secret: Bool?
    }
    struct FundingLine: Content {
        var source: String
        var name: String
        var cents: Int
    }
    var from: String
    var to: String
    /// True for a funder: the period was widened to whole calendar years (`StatisticalSecret`).
    var wholeYears: Bool?
    var tickets: Int?
    var salesCents: Int?
    var publicValueCents: Int?
    var solidarityCents: Int?
    /// The totals above are hidden (they would give a hidden bracket away).
    var totalsMasked: Bool?
    var donationsCents: Int
    var poolDrawCents: Int
    var suspendedMeals: Int
    var meals: Int?
    var byTier: [TierLine]
    var funding: [FundingLine]
    /// Who funded the solidarity is hidden with the totals.
    var fundingMasked: Bool?

    init(_ summary: TradeFigures.Summary, from: CalendarDay, to: CalendarDay) {
        self.from = from.description
        self.to = to.description
        tickets = summary.tickets
        salesCents = summary.salesCents
        publicValueCents = summary.publicValueCents
        solidarityCents = summary.solidarityCents
        donationsCents = summary.donationsCents
        poolDrawCents = summary.poolDrawCents
        suspendedMeals = summary.suspendedMeals
        meals = summary.meals
        byTier = summary.byTier.map {
            TierLine(tier: $0.tier, label: Tier(code: $0.tier)?.frenchLabel ?? $0.tier, tickets: $0.tickets, salesCents: $0.salesCents,
                     publicValueCents: $0.publicValueCents, solidarityCents: $0.solidarityCents, meals: $0.meals)
        }
        funding = summary.funding.map { FundingLine(source: $0.source.rawValue, name: $0.name, cents: $0.cents) }
    }

    mutating func applySecret(_ decision: TradeSecret.Decision) {
        byTier = byTier.map { line in
            guard decision.hidden.contains(line.tier) else { return line }
            return TierLine(tier: line.tier, label: line.label, tickets: nil, salesCents: nil, publicValueCents: nil, solidarityCents: nil, meals: nil,
                            masked: true, secret: true)
        }
        if decision.hideTotals {
            (tickets, salesCents, publicValueCents, solidarityCents, meals) = (nil, nil, nil, nil, nil)
            totalsMasked = true
            // Who funded the solidarity adds up to its total, which would give the bracket back.
            funding = []
            fundingMasked = true
        }
    }
}

struct TradeFiguresController: RouteCollection {
    let api: Bool

    func boot(routes: any RoutesBuilder) throws {
        routes.get("coops", ":coopID", "trade-figures", use: api ? json : page)
    }

    struct Query: Content {
        var from: String?
        var to: String?
    }

    private func load(_ request: Request) async throws -> (TradeFiguresRepository, CalendarDay, CalendarDay, Query) {
        let repository = TradeFiguresRepository(db: request.db, scope: try await request.cooperativeScope(.viewTradeFigures))
        let query = try request.query.decode(Query.self)
        let (from, to) = try TradeFiguresRepository.period(from: query.from, to: query.to, today: .today)
        return (repository, from, to, query)
    }

    func json(request: Request) async throws -> Response {
        let (repository, from, to, _) = try await load(request)
        return try Idempotency.encode(status: .ok, body: try await repository.shown(from: from, to: to))
    }

    func page(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(.viewTradeFigures)
        let query = try request.query.decode(Query.self)
        do {
            let (repository, from, to, _) = try await load(request)
            let figures = try await repository.shown(from: from, to: to)
            return TradeFiguresPage(coop: scope.cooperative, figures: figures, from: figures.from, to: figures.to, errors: [:]).render(request.pageContext())
        } catch let errors as FieldErrors {
            return TradeFiguresPage(coop: scope.cooperative, figures: nil, from: query.from, to: query.to, errors: errors.messages)
                .render(request.pageContext(), status: .unprocessableEntity)
        }
    }
}

struct TradeFiguresPage {
    /// A figure hidden under the statistical secret reads « secret ».
    static func count(_ value: Int?) -> String { value.map { "\($0)" } ?? "secret" }
    static func euros(_ cents: Int?) -> String { cents.map(Euros.french) ?? "secret" }

    var coop: Cooperative
    var figures: TradeFiguresDTO?
    var from: String?
    var to: String?
    var errors: [String: String]

    func render(_ context: PageContext, status: HTTPResponseStatus = .ok) -> Response {
        let title = context.t("Chiffres du commerce solidaire", "Solidarity trade figures")
        return Layout.render(context, title: title, status: status, content: .group(
            .p(.a(.href(SiteURL.cooperative(coop.id!).path), .text(coop.name))),
            .h1(.text(title)),
            Kit.errorSummary(errors, order: ["from", "to"], context: context),
            .form(.class("row-form no-print"), .method(.get), .action(SiteURL.tradeFigures(coop.id!).path),
                Kit.input(.init(name: "from", label: context.t("Du", "From"), value: from, type: .date, error: errors["from"])),
                Kit.input(.init(name: "to", label: context.t("Au", "To"), value: to, type: .date, error: errors["to"])),
                .button(.type(.submit), .text(context.t("Afficher", "Show")))),
            .unwrap(figures) { figures in
                .group(
                    Kit.facts([
                        (context.t("Tickets", "Tickets"), Self.count(figures.tickets)),
                        (context.t("Ventes", "Sales"), Self.euros(figures.salesCents)),
                        (context.t("Valeur au prix public", "Value at public price"), Self.euros(figures.publicValueCents)),
                        (context.t("Solidarité donnée aux foyers", "Solidarity given to households"), Self.euros(figures.solidarityCents)),
                        (context.t("Repas servis", "Meals served"), Self.count(figures.meals)),
                        (context.t("Dons à la caisse de solidarité", "Donations to the pool"), Euros.french(figures.donationsCents)),
                        (context.t("Repas suspendus offerts", "Suspended meals given"), "\(figures.suspendedMeals)"),
                    ]),
                    .h2(.text(context.t("Par tranche", "By tier"))),
                    Kit.table(label: context.t("Par tranche", "By tier"),
                        .thead(.tr(.th(.text(context.t("Tranche", "Tier"))), .th(.class("num"), .text(context.t("Tickets", "Tickets"))),
                                   .th(.class("num"), .text(context.t("Repas", "Meals"))), .th(.class("num"), .text(context.t("Ventes", "Sales"))),
                                   .th(.class("num"), .text(context.t("Prix public", "Public value"))), .th(.class("num"), .text(context.t("Solidarité", "Solidarity"))))),
                        .tbody(.forEach(figures.byTier) { line in
                            .tr(.td(.text(line.label)), .td(.class("num"), .text(Self.count(line.tickets))), .td(.class("num"), .text(Self.count(line.meals))),
                                .td(.class("num"), .text(Self.euros(line.salesCents))), .td(.class("num"), .text(Self.euros(line.publicValueCents))),
                                .td(.class("num"), .text(Self.euros(line.solidarityCents))))
                        })),
                    .if(figures.wholeYears == true, .p(.class("hint"), .id("secret-note"), .text(context.t(
                        "Secret statistique : les chiffres se lisent par années civiles entières ; une tranche achetée par moins de cinq foyers est masquée (« secret »), et les totaux avec elle.",
                        "Statistical secret: figures are read by whole calendar years; a bracket bought in by fewer than five households is hidden (\"secret\"), and the totals with it.")))),
                    .h2(.text(context.t("Qui a financé la solidarité", "Who funded the solidarity"))),
                    figures.fundingMasked == true ? .p(.text(context.t("Secret statistique : masqué avec les totaux.", "Statistical secret: hidden with the totals."))) :
                    figures.funding.isEmpty ? .p(.text(context.t("Aucune réduction sur la période.", "No reduction in the period."))) :
                    Kit.table(label: context.t("Financement", "Funding"),
                        .thead(.tr(.th(.text(context.t("Source", "Source"))), .th(.class("num"), .text(context.t("Montant", "Amount"))))),
                        .tbody(.forEach(figures.funding) { line in
                            .tr(.td(.text(line.name)), .td(.class("num"), .text(Euros.french(line.cents))))
                        })))
            }
        ))
    }
}
