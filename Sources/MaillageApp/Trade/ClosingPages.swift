import Foundation
import MaillageCore
import Plot
import Vapor

/// `/coops/:coopID/closings`: the day's Z with the cash count first (what the cashier does every
/// evening), a month's or a year's closing behind its button, and the closings made.
enum ClosingsPage {
    static func render(_ repository: TradeRepository, form: TillPagesController.ClosingForm, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let closings = try await repository.closings()
        let today = CalendarDay.today
        let dayClosed = try await repository.dayIsClosed(today, on: repository.db)
        let drawer = try await repository.drawer(on: today)
        let title = context.t("Clôtures de caisse", "Till closings")
        let dayForm = form.period == nil || form.period == ClosingPeriod.day.rawValue
        return Layout.render(context, title: title, status: status, content: .group(
            coopLink(coop),
            counterLinks(coop, context: context),
            .h1(.text(title)),
            dayClosed ? .p(.class("flash"), .text(context.t("La journée d'aujourd'hui est clôturée.", "Today is closed.")))
                      : daySection(coop, drawer: drawer, form: dayForm ? form : .init(period: "day", date: today.description),
                                   errors: dayForm ? errors : [:], context: context),
            periodSection(coop, form: dayForm ? .init(period: "month", date: today.description) : form, errors: dayForm ? [:] : errors, context: context),
            closings.isEmpty ? Kit.emptyState(context.t("Aucune clôture pour l'instant.", "No closing yet.")) : list(coop, closings, context: context)
        ))
    }

    private static func daySection(_ coop: Cooperative, drawer: DrawerDTO, form: TillPagesController.ClosingForm,
                                   errors: [String: String], context: PageContext) -> BodyNode {
        let order = ["countedCash", "cashCount"] + CashCount.denominations.map { "n\($0)" } + ["period", "date"]
        return .section(.class("panel"), .id("cloture-du-jour"),
            .h2(.text(context.t("Clôture du jour (Z)", "Day's closing (Z)"))),
            Kit.facts([
                (context.t("Fond de caisse", "Opening float"), drawer.opened ? Euros.french(drawer.openingFloatCents) : context.t("non compté (0,00 €)", "not counted (€0.00)")),
                (context.t("Espèces encaissées (rendu déduit)", "Cash taken (change deducted)"), Euros.french(drawer.netCashCents)),
                (context.t("Espèces attendues", "Expected cash"), Euros.french(drawer.expectedCashCents)),
            ]),
            Kit.errorSummary(errors, order: order, context: context),
            .form(.id("closing-form"), .method(.post), .action(SiteURL.closings(coop.id!).path),
                Kit.csrfField(context.csrfToken),
                .input(.type(.hidden), .name("period"), .value(ClosingPeriod.day.rawValue)),
                .input(.type(.hidden), .name("date"), .value(CalendarDay.today.description)),
                .fieldset(.class("cash-count"), .id("cashCount"),
                    .element(named: "legend", nodes: [.text(context.t("Comptage du tiroir : le nombre de chaque billet et pièce", "Drawer count: how many of each note and coin"))]),
                    .unwrap(errors["cashCount"]) { .p(.class("error"), .text($0)) },
                    .div(.class("cash-count-grid"),
                        .forEach(CashCount.denominations) { value in
                            Kit.input(.init(name: "n\(value)", label: CashCount.label(value), value: form.pieces[value], error: errors["n\(value)"],
                                            autocomplete: "off", inputMode: "numeric"))
                        })),
                Kit.input(.init(name: "countedCash", label: context.t("Ou le total compté (€)", "Or the total counted (€)"), value: form.countedCash,
                                error: errors["countedCash"], hint: context.t("Avec le détail, laissez vide : Maillage fait la somme.", "With the detail, leave empty: Maillage adds it up."),
                                autocomplete: "off", inputMode: "decimal")),
                Kit.submit(context.t("Clôturer la journée", "Close the day"), id: "closing-submit")))
    }

    private static func periodSection(_ coop: Cooperative, form: TillPagesController.ClosingForm, errors: [String: String], context: PageContext) -> BodyNode {
        Kit.addForm(context.t("Clôturer un mois ou une année", "Close a month or a year"), id: "period-closing", open: !errors.isEmpty, .group(
            Kit.errorSummary(errors, order: ["period", "date"], context: context),
            .form(.id("period-closing-form"), .method(.post), .action(SiteURL.closings(coop.id!).path),
                Kit.csrfField(context.csrfToken),
                .p(.class("hint"), .text(context.t("Une clôture se fait une fois la période finie ; elle ne se refait pas.",
                                                   "A period is closed once it is over; a closing cannot be redone."))),
                Kit.select(name: "period", label: context.t("Période", "Period"),
                           options: [ClosingPeriod.month, .year].map { ($0.rawValue, $0.frenchLabel) }, selected: form.period, error: errors["period"]),
                Kit.input(.init(name: "date", label: context.t("Un jour de la période", "A day in the period"), value: form.date, type: .date, error: errors["date"])),
                Kit.submit(context.t("Clôturer", "Close"), id: "period-closing-submit"))))
    }

    private static func list(_ coop: Cooperative, _ closings: [Closing], context: PageContext) -> BodyNode {
        Kit.table(label: context.t("Clôtures faites", "Closings made"),
            .thead(.tr(.th(.text(context.t("Période", "Period"))), .th(.text(context.t("Du", "From"))), .th(.text(context.t("Au", "To"))),
                       .th(.class("num"), .text(context.t("Tickets", "Tickets"))), .th(.class("num"), .text(context.t("Total TTC", "Total"))),
                       .th(.class("num"), .text(context.t("Écart de caisse", "Cash gap"))),
                       .th(.class("num"), .text(context.t("Total perpétuel", "Perpetual total"))), .th(.text(context.t("Archive", "Archive"))))),
            .tbody(.forEach(closings) { closing in
                let dto = ClosingDTO(closing)
                return .tr(
                    .td(.a(.href(SiteURL.closing(coop.id!, closing.id!).path), .text(ClosingPeriod(rawValue: closing.period)?.frenchLabel ?? closing.period))),
                    .td(.text(dto.from)), .td(.text(dto.to)),
                    .td(.class("num"), .text("\(closing.tickets)")),
                    .td(.class("num"), .text(Euros.french(closing.totalCents))),
                    .td(.class("num"), .text(closing.cashGapCents.map(Euros.french) ?? "—")),
                    .td(.class("num"), .text(Euros.french(closing.perpetualTotalCents))),
                    .td(.a(.href(SiteURL.closingArchive(coop.id!, closing.id!).path), .text(context.t("Télécharger (JSON)", "Download (JSON)"))),
                        .unwrap(closing.archiveSHA256) { .p(.class("legal hash"), .text("SHA-256 " + grouped($0))) }))
            }))
    }

    /// A digest in groups of eight characters, so that it wraps between groups on a phone.
    static func grouped(_ digest: String) -> String {
        stride(from: 0, to: digest.count, by: 8).map { start in
            String(digest.dropFirst(start).prefix(8))
        }.joined(separator: " ")
    }
}

/// A closing as the till prints it (80 mm): totals by VAT rate, by payment method and by tier,
/// the perpetual grand total, the cash count and its gap, the duplicatas printed.
struct ClosingTicket {
    var coop: Cooperative
    var closing: ClosingDTO
    var duplicates: Int

    func render(_ context: PageContext) -> Response {
        let label = ClosingPeriod(rawValue: closing.period)?.frenchLabel ?? closing.period
        let days = closing.from == closing.to ? Self.french(closing.from) : Self.french(closing.from) + context.t(" au ", " to ") + Self.french(closing.to)
        let title = label + " — " + days
        return Layout.render(context, title: title, scripts: [SiteURL.printScript.path], content: .group(
            .div(.class("no-print button-group print-actions"),
                .a(.href(SiteURL.closings(coop.id!).path), .class("button"), .text(context.t("← Clôtures", "← Closings"))),
                .button(.type(.button), .class("primary"), .data(named: "print", value: "1"), .attribute(named: "hidden", value: "hidden"), .text(context.t("Imprimer", "Print")))),
            .h1(.class("visually-hidden"), .text(title)),
            .article(.id("closing-ticket"), .class("receipt-80"),
                .p(.class("receipt-center"), .strong(.text(coop.name)), .unwrap(coop.address) { .group(.br(), .text($0)) },
                   .unwrap(coop.siret) { .group(.br(), .text("SIRET " + $0)) }),
                .p(.class("receipt-center"), .strong(.text(label)), .br(), .text(days)),
                section(context.t("Ventes", "Sales"), [
                    (context.t("Tickets", "Tickets"), "\(closing.tickets)"),
                    (context.t("Total TTC", "Total incl. VAT"), Euros.french(closing.totalCents)),
                    (context.t("Total perpétuel", "Perpetual total"), Euros.french(closing.perpetualTotalCents)),
                ], id: "z-sales"),
                section(context.t("Par taux de TVA", "By VAT rate"), closing.vat.flatMap { line -> [(String, String)] in
                    let rate = PrintedTicket.rate(line.rate).frenchLabel
                    return [(context.t("TTC ", "Gross ") + rate, Euros.french(line.grossCents)), (context.t("dont TVA ", "of which VAT ") + rate, Euros.french(line.vatCents))]
                }, id: "z-vat"),
                section(context.t("Par moyen de paiement", "By payment method"), closing.byMethod.sorted { $0.key < $1.key }.map {
                    (PaymentMethod(rawValue: $0.key)?.frenchLabel ?? $0.key, Euros.french($0.value))
                }, id: "z-methods"),
                section(context.t("Par tarif", "By tier"), closing.byTier.sorted { (Tier(code: $0.key)?.sortKey ?? 0) < (Tier(code: $1.key)?.sortKey ?? 0) }.map {
                    (tierLabel($0.key), Euros.french($0.value))
                }, id: "z-tiers"),
                .unwrap(closing.expectedCashCents) { expected in cash(expected, context: context) },
                section(context.t("Clôture", "Closing"), [
                    (context.t("Duplicatas imprimés", "Duplicates printed"), "\(duplicates)"),
                    (context.t("Clôturée par", "Closed by"), closing.closedBy),
                ] + (closing.closedAt.map { [(context.t("Le", "On"), PrintedTicket.secondTime($0))] } ?? []), id: "z-closing"))
        ))
    }

    private func cash(_ expected: Int, context: PageContext) -> BodyNode {
        var rows = [(context.t("Fond de caisse", "Opening float"), Euros.french(closing.openingFloatCents ?? 0)),
                    (context.t("Espèces attendues", "Expected cash"), Euros.french(expected))]
        if let counted = closing.countedCashCents {
            rows.append((context.t("Espèces comptées", "Cash counted"), Euros.french(counted)))
            rows.append((context.t("Écart", "Gap"), Euros.french(closing.cashGapCents ?? 0)))
            if let who = closing.countedBy { rows.append((context.t("Compté par", "Counted by"), who)) }
        } else {
            rows.append((context.t("Espèces comptées", "Cash counted"), context.t("pas de comptage", "not counted")))
        }
        for (key, count) in (closing.cashCount ?? [:]).compactMap({ key, count in Int(key).map { ($0, count) } }).sorted(by: { $0.0 > $1.0 }) {
            rows.append(("\(count) × " + CashCount.label(key), Euros.french(key * count)))
        }
        return section(context.t("Espèces", "Cash"), rows, id: "z-cash")
    }

    private func section(_ title: String, _ rows: [(String, String)], id: String) -> BodyNode {
        .section(.id(id), .h2(.class("receipt-heading"), .text(title)),
                 .dl(.class("receipt-totals"), .forEach(rows) { label, value in .div(.dt(.text(label)), .dd(.text(value))) }))
    }

    /// `2026-12-07` → `07/12/2026`.
    static func french(_ day: String) -> String { CalendarDay(day)?.french ?? day }
}
