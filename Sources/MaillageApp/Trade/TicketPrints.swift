import Fluent
import Foundation
import MaillageCore
import Plot
import SQLKit
import Vapor

/// Every print of a ticket: the first is the original, the next ones are duplicatas, each with
/// its own number (till-software rules ask that a reprint say so and be counted).
final class TicketPrint: Model, @unchecked Sendable {
    static let schema = "ticket_prints"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "sale_id") var saleID: UUID
    /// 0 for the original, then 1, 2… for the duplicatas.
    @Field(key: "copy") var copy: Int
    @Field(key: "printed_by_label") var printedByLabel: String
    @Field(key: "printed_at") var printedAt: Date

    init() {}
}

struct CreateTicketPrints: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TicketPrint.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("sale_id", .uuid, .required, .references(Sale.schema, "id"))
            .field("copy", .int, .required)
            .field("printed_by_label", .string, .required)
            .field("printed_at", .datetime, .required)
            .unique(on: "sale_id", "copy")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TicketPrint.schema).delete()
    }
}

/// A print as the API answers it.
struct TicketPrintDTO: Content {
    var saleID: UUID
    var number: Int
    /// 0: the original; 1, 2…: the duplicata's number.
    var copy: Int
    var duplicate: Bool
    var printedBy: String
    var printedAt: Date
}

extension TradeRepository {
    /// Records a print of the ticket and answers which copy it is. Two prints at the same
    /// instant cannot share a copy number (unique per ticket): the second one takes the next.
    func recordPrint(of sale: Sale) async throws -> TicketPrint {
        try scope.require(.sell)
        var attempt = 0
        while true {
            do {
                return try await db.transaction { tx in
                    let copy = try await TicketPrint.query(on: tx).filter(\.$saleID == sale.id!).count()
                    let print = TicketPrint()
                    print.cooperativeID = scope.id
                    print.saleID = sale.id!
                    print.copy = copy
                    print.printedByLabel = scope.principal.name
                    print.printedAt = Date()
                    try await print.create(on: tx)
                    return print
                }
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 5 {
                attempt += 1
            }
        }
    }

    /// How many times each ticket was printed (the original included).
    func printCount(of saleID: UUID) async throws -> Int {
        try await TicketPrint.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$saleID == saleID).count()
    }

    /// The duplicatas printed for the tickets of a period (a Z shows them).
    func duplicates(from first: Date, to end: Date, on database: any Database) async throws -> Int {
        try await TicketPrint.query(on: database).filter(\.$cooperativeID == scope.id).filter(\.$copy > 0)
            .join(Sale.self, on: \TicketPrint.$saleID == \Sale.$id).filter(Sale.self, \.$recordedAt >= first).filter(Sale.self, \.$recordedAt < end).count()
    }
}

/// A ticket laid out for an 80 mm till printer: the legal mentions (seller, SIRET, address,
/// date and time to the second, number, lines with quantity, unit price and VAT rate, totals
/// by rate, payment), the tier without any income, « DUPLICATA » on a reprint.
struct PrintedTicket {
    var coop: Cooperative
    var sale: SaleDTO
    /// Nil: a preview not yet counted; 0: the original; 1…: a duplicata.
    var copy: Int?
    /// Printed as the page opens: only right after the print was counted (a reload later
    /// does not print an uncounted copy).
    var autoprint: Bool = false

    func render(_ context: PageContext) -> Response {
        let coopID = coop.id!
        let title = context.t("Ticket n° \(sale.number)", "Ticket no. \(sale.number)")
        return Layout.render(context, title: title, scripts: [SiteURL.printScript.path], content: .group(
            .div(.class("no-print button-group print-actions"),
                .a(.href(SiteURL.till(coopID).path), .class("button"), .text(context.t("← Retour à la caisse", "← Back to the till"))),
                // Every print goes through the counter: a second one is a numbered duplicata.
                .form(.method(.post), .action(SiteURL.salePrints(coopID, sale.id).path), .class("inline"),
                    Kit.csrfField(context.csrfToken),
                    .button(.type(.submit), .class("primary"), .text(copy == nil ? context.t("Imprimer", "Print") : context.t("Imprimer un duplicata", "Print a duplicate")))),
                .a(.href(SiteURL.sale(coopID, sale.id).path), .text(context.t("Le ticket n° \(sale.number)", "Ticket no. \(sale.number)")))),
            .h1(.class("visually-hidden"), .text(title)),
            .article(.id("printed-ticket"), .class("receipt-80"),
                .unwrap(copy.flatMap { $0 > 0 ? $0 : nil }) { copy in
                    .p(.id("duplicate-mark"), .class("receipt-duplicate"), .text(context.t("DUPLICATA n° \(copy)", "DUPLICATE no. \(copy)")))
                },
                .if(autoprint, .div(.data(named: "autoprint", value: "1"))),
                seller(context),
                .p(.class("receipt-center"), .strong(.text(context.t("Ticket n° \(sale.number)", "Ticket no. \(sale.number)"))), .br(),
                   .text(Self.secondTime(sale.recordedAt)), .br(), .text(context.t("Caisse : ", "Cashier: ") + sale.cashier)),
                .if(sale.refundOf != nil, .p(.class("receipt-center"), .strong(.text(context.t("REMBOURSEMENT", "REFUND"))))),
                lines(context),
                totals(context),
                .p(.class("receipt-center"), .text(context.t("Tarif : ", "Tier: ") + tierLabel(sale.tier)
                                                   + (sale.solidarityCents > 0 ? context.t(" — solidarité ", " — solidarity ") + Euros.french(sale.solidarityCents) : ""))),
                .p(.class("receipt-small"), .text(context.t("Empreinte ", "Fingerprint ") + String(sale.hash.prefix(16)))))
        ))
    }

    private func seller(_ context: PageContext) -> BodyNode {
        .p(.class("receipt-center"),
           .strong(.text(coop.name)),
           .unwrap(coop.address) { .group(.br(), .text($0)) },
           .unwrap(coop.siret) { .group(.br(), .text("SIRET " + $0)) })
    }

    private func lines(_ context: PageContext) -> BodyNode {
        .table(.class("receipt-lines"),
            .thead(.tr(.th(.text(context.t("Article", "Item"))), .th(.class("num"), .text(context.t("Qté × PU", "Qty × unit"))),
                       .th(.class("num"), .text(context.t("TVA", "VAT"))), .th(.class("num"), .text(context.t("Montant", "Amount"))))),
            .tbody(.forEach(sale.lines) { line in
                .tr(.td(.text(line.name)),
                    .td(.class("num"), .text("\(line.quantity) × " + Euros.french(line.priceCents))),
                    .td(.class("num"), .text(Self.rate(line.vatRate).frenchLabel)),
                    .td(.class("num"), .text(Euros.french(line.priceCents * line.quantity))))
            }))
    }

    private func totals(_ context: PageContext) -> BodyNode {
        var rows: [(String, String)] = []
        for vat in sale.vat {
            let rate = Self.rate(vat.rate).frenchLabel
            rows.append((context.t("HT ", "Net ") + rate, Euros.french(vat.grossCents - vat.vatCents)))
            rows.append((context.t("TVA ", "VAT ") + rate, Euros.french(vat.vatCents)))
        }
        if sale.donationCents != 0 { rows.append((context.t("Don à la caisse de solidarité", "Donation to the pool"), Euros.french(sale.donationCents))) }
        rows.append((context.t("Total TTC", "Total incl. VAT"), Euros.french(sale.totalCents)))
        if sale.poolDrawCents != 0 { rows.append((context.t("Repas suspendus (\(sale.suspendedMealsUsed))", "Suspended meals (\(sale.suspendedMealsUsed))"), Euros.french(-sale.poolDrawCents))) }
        rows.append((context.t("À payer", "Due"), Euros.french(sale.dueCents)))
        for payment in sale.payments { rows.append((PaymentMethod(rawValue: payment.method)?.frenchLabel ?? payment.method, Euros.french(payment.amountCents))) }
        if sale.changeCents > 0 { rows.append((context.t("Rendu", "Change"), Euros.french(sale.changeCents))) }
        return .dl(.class("receipt-totals"), .forEach(rows) { label, value in .div(.dt(.text(label)), .dd(.text(value))) })
    }

    static func rate(_ percent: Double) -> VATRate { VATRate(rawValue: Int((percent * 10).rounded())) ?? .standard }

    /// `07/12/2026 12:04:31`, Paris time: a ticket's time to the second.
    static func secondTime(_ date: Date) -> String { SalesPage.when(date, seconds: true) }
}

/// `/coops/:coopID/sales/:saleID/print` (the ticket at 80 mm), `POST …/prints` (counts a print,
/// then opens it to print), and `POST /api/v1/coops/:coopID/sales/:saleID/prints`.
struct TicketPrintsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let sale = routes.grouped("coops", ":coopID", "sales", ":saleID")
        sale.get("print", use: page)
        sale.post("prints", use: print)
    }

    func page(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let sale = try await repository.sale(try request.uuidParameter("saleID"))
        // Only a print that was counted prints itself (and says DUPLICATA): a copy number
        // typed in the address that was never printed shows the preview.
        var copy: Int?
        var fresh = false
        if let asked = request.query[Int.self, at: "copy"], asked >= 0,
           let print = try await TicketPrint.query(on: repository.db).filter(\.$saleID == sale.id!).filter(\.$copy == asked).first() {
            copy = asked
            fresh = Date().timeIntervalSince(print.printedAt) < 60
        }
        return PrintedTicket(coop: repository.scope.cooperative, sale: SaleDTO(sale), copy: copy, autoprint: fresh).render(request.pageContext())
    }

    func print(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let sale = try await repository.sale(try request.uuidParameter("saleID"))
        let print = try await repository.recordPrint(of: sale)
        return request.redirect(to: SiteURL.salePrint(repository.scope.id, sale.id!).path + "?copy=\(print.copy)")
    }
}

struct TicketPrintsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("coops", ":coopID", "sales", ":saleID").post("prints", use: print)
    }

    func print(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.sell)
        let sale = try await repository.sale(try request.uuidParameter("saleID"))
        let print = try await repository.recordPrint(of: sale)
        return try Idempotency.encode(status: .created, body: TicketPrintDTO(saleID: sale.id!, number: sale.number, copy: print.copy, duplicate: print.copy > 0,
                                                                             printedBy: print.printedByLabel, printedAt: print.printedAt))
    }
}
