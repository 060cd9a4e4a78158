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
        coop.post("drawer", "open", use: openDrawer)
        coop.get("sales", use: sales)
        coop.get("sales", ":saleID", use: sale)
        coop.post("sales", ":saleID", "refund", use: refund)
        coop.get("closings", use: closings)
        coop.post("closings", use: close)
        coop.get("closings", ":closingID", "archive", use: archive)
        coop.get("closings", ":closingID", use: closing)
    }

    func till(request: Request) async throws -> Response {
        try await Self.tillPage(request)
    }

    static func tillPage(_ request: Request, floatTyped: String? = nil, floatError: String? = nil) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let products = try await repository.products(includingInactive: false)
        let pool = try await repository.poolBalance()
        let closed = try await repository.dayIsClosed(.today, on: repository.db)
        return TillPage(coop: repository.scope.cooperative, products: products, poolCents: pool, dayClosed: closed, drawer: try await repository.drawer(),
                        floatTyped: floatTyped, floatError: floatError)
            .render(request.pageContext(), status: floatError == nil ? .ok : .unprocessableEntity)
    }

    struct DrawerForm: Content { var openingFloat: String? }

    /// The float counted at the start of the day, typed in euros.
    func openDrawer(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let form = try request.content.decode(DrawerForm.self)
        let scope = repository.scope
        guard let cents = TextRules.clean(form.openingFloat).flatMap(Euros.parse) else {
            return try await Self.tillPage(request, floatTyped: form.openingFloat, floatError: request.language.t(
                "Écrivez le fond de caisse en euros, par exemple 150 ou 85,50.", "Write the float in euros, for example 150 or 85.50."))
        }
        return try await Self.conflictsAsFlash(request, back: SiteURL.till(scope.id)) {
            do {
                _ = try await request.db.transaction { tx in
                    try await TradeRepository(db: tx, scope: scope).openDrawer(openingFloatCents: cents, on: tx)
                }
            } catch let problem as Problem where problem.status == .unprocessableEntity {
                return try await Self.tillPage(request, floatTyped: form.openingFloat, floatError: problem.fieldErrors["openingFloatCents"])
            }
            request.flash(request.language.t("Caisse ouverte : fond de caisse de \(Euros.french(cents)).", "Drawer open: float of \(Euros.french(cents))."))
            return request.redirect(to: SiteURL.till(scope.id).path)
        }
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
        return TicketPage(coop: repository.scope.cooperative, sale: SaleDTO(sale), refundedBy: refund.map { ($0.id!, $0.number) },
                          prints: try await repository.printCount(of: sale.id!)).render(request.pageContext())
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

    /// A closing as typed: the period, a day in it, and for the day's Z the cash counted by
    /// denomination (`n2000`: the number of 20 € notes) or as a total in euros.
    struct ClosingForm: Content {
        var period: String?
        var date: String?
        var countedCash: String?
        var pieces: [Int: String] = [:]

        enum CodingKeys: String, CodingKey { case period, date, countedCash }

        init(period: String?, date: String?) {
            self.period = period
            self.date = date
        }

        static func read(_ request: Request) throws -> ClosingForm {
            var form = try request.content.decode(ClosingForm.self)
            let fields = (try? request.content.decode([String: String].self)) ?? [:]
            for value in CashCount.denominations { form.pieces[value] = fields["n\(value)"] }
            return form
        }

        /// The count as the repository takes it; a count or an amount that is not a number is
        /// a field error.
        func count() throws -> CashCountDraft {
            var errors = FieldErrors()
            var draft = CashCountDraft()
            for (value, typed) in pieces {
                guard let text = TextRules.clean(typed) else { continue }
                guard let count = Int(text), count >= 0 else { errors.add("n\(value)", "Un nombre de pièces ou de billets, par exemple 3."); continue }
                draft.pieces[value] = count
            }
            if let text = TextRules.clean(countedCash) {
                if let cents = Euros.parse(text) { draft.totalCents = cents } else { errors.add("countedCash", "Un montant s'écrit en euros, par exemple 412,30.") }
            }
            try errors.throwIfAny()
            return draft
        }
    }

    func closings(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        return try await ClosingsPage.render(repository, form: ClosingForm(period: "day", date: CalendarDay.today.description), errors: [:], context: request.pageContext())
    }

    func close(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let form = try ClosingForm.read(request)
        let scope = repository.scope
        return try await FormSubmission.handle {
            try await Self.conflictsAsFlash(request, back: SiteURL.closings(scope.id)) {
                let count = try form.period == ClosingPeriod.day.rawValue ? form.count() : CashCountDraft()
                let closing = try await request.db.transaction { tx in
                    try await TradeRepository(db: tx, scope: scope).close(period: form.period, date: form.date, count: count, today: .today, on: tx)
                }
                let label = ClosingPeriod(rawValue: closing.period)?.frenchLabel ?? closing.period
                request.flash(request.language.t("\(label) enregistrée : \(closing.tickets) tickets, \(Euros.french(closing.totalCents)).",
                                                 "Closing recorded: \(closing.tickets) tickets, \(Euros.french(closing.totalCents))."))
                return request.redirect(to: SiteURL.closing(scope.id, closing.id!).path)
            }
        } invalid: { errors in
            let fields = errors.reduce(into: [String: String]()) { $0[$1.key == "countedCashCents" ? "countedCash" : $1.key] = $1.value }
            return try await ClosingsPage.render(repository, form: form, errors: fields, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    /// The Z (or a month's, a year's closing) as a till prints it.
    func closing(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let closing = try await repository.closing(try request.uuidParameter("closingID"))
        let end = CalendarDay(date: closing.lastDay).adding(days: 1).date
        return ClosingTicket(coop: repository.scope.cooperative, closing: ClosingDTO(closing),
                             duplicates: try await repository.duplicates(from: closing.firstDay, to: end, on: repository.db)).render(request.pageContext())
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

/// The cooperative's name, back to its page (not printed on a ticket).
func coopLink(_ coop: Cooperative) -> BodyNode {
    .p(.class("no-print"), .a(.href(SiteURL.cooperative(coop.id!).path), .text(coop.name)))
}

func counterLinks(_ coop: Cooperative, context: PageContext) -> BodyNode {
    let sections: [(String, String)] = [
        (context.t("Caisse", "Till"), SiteURL.till(coop.id!).path),
        (context.t("Tickets", "Tickets"), SiteURL.sales(coop.id!).path),
        (context.t("Clôtures", "Closings"), SiteURL.closings(coop.id!).path),
    ]
    return Kit.tabs(sections.map { .init(label: $0.0, path: $0.1, current: context.currentPath == $0.1) }, label: context.t("Comptoir", "Counter"))
}

func tierLabel(_ code: String) -> String { Tier(code: code)?.frenchLabel ?? code }

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

    /// `07/12/2026 12:04`, Paris time; to the second (`12:04:31`) on a printed ticket.
    static func when(_ date: Date, seconds: Bool = false) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "fr_FR")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")!
        formatter.dateFormat = seconds ? "dd/MM/yyyy HH:mm:ss" : "dd/MM/yyyy HH:mm"
        return formatter.string(from: date)
    }
}

struct TicketPage {
    var coop: Cooperative
    var sale: SaleDTO
    var refundedBy: (id: UUID, number: Int)?
    /// How many times it was printed: the first is the original, the others duplicatas.
    var prints: Int = 0

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
                .form(.id("ticket-print-form"), .method(.post), .action(SiteURL.salePrints(coopID, sale.id).path),
                    Kit.csrfField(context.csrfToken),
                    .button(.type(.submit), .class("primary"), .text(prints == 0 ? context.t("Imprimer le ticket", "Print the ticket")
                                                                                  : context.t("Imprimer un duplicata", "Print a duplicate")))),
                .p(.id("ticket-prints"), .class("muted"), .text(Self.printsSentence(prints, context: context))),
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

extension TicketPage {
    static func printsSentence(_ prints: Int, context: PageContext) -> String {
        switch prints {
        case 0: context.t("Pas encore imprimé.", "Not printed yet.")
        case 1: context.t("Imprimé une fois (l'original).", "Printed once (the original).")
        default: context.t("Imprimé \(prints) fois : l'original et \(prints - 1) duplicata\(prints > 2 ? "s" : "").",
                           "Printed \(prints) times: the original and \(prints - 1) duplicate\(prints > 2 ? "s" : "").")
        }
    }
}
