import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

/// A funder's report across all its agreements with the cooperative:
/// `/api/v1/coops/:coopID/funders/:partnerID/report(.csv)` and the printable page
/// `/coops/:coopID/funders/:partnerID/report`. The period runs from the first agreement's start
/// to today (or the last one's end); the indicators cover every cooperative of the agreements.
struct FunderReportController: RouteCollection {
    let api: Bool

    func boot(routes: any RoutesBuilder) throws {
        let report = routes.grouped("coops", ":coopID", "funders", ":partnerID")
        if api {
            report.get("report", use: show)
            report.get("report.csv", use: csv)
        } else {
            report.get("report", use: page)
        }
    }

    struct FunderReportDTO: Content {
        var funderID: UUID
        var funder: String
        var from: String
        var to: String
        var agreements: [FundingAgreementDTO]
        var indicators: ImpactComparison
    }

    static func data(_ request: Request) async throws -> (FundingRepository, [FundingRecord], FunderReportDTO) {
        let repository = try await request.fundingRepository(.viewFunding)
        let funderID = try request.uuidParameter("partnerID")
        let agreements = try await repository.agreements().filter { $0.funderID == funderID }
        guard let first = agreements.min(by: { $0.startsOn < $1.startsOn }), let funder = try await Partner.find(funderID, on: request.db) else { throw Problem.notFound }
        var records: [FundingRecord] = []
        for agreement in agreements.sorted(by: { $0.startsOn < $1.startsOn }) { records.append(try await repository.record(agreement, today: .today)) }
        let from = CalendarDay(date: first.startsOn)
        let lastEnd = agreements.map { CalendarDay(date: $0.endsOn) }.max() ?? from
        var cooperatives: [Cooperative] = []
        for coop in records.flatMap(\.cooperatives) where !cooperatives.contains(where: { $0.id == coop.id }) { cooperatives.append(coop) }
        let impact = ImpactRepository(request, principal: repository.scope.principal)
        let period = impact.readable(DayPeriod(from: from, to: max(from, min(lastEnd, .today))), of: cooperatives)
        let figures = try await impact.figures(of: cooperatives, period: period)
        let threshold = records.first?.threshold ?? StatisticalSecret.defaultThreshold
        return (repository, records, FunderReportDTO(funderID: funderID, funder: funder.name, from: period.from.description, to: period.to.description,
                                                     agreements: records.map(FundingAgreementDTO.init),
                                                     indicators: ImpactComparison(figures, period: period, threshold: threshold)))
    }

    func show(request: Request) async throws -> Response {
        try Idempotency.encode(status: .ok, body: try await Self.data(request).2)
    }

    /// Each agreement's commitments, then every indicator (together and by cooperative).
    func csv(request: Request) async throws -> Response {
        let (_, _, report) = try await Self.data(request)
        let commitments = report.agreements.flatMap { ReportTables.commitmentLines($0.targets, scope: $0.programme, threshold: report.indicators.threshold) }
        return try ImpactController.csv(commitments + ImpactCSV.rows(report.indicators), name: "compte-rendu-financeur-\(report.from)-\(report.to).csv")
    }

    func page(request: Request) async throws -> Response {
        let (repository, records, report) = try await Self.data(request)
        let context = request.pageContext()
        let coopID = repository.scope.id
        let title = context.t("Compte rendu — ", "Report — ") + report.funder
        let period = (CalendarDay(report.from)?.french ?? report.from) + context.t(" au ", " to ") + (CalendarDay(report.to)?.french ?? report.to)
        return Layout.render(context, title: title, content: .group(
            .p(.class("no-print"), .a(.href(SiteURL.fundingAgreements(coopID).path), .text(context.t("Conventions de financement", "Funding agreements"))), .text(" · "),
               .a(.id("funder-report-csv"), .href("/api/v1/coops/\(coopID)/funders/\(report.funderID)/report.csv"), .text(context.t("Exporter en CSV", "Export as CSV")))),
            .div(.class("invoice-sheet"), .id("funder-report"),
                .h1(.text(title)),
                Kit.facts([
                    (context.t("Financeur", "Funder"), report.funder),
                    (context.t("Conventions", "Agreements"), report.agreements.map(\.programme).joined(separator: ", ")),
                    (context.t("Coopératives", "Cooperatives"), report.indicators.cooperatives.map(\.name).joined(separator: ", ")),
                    (context.t("Période du compte rendu", "Period reported"), period),
                    (context.t("Montant des conventions", "Agreements' amount"), Euros.french(report.agreements.reduce(0) { $0 + $1.amountCents })
                        + context.t(", dont reçu ", ", received ") + Euros.french(report.agreements.reduce(0) { $0 + $1.receivedCents })),
                ]),
                .forEach(Array(zip(report.agreements, records))) { agreement, record in
                    .section(.class("agreement"), .id("agreement-\(agreement.id)"),
                        .h2(.text(agreement.programme)),
                        .p(.text((CalendarDay(agreement.startsOn)?.french ?? agreement.startsOn) + " – " + (CalendarDay(agreement.endsOn)?.french ?? agreement.endsOn)
                                 + " · " + Euros.french(agreement.amountCents))),
                        agreement.targets.isEmpty ? .p(.text(context.t("Aucun indicateur engagé.", "No committed indicator."))) :
                        ReportTables.commitments(agreement.targets, label: context.t("Engagements : ", "Commitments: ") + agreement.programme, threshold: record.threshold, context: context),
                        .unwrap(agreement.reportText) { text in .div(.class("report-text"), .forEach(ReportTables.paragraphs(text)) { .p(.text($0)) }) })
                },
                .h2(.text(context.t("Les indicateurs de la période", "The period's indicators"))),
                ReportTables.indicators(report.indicators, rowID: "funder-row-", context: context))
        ))
    }
}

/// What the agreement's report and the funder's report show alike: the commitments against the
/// achieved, the period's indicators, the coordinator's words, and the commitments' CSV lines.
enum ReportTables {
    static func commitments(_ targets: [FundingAgreementDTO.Target], label: String, threshold: Int, context: PageContext) -> Node<HTML.BodyContext> {
        Kit.table(label: label,
            .thead(.tr(.th(.text(context.t("Indicateur", "Indicator"))), .th(.class("num"), .text(context.t("Cible", "Target"))),
                       .th(.class("num"), .text(context.t("Réalisé", "Achieved"))))),
            .tbody(.forEach(targets) { target in
                let indicator = FundingIndicator(rawValue: target.indicator)
                return .tr(.td(.text(target.label)), .td(.class("num"), .text(FundingPages.figure(target.target, indicator))),
                           .td(.class("num"), .text(FundingPages.figure(target.achieved, indicator, masked: target.masked, secret: target.secret, threshold: threshold))))
            }))
    }

    /// `rowID`: the prefix of each row's id (`report-row-`, `funder-row-`).
    static func indicators(_ comparison: ImpactComparison, rowID: String, context: PageContext) -> Node<HTML.BodyContext> {
        let threshold = comparison.threshold
        return .group(
            ImpactViews.secretNote(comparison.cooperatives.allSatisfy(\.exact), threshold: threshold, context: context),
            Kit.table(label: context.t("Indicateurs", "Indicators"),
                .thead(.tr(.th(.text(context.t("Indicateur", "Indicator"))), .th(.class("num"), .text(context.t("Période", "Period"))),
                           .th(.class("num"), .text(context.t("Période précédente", "Previous period"))))),
                .tbody(.forEach(comparison.total) { row in
                    .tr(.id(rowID + row.key), .td(.text(row.name)),
                        .td(.class("num"), .text(ImpactViews.text(row.value, masked: row.masked, secret: row.secret, unit: row.unit, threshold: threshold))),
                        .td(.class("num"), .text(ImpactViews.text(row.previous, masked: row.previousMasked, secret: row.previousSecret, unit: row.unit, threshold: threshold))))
                })))
    }

    /// A browser sends a textarea's lines with CR LF: any line break starts a paragraph.
    static func paragraphs(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map(String.init)
    }

    /// One CSV line per committed indicator: `scope`, key, label, "cible N", "", achieved, "".
    static func commitmentLines(_ targets: [FundingAgreementDTO.Target], scope: String, threshold: Int) -> [[String]] {
        targets.map { target in
            let unit = target.indicator == FundingIndicator.solidarityGiven.rawValue ? IndicatorUnit.cents.rawValue : IndicatorUnit.count.rawValue
            return [scope, target.indicator, target.label, "cible " + ImpactCSV.text(target.target, masked: nil, unit: unit, threshold: threshold), "",
                    ImpactCSV.text(target.achieved, masked: target.masked, secret: target.secret, unit: unit, threshold: threshold), ""]
        }
    }
}
