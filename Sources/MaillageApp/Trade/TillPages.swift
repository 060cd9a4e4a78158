import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

/// The counter: `/coops/:coopID/till` (the till itself, driven by `till.js` over the JSON
/// API), `/sales` (the latest tickets, a ticket, its refund) and `/closings` (Z of the day,
/// month and year closings, each closed period's archive).
struct TillPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        coop.get("till", use: till)
        coop.get("sales", use: sales)
        coop.get("sales", ":saleID", use: sale)
        coop.post("sales", ":saleID", "refund", use: refund)
        coop.get("closings", use: closings)
        coop.post("closings", use: close)
        coop.get("closings", ":closingID", "archive", use: archive)
    }

    func till(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let products = try await repository.products(includingInactive: false)
        let pool = try await repository.poolBalance()
        let closed = try await repository.dayIsClosed(.today, on: repository.db)
        return TillPage(coop: repository.scope.cooperative, products: products, poolCents: pool, dayClosed: closed).render(request.pageContext())
    }

    func sales(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let verification = request.query[String.self, at: "verify"] != nil ? try await repository.verifyJournal() : nil
        var asked = TicketsQuery()
        var errors: [String: String] = [:]
        do { asked = try request.ticketsQuery() } catch { errors = Problem.from(error).fieldErrors }
        let page = try await repository.sales(asked.filter, number: asked.number, from: asked.from, to: asked.to)
        return SalesPage(coop: repository.scope.cooperative, page: page, listing: ListRequest(filter: asked.filter, typed: request.query[String.self, at: "q"], errors: errors),
                         period: .init(from: request.query[String.self, at: "from"], to: request.query[String.self, at: "to"]),
                         poolCents: try await repository.poolBalance(), verification: verification).render(request.pageContext())
    }

    func sale(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let sale = try await repository.sale(try request.uuidParameter("saleID"))
        let refund = try await Sale.query(on: repository.db).filter(\.$cooperativeID == repository.scope.id).filter(\.$refundOf == sale.id!).first()
        return TicketPage(coop: repository.scope.cooperative, sale: SaleDTO(sale), refundedBy: refund.map { ($0.id!, $0.number) }).render(request.pageContext())
    }

    func refund(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let original = try await repository.sale(try request.uuidParameter("saleID"))
        let scope = repository.scope
        return try await Self.conflictsAsFlash(request, back: SiteURL.sale(scope.id, original.id!)) {
            let refund = try await request.db.transaction { tx in
                try await TradeRepository(db: tx, scope: scope).refund(original, on: tx)
            }
            request.flash(request.language.t("Remboursement enregistré : ticket n° \(refund.number).", "Refund recorded: ticket no. \(refund.number)."))
            return request.redirect(to: SiteURL.sale(scope.id, refund.id!).path)
        }
    }

    /// A refusal that is not the user's typing (already refunded, day closed…) goes back to
    /// the page with its explanation.
    static func conflictsAsFlash(_ request: Request, back: SiteURL, _ work: () async throws -> Response) async throws -> Response {
        do {
            return try await work()
        } catch {
            let problem = Problem.from(error)
            guard problem.status == .conflict else { throw error }
            request.flash(problem.detail)
            return request.redirect(to: back.path)
        }
    }

    struct ClosingForm: Content {
        var period: String?
        var date: String?
    }

    func closings(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        return try await ClosingsPage.render(repository, form: ClosingForm(period: "day", date: CalendarDay.today.description), errors: [:], context: request.pageContext())
    }

    func close(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let form = try request.content.decode(ClosingForm.self)
        let scope = repository.scope
        return try await FormSubmission.handle {
            try await Self.conflictsAsFlash(request, back: SiteURL.closings(scope.id)) {
                let closing = try await request.db.transaction { tx in
                    try await TradeRepository(db: tx, scope: scope).close(period: form.period, date: form.date, today: .today, on: tx)
                }
                let label = ClosingPeriod(rawValue: closing.period)?.frenchLabel ?? closing.period
                request.flash(request.language.t("\(label) enregistrée : \(closing.tickets) tickets, \(Euros.french(closing.totalCents)).",
                                                 "Closing recorded: \(closing.tickets) tickets, \(Euros.french(closing.totalCents))."))
                return request.redirect(to: SiteURL.closings(scope.id).path)
            }
        } invalid: { errors in
            try await ClosingsPage.render(repository, form: form, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    /// The archive of a closed period, as a JSON file; its SHA-256 is in a header and on the
    /// closings page.
    func archive(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let closing = try await repository.closing(try request.uuidParameter("closingID"))
        let archive = try await repository.archive(of: closing)
        return Self.archiveResponse(archive, closing: closing)
    }

    static func archiveResponse(_ archive: (data: Data, sha256: String), closing: Closing) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: "X-Archive-SHA256", value: archive.sha256)
        // What the archive hashed to when the period was closed: a difference means a change since.
        if let sealed = closing.archiveSHA256 { headers.replaceOrAdd(name: "X-Archive-Sealed-SHA256", value: sealed) }
        let name = "archive-\(closing.period)-\(CalendarDay(date: closing.firstDay).description).json"
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return Response(status: .ok, headers: headers, body: .init(data: archive.data))
    }
}

private func coopLink(_ coop: Cooperative) -> BodyNode {
    .p(.a(.href(SiteURL.cooperative(coop.id!).path), .text(coop.name)))
}

private func counterLinks(_ coop: Cooperative, context: PageContext) -> BodyNode {
    let sections: [(String, String)] = [
        (context.t("Caisse", "Till"), SiteURL.till(coop.id!).path),
        (context.t("Tickets", "Tickets"), SiteURL.sales(coop.id!).path),
        (context.t("Clôtures", "Closings"), SiteURL.closings(coop.id!).path),
    ]
    return Kit.tabs(sections.map { .init(label: $0.0, path: $0.1, current: context.currentPath == $0.1) }, label: context.t("Comptoir", "Counter"))
}

private func tierLabel(_ code: String) -> String { Tier(code: code)?.frenchLabel ?? code }

struct TillPage {
    var coop: Cooperative
    var products: [Product]
    var poolCents: Int
    var dayClosed: Bool

    func render(_ context: PageContext) -> Response {
        let coopID = coop.id!
        let title = context.t("Caisse", "Till")
        let methods: [(PaymentMethod, String)] = [(.cash, "E"), (.card, "C"), (.cheque, "Q"), (.mealVoucher, "T")]
        return Layout.render(context, title: title, scripts: [SiteURL.tillScript.path], content: .group(
            coopLink(coop),
            counterLinks(coop, context: context),
            .h1(.text(title)),
            .if(dayClosed, .p(.class("alert"), .text(context.t("La clôture du jour (Z) est faite : la caisse n'enregistre plus de ticket aujourd'hui.",
                                                            "Today's Z closing is done: the till records no more tickets today.")))),
            .element(named: "noscript", nodes: [.p(.class("alert"), .text(context.t(
                "La caisse a besoin de JavaScript. Les tickets se consultent sur la page Tickets.",
                "The till needs JavaScript. Tickets can be read on the Tickets page.")))]),
            .div(.id("till"), .class("till"),
                .data(named: "coop", value: coopID.uuidString.lowercased()),
                .data(named: "api", value: "/api/v1/coops/\(coopID.uuidString.lowercased())"),
                .data(named: "csrf", value: context.csrfToken),
                .data(named: "pool", value: String(poolCents)),
                .data(named: "ticket-url", value: SiteURL.sales(coopID).path),
                .section(.class("till-products"), .attribute(named: "aria-label", value: context.t("Produits", "Products")),
                    .forEach(Array(products.enumerated())) { index, product in
                        let key = index < 9 ? String(index + 1) : nil
                        return .button(.type(.button), .class("till-product"),
                            .data(named: "product-id", value: product.id!.uuidString),
                            .data(named: "name", value: product.name),
                            .data(named: "price", value: String(product.publicPriceCents)),
                            .data(named: "category", value: product.category),
                            .unwrap(key) { .data(named: "key", value: $0) },
                            .unwrap(key) { .attribute(named: "aria-keyshortcuts", value: $0) },
                            .unwrap(key) { .span(.class("key"), .text(context.t("touche ", "key ") + $0)) },
                            .span(.text(product.name)),
                            .span(.class("price"), .text(Euros.french(product.publicPriceCents))))
                    }),
                .section(.class("till-ticket panel"), .attribute(named: "aria-label", value: context.t("Ticket en cours", "Current ticket")),
                    .form(.id("till-card-form"), .class("row-form"),
                        .label(.for("till-card"), .text(context.t("Carte foyer", "Household card"))),
                        .input(.type(.text), .id("till-card"), .name("card"), .attribute(named: "autocomplete", value: "off"),
                               .attribute(named: "autocapitalize", value: "characters"), .attribute(named: "aria-keyshortcuts", value: "/")),
                        .button(.type(.submit), .text(context.t("Appliquer", "Apply")))),
                    .p(.id("till-household"), .class("till-household"), .text(context.t("Sans carte : prix public.", "No card: public price."))),
                    Kit.table(label: context.t("Lignes du ticket", "Ticket lines"),
                        .thead(.tr(.th(.text(context.t("Produit", "Product"))), .th(.class("num"), .text(context.t("Qté", "Qty"))),
                                   .th(.class("num"), .text(context.t("Prix public", "Public price"))), .th(.class("num"), .text(context.t("Prix foyer", "Household price"))),
                                   .th(.class("num"), .text(context.t("Écart", "Difference"))), .th(.class("num"), .text(context.t("Total", "Total"))))),
                        .tbody(.id("till-lines-body"))),
                    .p(.id("till-empty"), .class("muted"), .text(context.t("Touchez un produit, ou tapez son numéro.", "Tap a product, or type its number."))),
                    .div(.class("row-form"),
                        .label(.for("till-donation"), .text(context.t("Don à la caisse de solidarité (€)", "Donation to the solidarity pool (€)"))),
                        .input(.type(.text), .id("till-donation"), .attribute(named: "inputmode", value: "decimal"), .attribute(named: "autocomplete", value: "off"))),
                    .div(.class("row-form"),
                        .label(.for("till-meals"), .text(context.t("Repas suspendus utilisés", "Suspended meals used"))),
                        .input(.type(.number), .id("till-meals"), .attribute(named: "min", value: "0"), .attribute(named: "max", value: "99"), .value("0")),
                        .span(.class("muted"), .text(context.t("Caisse de solidarité : ", "Solidarity pool: ")), .span(.id("till-pool"), .text(Euros.french(poolCents))))),
                    .dl(.class("facts till-totals"),
                        .dt(.text(context.t("Au prix public", "At public price"))), .dd(.id("till-public-total"), .text(Euros.french(0))),
                        .dt(.text(context.t("Solidarité", "Solidarity"))), .dd(.id("till-solidarity"), .text(Euros.french(0))),
                        .dt(.text(context.t("Total TTC", "Total incl. VAT"))), .dd(.id("till-total"), .text(Euros.french(0))),
                        .dt(.text(context.t("À payer", "Due"))), .dd(.id("till-due"), .class("till-due"), .text(Euros.french(0))),
                        .dt(.text(context.t("Payé", "Paid"))), .dd(.id("till-paid"), .text(Euros.french(0))),
                        .dt(.text(context.t("Rendu", "Change"))), .dd(.id("till-change"), .text(Euros.french(0)))),
                    .div(.class("row-form"),
                        .label(.for("till-amount"), .text(context.t("Montant reçu (€)", "Amount received (€)"))),
                        .input(.type(.text), .id("till-amount"), .attribute(named: "inputmode", value: "decimal"), .attribute(named: "autocomplete", value: "off"),
                               .attribute(named: "aria-describedby", value: "till-amount-hint"))),
                    .p(.id("till-amount-hint"), .class("hint"), .text(context.t(
                        "Vide : le reste à payer. Touches E espèces, C carte, Q chèque, T titre-restaurant ; Entrée encaisse, Échap efface.",
                        "Empty: what remains due. Keys E cash, C card, Q cheque, T meal voucher; Enter records, Escape clears."))),
                    .div(.class("row-form"),
                        .forEach(methods) { method, key in
                            .button(.type(.button), .class("till-pay"), .data(named: "method", value: method.rawValue),
                                    .attribute(named: "aria-keyshortcuts", value: key), .text(method.frenchLabel))
                        }),
                    .ul(.id("till-payments-list")),
                    .div(.class("actions"),
                        .button(.type(.button), .id("till-record"), .class("primary"), .attribute(named: "aria-keyshortcuts", value: "Enter"), .text(context.t("Encaisser", "Record sale"))),
                        .button(.type(.button), .id("till-cancel"), .attribute(named: "aria-keyshortcuts", value: "Escape"), .text(context.t("Effacer le ticket", "Clear ticket")))),
                    .p(.id("till-status"), .class("till-status"), .attribute(named: "role", value: "status"), .attribute(named: "aria-live", value: "polite")),
                    .div(.id("till-receipt"), .class("panel"), .attribute(named: "hidden", value: "hidden"),
                        .h2(.text(context.t("Ticket", "Receipt"))),
                        .p(.text(coop.name + (coop.address.map { " — " + $0 } ?? "") + (coop.siret.map { " — SIRET " + $0 } ?? ""))),
                        .div(.id("till-receipt-body")),
                        .div(.class("actions no-print"),
                            .button(.type(.button), .id("till-print"), .text(context.t("Imprimer", "Print"))),
                            .button(.type(.button), .id("till-new-sale"), .class("primary"), .text(context.t("Nouvelle vente", "New sale")))))))
        ))
    }
}

/// The tickets' list as asked: `q` is a ticket's number, `status` sales or refunds, `from` and
/// `to` the days of a period (page and API alike).
struct TicketsQuery {
    var filter = ListFilter()
    var number: Int?
    var from: CalendarDay?
    var to: CalendarDay?
}

extension Request {
    func ticketsQuery() throws -> TicketsQuery {
        var errors: [String: String] = [:]
        var asked = TicketsQuery()
        do { asked.filter = try listFilter(states: TradeRepository.saleStates) } catch { errors.merge(Problem.from(error).fieldErrors) { first, _ in first } }
        asked.filter.words = []
        if let typed = TextRules.clean(query[String.self, at: "q"]) {
            if let number = Int(typed.replacingOccurrences(of: "n°", with: "").trimmingCharacters(in: .whitespaces)), number > 0 {
                asked.number = number
            } else {
                errors["q"] = "Un numéro de ticket s'écrit en chiffres, par exemple 1234."
            }
        }
        do { (asked.from, asked.to) = try listPeriod() } catch { errors.merge(Problem.from(error).fieldErrors) { first, _ in first } }
        guard errors.isEmpty else { throw Problem.invalid(FieldErrors(errors)) }
        return asked
    }
}

struct SalesPage {
    var coop: Cooperative
    var page: ListPage<Sale>
    var listing: ListRequest
    var period: Kit.ListPeriodFields
    var poolCents: Int
    var verification: CashJournal.Verification?

    private var sales: [Sale] { page.rows }

    func render(_ context: PageContext) -> Response {
        let coopID = coop.id!
        let title = context.t("Tickets de caisse", "Till tickets")
        let path = SiteURL.sales(coopID).path
        let filtering = listing.filter.isFiltering || listing.typed?.isEmpty == false || period.from?.isEmpty == false || period.to?.isEmpty == false
        return Layout.render(context, title: title, status: listing.errors.isEmpty ? .ok : .unprocessableEntity, content: .group(
            coopLink(coop),
            counterLinks(coop, context: context),
            .h1(.text(title)),
            Kit.facts([(context.t("Caisse de solidarité", "Solidarity pool"), Euros.french(poolCents))]),
            .unwrap(verification) { result in
                result.ok
                    ? .p(.class("flash"), .attribute(named: "role", value: "status"), .text(context.t("Journal intègre : \(result.entries) écritures vérifiées.", "Journal intact: \(result.entries) entries checked.")))
                    : .p(.class("alert"), .attribute(named: "role", value: "alert"), .text(context.t("Journal rompu à l'écriture n° \(result.firstBrokenNumber ?? 0) (sur \(result.entries)).", "Journal broken at entry no. \(result.firstBrokenNumber ?? 0) (of \(result.entries)).")))
            },
            .form(.method(.get), .action(SiteURL.sales(coopID).path),
                .input(.type(.hidden), .name("verify"), .value("1")),
                .button(.type(.submit), .text(context.t("Vérifier le journal", "Verify the journal")))),
            Kit.listFilterErrors(listing.errors, context: context),
            Kit.listFilterForm(action: path, filter: listing.filter, typed: listing.typed, states: TradeRepository.saleStates,
                               searchLabel: context.t("N° de ticket", "Ticket number"), stateLabel: context.t("Type", "Kind"), period: period, context: context),
            Kit.listSummary(page, singular: context.t("ticket", "ticket"), plural: context.t("tickets", "tickets"), context: context),
            sales.isEmpty ? .p(.text(filtering ? context.t("Aucun ticket ne correspond à cette recherche.", "No ticket matches this search.")
                                               : context.t("Aucun ticket pour l'instant.", "No ticket yet."))) :
            Kit.table(label: title,
                .thead(.tr(.th(.text(context.t("N°", "No."))), .th(.text(context.t("Date", "Date"))), .th(.text(context.t("Tarif", "Tier"))),
                           .th(.class("num"), .text(context.t("Total TTC", "Total"))), .th(.class("num"), .text(context.t("Solidarité", "Solidarity"))),
                           .th(.text(context.t("Caissier", "Cashier"))))),
                .tbody(.forEach(sales) { sale in
                    let solidarity = sale.lines.reduce(0) { $0 + ($1.publicPriceCents - $1.priceCents) * $1.quantity }
                    return .tr(
                        .td(.a(.href(SiteURL.sale(coopID, sale.id!).path), .text("\(sale.number)")),
                            .if(sale.refundOf != nil, .span(.class("tag"), .text(context.t(" remboursement", " refund"))))),
                        .td(.text(Self.when(sale.recordedAt))),
                        .td(.text(tierLabel(sale.tier))),
                        .td(.class("num"), .text(Euros.french(sale.totalCents))),
                        .td(.class("num"), .text(Euros.french(solidarity))),
                        .td(.text(sale.cashierLabel)))
                })),
            Kit.pagination(page, path: path, typed: listing.typed, filter: listing.filter, keeping: [("from", period.from), ("to", period.to)], context: context)
        ))
    }

    static func when(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "fr_FR")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")!
        formatter.dateFormat = "dd/MM/yyyy HH:mm"
        return formatter.string(from: date)
    }
}

struct TicketPage {
    var coop: Cooperative
    var sale: SaleDTO
    var refundedBy: (id: UUID, number: Int)?

    func render(_ context: PageContext) -> Response {
        let coopID = coop.id!
        let title = context.t("Ticket n° \(sale.number)", "Ticket no. \(sale.number)")
        return Layout.render(context, title: title, content: .group(
            coopLink(coop),
            counterLinks(coop, context: context),
            .h1(.text(title)),
            .section(.class("panel"),
                .p(.text(coop.name + (coop.address.map { " — " + $0 } ?? "") + (coop.siret.map { " — SIRET " + $0 } ?? ""))),
                Kit.facts([
                    (context.t("Date", "Date"), SalesPage.when(sale.recordedAt)),
                    (context.t("Tarif", "Tier"), tierLabel(sale.tier)),
                    (context.t("Caissier", "Cashier"), sale.cashier),
                ]),
                .unwrap(sale.refundOf) { original in
                    .p(.class("tag"), .a(.href(SiteURL.sale(coopID, original).path), .text(context.t("Remboursement d'une vente", "Refund of a sale"))))
                },
                Kit.table(label: context.t("Lignes", "Lines"),
                    .thead(.tr(.th(.text(context.t("Produit", "Product"))), .th(.class("num"), .text(context.t("Qté", "Qty"))),
                               .th(.class("num"), .text(context.t("Prix public", "Public price"))), .th(.class("num"), .text(context.t("Prix payé", "Price paid"))),
                               .th(.class("num"), .text(context.t("Solidarité", "Solidarity"))), .th(.class("num"), .text(context.t("TVA", "VAT"))))),
                    .tbody(.forEach(sale.lines) { line in
                        .tr(.td(.text(line.name)), .td(.class("num"), .text("\(line.quantity)")),
                            .td(.class("num"), .text(Euros.french(line.publicPriceCents))), .td(.class("num"), .text(Euros.french(line.priceCents))),
                            .td(.class("num"), .text(Euros.french(line.solidarityCents))),
                            .td(.class("num"), .text((VATRate(rawValue: Int((line.vatRate * 10).rounded())) ?? .standard).frenchLabel)))
                    })),
                Kit.facts(
                    (sale.donationCents != 0 ? [(context.t("Don à la caisse de solidarité", "Donation to the pool"), Euros.french(sale.donationCents))] : [])
                    + (sale.poolDrawCents != 0 ? [(context.t("Repas suspendus (\(sale.suspendedMealsUsed))", "Suspended meals (\(sale.suspendedMealsUsed))"), Euros.french(-sale.poolDrawCents))] : [])
                    + [(context.t("Total TTC", "Total incl. VAT"), Euros.french(sale.totalCents)),
                       (context.t("À payer", "Due"), Euros.french(sale.dueCents))]
                    + sale.vat.map { (context.t("dont TVA ", "of which VAT ") + ((VATRate(rawValue: Int(($0.rate * 10).rounded())) ?? .standard).frenchLabel), Euros.french($0.vatCents)) }
                    + sale.payments.map { ((PaymentMethod(rawValue: $0.method)?.frenchLabel ?? $0.method), Euros.french($0.amountCents)) }
                    + (sale.changeCents > 0 ? [(context.t("Rendu", "Change"), Euros.french(sale.changeCents))] : [])
                    + [(context.t("Solidarité donnée", "Solidarity given"), Euros.french(sale.solidarityCents))]),
                .p(.class("legal"), .text(context.t("Empreinte (journal n° \(sale.number)) : ", "Fingerprint (journal no. \(sale.number)): ") + sale.hash))),
            .div(.class("actions no-print"),
                .unwrap(refundedBy) { refund in
                    .p(.a(.href(SiteURL.sale(coopID, refund.id).path), .text(context.t("Remboursée par le ticket n° \(refund.number)", "Refunded by ticket no. \(refund.number)"))))
                },
                .if(refundedBy == nil && sale.refundOf == nil,
                    .form(.method(.post), .action(SiteURL.saleRefund(coopID, sale.id).path),
                        Kit.csrfField(context.csrfToken),
                        .button(.type(.submit), .class("danger"), .text(context.t("Rembourser ce ticket (ticket négatif)", "Refund this ticket (negative ticket)"))))))
        ))
    }
}

enum ClosingsPage {
    static func render(_ repository: TradeRepository, form: TillPagesController.ClosingForm, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let closings = try await repository.closings()
        let title = context.t("Clôtures de caisse", "Till closings")
        return Layout.render(context, title: title, status: status, content: .group(
            coopLink(coop),
            counterLinks(coop, context: context),
            .h1(.text(title)),
            .section(.class("panel"),
                .h2(.text(context.t("Clôturer une période", "Close a period"))),
                .p(.class("hint"), .text(context.t("Une clôture se fait une fois la période finie (le jour même pour le Z) ; elle ne se refait pas.",
                                                   "A period is closed once it is over (the same day for the Z); a closing cannot be redone."))),
                Kit.errorSummary(errors, order: ["period", "date"], context: context),
                .form(.id("closing-form"), .method(.post), .action(SiteURL.closings(coop.id!).path),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "period", label: context.t("Période", "Period"), options: ClosingPeriod.allCases.map { ($0.rawValue, $0.frenchLabel) },
                               selected: form.period, error: errors["period"]),
                    Kit.input(.init(name: "date", label: context.t("Un jour de la période", "A day in the period"), value: form.date, type: .date, error: errors["date"],
                                    hint: context.t("Vide : aujourd'hui.", "Empty: today."))),
                    Kit.submit(context.t("Clôturer", "Close"), id: "closing-submit"))),
            closings.isEmpty ? .p(.text(context.t("Aucune clôture pour l'instant.", "No closing yet."))) :
            Kit.table(label: title,
                .thead(.tr(.th(.text(context.t("Période", "Period"))), .th(.text(context.t("Du", "From"))), .th(.text(context.t("Au", "To"))),
                           .th(.class("num"), .text(context.t("Tickets", "Tickets"))), .th(.class("num"), .text(context.t("Total TTC", "Total"))),
                           .th(.class("num"), .text(context.t("Total perpétuel", "Perpetual total"))), .th(.text(context.t("Archive", "Archive"))))),
                .tbody(.forEach(closings) { closing in
                    let dto = ClosingDTO(closing)
                    return .tr(
                        .td(.text(ClosingPeriod(rawValue: closing.period)?.frenchLabel ?? closing.period)),
                        .td(.text(dto.from)), .td(.text(dto.to)),
                        .td(.class("num"), .text("\(closing.tickets)")),
                        .td(.class("num"), .text(Euros.french(closing.totalCents))),
                        .td(.class("num"), .text(Euros.french(closing.perpetualTotalCents))),
                        .td(.a(.href(SiteURL.closingArchive(coop.id!, closing.id!).path), .text(context.t("Télécharger (JSON)", "Download (JSON)"))),
                            .unwrap(closing.archiveSHA256) { .p(.class("legal hash"), .text("SHA-256 " + Self.grouped($0))) }))
                }))
        ))
    }

    /// A digest in groups of eight characters, so that it wraps between groups on a phone.
    static func grouped(_ digest: String) -> String {
        stride(from: 0, to: digest.count, by: 8).map { start in
            String(digest.dropFirst(start).prefix(8))
        }.joined(separator: " ")
    }
}
