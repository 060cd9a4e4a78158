import Foundation
import MaillageCore
import Plot
import Vapor

/// The impact pages: the catalogue, a cooperative's dashboard, cooperatives side by side.
enum ImpactViews {
    /// A figure as read on the page: "< 5" for a small count under the secret, « secret » for a
    /// share or a cell hidden to protect another (never a false "< 5"), euros, hours, percent…
    static func text(_ value: Double?, masked: Bool?, secret: Bool? = nil, unit: String, threshold: Int) -> String {
        if masked == true {
            return secret == true || IndicatorUnit(rawValue: unit) == .percent ? "secret" : "< \(threshold)"
        }
        guard let value else { return "—" }
        switch IndicatorUnit(rawValue: unit) {
        case .cents: return Euros.french(Int(value.rounded()))
        case .percent: return frenchPercent(value / 100)
        case .hours: return number(value) + " h"
        case .fte: return String(format: "%.2f", value).replacingOccurrences(of: ".", with: ",")
        default: return number(value)
        }
    }

    /// Whole numbers with a thin space between thousands; one decimal otherwise.
    static func number(_ value: Double) -> String {
        if value != value.rounded() { return String(format: "%.1f", value).replacingOccurrences(of: ".", with: ",") }
        let digits = String(Int(value))
        var grouped = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0, character != "-" { grouped.append("\u{202F}") }
            grouped.append(character)
        }
        return String(grouped.reversed())
    }

    static func periodForm(action: String, period: DayPeriod?, errors: [String: String], context: PageContext) -> Node<HTML.BodyContext> {
        .group(
            Kit.errorSummary(errors, order: ["from", "to"], context: context),
            .form(.class("row-form no-print"), .id("period-form"), .method(.get), .action(action),
                Kit.input(.init(name: "from", label: context.t("Du", "From"), value: period?.from.description, type: .date, error: errors["from"])),
                Kit.input(.init(name: "to", label: context.t("Au", "To"), value: period?.to.description, type: .date, error: errors["to"])),
                .button(.type(.submit), .text(context.t("Afficher", "Show")))))
    }

    static func secretNote(_ exact: Bool, threshold: Int, context: PageContext) -> Node<HTML.BodyContext> {
        exact ? .empty : .p(.class("hint"), .id("secret-note"), .text(context.t(
            "Secret statistique : les chiffres se lisent par années civiles entières ; un effectif de 1 à \(threshold - 1) personnes s'affiche « < \(threshold) » ; « secret » marque un taux dont la base ou la partie est petite, ou une case masquée pour qu'une autre ne se retrouve pas par soustraction.",
            "Statistical secret: figures are read by whole calendar years; a count of 1 to \(threshold - 1) people shows as \"< \(threshold)\"; \"secret\" marks a rate whose base or part is small, or a cell hidden so that another cannot be worked out by subtraction.")))
    }

    // MARK: Catalogue

    static func catalogue(context: PageContext) -> Response {
        let title = context.t("Catalogue des indicateurs", "Indicator catalogue")
        let areas = Indicator.allCases.reduce(into: [String]()) { areas, indicator in if !areas.contains(indicator.area) { areas.append(indicator.area) } }
        return Layout.render(context, title: title, content: .group(
            .h1(.text(title)),
            .p(.text(context.t("Chaque chiffre est calculé à partir des enregistrements de Maillage, jamais saisi. Voici ce que compte chacun.",
                               "Every figure is computed from Maillage's records, never typed in. Here is what each one counts."))),
            .forEach(areas) { area in
                .section(
                    .h2(.text(area)),
                    .dl(.class("catalogue"), .forEach(Indicator.allCases.filter { $0.area == area }) { indicator in
                        .group(
                            .dt(.id("indicator-\(indicator.rawValue)"), .text(indicator.frenchName + " (" + indicator.unit.frenchLabel + ")")),
                            .dd(.text(indicator.definition + ((indicator.countsPeople || indicator.isShareOfPeople)
                                ? context.t(" Soumis au secret statistique hors de la coopérative.", " Under the statistical secret outside the cooperative.") : ""))))
                    }))
            }))
    }

    // MARK: A cooperative's dashboard

    static func cooperative(_ board: ImpactController.CooperativeBoard, errors: [String: String] = [:], context: PageContext,
                            status: HTTPResponseStatus = .ok) -> Response {
        let coop = board.cooperative
        let title = context.t("Impact — ", "Impact — ") + coop.name
        let query = "?from=\(board.period.from)&to=\(board.period.to)"
        let previous = ImpactRepository.previous(board.period)
        let areas = board.rows.reduce(into: [String]()) { areas, row in if let area = row.indicator?.area, !areas.contains(area) { areas.append(area) } }
        return Layout.render(context, title: title, status: status, content: .group(
            .p(.class("no-print"), .a(.href(SiteURL.cooperative(coop.id!).path), .text(coop.name))),
            .h1(.text(title)),
            .p(.id("period"), .text(context.t("Du ", "From ") + board.period.from.french + context.t(" au ", " to ") + board.period.to.french
                                    + context.t(" ; période précédente du ", "; previous period from ") + previous.from.french + context.t(" au ", " to ") + previous.to.french + ".")),
            periodForm(action: SiteURL.cooperativeImpact(coop.id!).path, period: board.period, errors: errors, context: context),
            .p(.class("no-print"),
               .a(.id("csv-link"), .href("/api/v1/coops/\(coop.id!)/indicators.csv" + query), .text(context.t("Exporter en CSV", "Export as CSV"))),
               .text(" · "),
               .a(.href(SiteURL.indicators.path), .text(context.t("Ce que compte chaque indicateur", "What each indicator counts")))),
            secretNote(board.exact, threshold: board.threshold, context: context),
            months(board, context: context),
            .forEach(areas) { area in
                let rows = board.rows.filter { $0.indicator?.area == area }
                return .section(.class("impact-area"),
                    .h2(.text(area)),
                    Kit.table(label: area,
                        .thead(.tr(.th(.text(context.t("Indicateur", "Indicator"))), .th(.class("num"), .text(context.t("Période", "Period"))),
                                   .th(.class("num"), .text(context.t("Période précédente", "Previous period"))))),
                        .tbody(.forEach(rows) { row in
                            .tr(.id("row-\(row.key)"), .td(.a(.href(SiteURL.indicators.path + "#indicator-\(row.key)"), .text(row.name))),
                                .td(.class("num"), .text(text(row.value, masked: row.masked, secret: row.secret, unit: row.unit, threshold: board.threshold))),
                                .td(.class("num"), .text(text(row.previous, masked: row.previousMasked, secret: row.previousSecret, unit: row.unit, threshold: board.threshold))))
                        })),
                    .forEach(rows.filter { !($0.parts ?? []).isEmpty }) { row in breakdown(row, threshold: board.threshold, context: context) })
            }))
    }

    /// The chosen indicators month by month: a line each, and the same figures as a table.
    static func months(_ board: ImpactController.CooperativeBoard, context: PageContext) -> Node<HTML.BodyContext> {
        guard board.months.count > 1 else { return .empty }
        let labels = board.months.map { String(format: "%02d/%02d", $0.month.from.month, $0.month.from.year % 100) }
        return .section(.class("impact-months"), .id("months"),
            .h2(.text(context.t("Mois par mois", "Month by month"))),
            .forEach(ImpactFigures.monthlySeries) { indicator in
                let shown = board.months.map { month in month.figures.first { $0.indicator == indicator } }
                return .div(.class("chart"), .id("months-\(indicator.rawValue)"),
                    .h3(.text(indicator.frenchName)),
                    .markup(Lines.svg(zip(labels, shown).map { Lines.Point(label: $0, value: $1?.masked == true ? nil : $1?.value) },
                                   title: indicator.frenchName + context.t(", mois par mois", ", month by month"))),
                    Kit.table(label: indicator.frenchName + context.t(", mois par mois", ", month by month"),
                        .thead(.tr(.forEach(labels) { .th(.class("num"), .text($0)) })),
                        .tbody(.tr(.forEach(shown) { figure in
                            .td(.class("num"), .text(text(figure?.value, masked: figure?.masked, secret: figure?.secret, unit: indicator.unit.rawValue, threshold: board.threshold)))
                        }))))
            })
    }

    /// An indicator's breakdown: bars drawn by the server, and the same figures as a table.
    static func breakdown(_ row: IndicatorRow, threshold: Int, context: PageContext) -> Node<HTML.BodyContext> {
        let parts = row.parts ?? []
        let widest = parts.compactMap(\.value).max() ?? 0
        let bars = parts.map { part in
            Bars.Row(label: part.label, fraction: widest > 0 ? (part.value ?? 0) / widest : 0, text: text(part.value, masked: part.masked, secret: part.secret, unit: row.unit, threshold: threshold))
        }
        return .div(.class("chart"), .id("chart-\(row.key)"),
            .h3(.text(row.name + context.t(", en détail", ", in detail"))),
            .markup(Bars.svg(bars, title: row.name)),
            Kit.table(label: row.name,
                .thead(.tr(.th(.text(context.t("Détail", "Detail"))), .th(.class("num"), .text(context.t("Période", "Period"))))),
                .tbody(.forEach(parts) { part in
                    .tr(.td(.text(part.label)), .td(.class("num"), .text(text(part.value, masked: part.masked, secret: part.secret, unit: row.unit, threshold: threshold))))
                })))
    }

    // MARK: Cooperatives side by side

    static func comparison(_ comparison: ImpactComparison, errors: [String: String] = [:], status: HTTPResponseStatus = .ok, title: String, path: String, csv: String,
                           back: (String, String), settings: String? = nil, context: PageContext) -> Response {
        let query = "?from=\(comparison.from)&to=\(comparison.to)"
        let period = CalendarDay(comparison.from).flatMap { from in CalendarDay(comparison.to).map { DayPeriod(from: from, to: $0) } }
        let coops = comparison.cooperatives
        return Layout.render(context, title: title, status: status, content: .group(
            .p(.class("no-print"), .a(.href(back.0), .text(back.1))),
            .h1(.text(title)),
            periodForm(action: path, period: period, errors: errors.filter { ["from", "to"].contains($0.key) }, context: context),
            .p(.class("no-print"), .a(.id("csv-link"), .href(csv + query), .text(context.t("Exporter en CSV", "Export as CSV"))), .text(" · "),
               .a(.href(SiteURL.indicators.path), .text(context.t("Ce que compte chaque indicateur", "What each indicator counts")))),
            secretNote(coops.allSatisfy(\.exact), threshold: comparison.threshold, context: context),
            .h2(.text(context.t("Les coopératives", "The cooperatives"))),
            Kit.table(label: context.t("Les coopératives", "The cooperatives"),
                .thead(.tr(.th(.text(context.t("Coopérative", "Cooperative"))), .th(.text(context.t("Territoire", "Territory"))), .th(.text(context.t("Étape", "Stage"))),
                           .th(.text(context.t("Du collectif à la SCIC", "From the collective to the SCIC"))))),
                .tbody(.forEach(coops) { coop in
                    .tr(.td(.a(.href(SiteURL.cooperativeImpact(coop.coopID).path + query), .text(coop.name))), .td(.text(coop.territory)),
                        .td(.text(CooperativeStage(rawValue: coop.stage)?.frenchLabel ?? coop.stage)),
                        .td(.class("onboarding"), .text(coop.onboarding.map { onboarding in
                            "\(onboarding.done) / \(onboarding.total) étapes" + (onboarding.next.map { context.t(" — prochaine : ", " — next: ") + $0 } ?? "")
                                + (onboarding.late ? context.t(" (en retard)", " (late)") : "")
                        } ?? "—")))
                })),
            .h2(.text(context.t("Côte à côte", "Side by side"))),
            .div(.class("table-scroll"),
                Kit.table(label: context.t("Indicateurs par coopérative", "Indicators by cooperative"),
                    .thead(.tr(.th(.text(context.t("Indicateur", "Indicator"))), .forEach(coops) { .th(.class("num"), .text($0.name)) },
                               .th(.class("num"), .text(context.t("Ensemble", "Together"))), .th(.class("num"), .text(context.t("Période précédente", "Previous period"))))),
                    .tbody(.forEach(comparison.total.enumerated()) { index, total in
                        .tr(.id("row-\(total.key)"), .td(.a(.href(SiteURL.indicators.path + "#indicator-\(total.key)"), .text(total.name))),
                            .forEach(coops) { coop in
                                let row = coop.indicators[index]
                                return .td(.class("num"), .text(text(row.value, masked: row.masked, secret: row.secret, unit: row.unit, threshold: comparison.threshold)))
                            },
                            .td(.class("num total"), .text(text(total.value, masked: total.masked, secret: total.secret, unit: total.unit, threshold: comparison.threshold))),
                            .td(.class("num"), .text(text(total.previous, masked: total.previousMasked, secret: total.previousSecret, unit: total.unit, threshold: comparison.threshold))))
                    }))),
            .h2(.text(context.t("Ensemble, en détail", "Together, in detail"))),
            .forEach(comparison.total.filter { !($0.parts ?? []).isEmpty }) { breakdown($0, threshold: comparison.threshold, context: context) },
            // The network admin sets the threshold of the statistical secret here.
            .unwrap(settings) { value in
                .section(.class("panel no-print"),
                    .h2(.text(context.t("Secret statistique du réseau", "The network's statistical secret"))),
                    Kit.errorSummary(errors.filter { $0.key == "secretThreshold" }, order: ["secretThreshold"], context: context),
                    .form(.id("settings-form"), .action(SiteURL.networkSettings.path), .method(.post),
                        Kit.csrfField(context.csrfToken),
                        Kit.input(.init(name: "secretThreshold", label: context.t("Seuil (personnes)", "Threshold (people)"), value: value, error: errors["secretThreshold"],
                                        hint: context.t("Hors de la coopérative, un effectif plus petit s'affiche « < seuil ». De 3 à 20.", "Outside the cooperative, a smaller count shows as \"< threshold\". From 3 to 20."),
                                        required: true, inputMode: "numeric")),
                        Kit.submit(context.t("Enregistrer le seuil", "Save the threshold"), id: "settings-submit")))
            }
        ))
    }
}
