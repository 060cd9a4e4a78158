import Fluent
import Foundation
import MaillageCore
import Vapor

struct InvoiceDTO: Content {
    struct Line: Content {
        var description: String
        var quantity: Int
        var unitPriceCents: Int
        var vatRate: Double
        var netCents: Int
    }
    struct VATLine: Content {
        var rate: Double
        var netCents: Int
        var vatCents: Int
        var grossCents: Int
    }
    struct Step: Content {
        var status: String
        var at: Date
        var by: String
    }
    var id: UUID
    var kind: String
    var status: String
    var number: String?
    var customerName: String
    var customerAddress: String
    var customerIsBusiness: Bool
    var customerSiren: String?
    var customerEmail: String?
    var eventDate: String?
    var paymentTermsDays: Int
    var notes: String?
    var lines: [Line]
    var vat: [VATLine]
    var netCents: Int
    var vatCents: Int
    var grossCents: Int
    var vatExempt: Bool
    var issuedOn: String?
    var dueOn: String?
    var creditedInvoiceID: UUID?
    /// The French legal mentions printed at the foot (issued documents only).
    var legalMentions: [String]?
    var history: [Step]

    init(_ invoice: Invoice, mentions: [String]?) {
        id = invoice.id!
        kind = invoice.kind
        status = invoice.status
        number = invoice.number
        customerName = invoice.customerName
        customerAddress = invoice.customerAddress
        customerIsBusiness = invoice.customerIsBusiness
        customerSiren = invoice.customerSiren
        customerEmail = invoice.customerEmail
        eventDate = invoice.eventDate.map { CalendarDay(date: $0).description }
        paymentTermsDays = invoice.paymentTermsDays
        notes = invoice.notes
        lines = invoice.invoiceLines.map {
            Line(description: $0.description, quantity: $0.quantity, unitPriceCents: $0.unitPriceCents, vatRate: Double($0.vatRate.rawValue) / 10, netCents: $0.netCents)
        }
        let totals = invoice.totals
        vat = totals.lines.map { VATLine(rate: Double($0.rate.rawValue) / 10, netCents: $0.netCents, vatCents: $0.vatCents, grossCents: $0.grossCents) }
        netCents = invoice.netCents
        vatCents = invoice.vatCents
        grossCents = invoice.grossCents
        vatExempt = invoice.vatExempt ?? false
        issuedOn = invoice.issuedOn.map { CalendarDay(date: $0).description }
        dueOn = invoice.dueOn.map { CalendarDay(date: $0).description }
        creditedInvoiceID = invoice.creditedInvoiceID
        legalMentions = invoice.invoiceStatus == .issued ? mentions : nil
        history = invoice.steps.map { Step(status: $0.status, at: $0.at, by: $0.by) }
    }
}

struct InvoiceLineBody: Decodable {
    var description: String?
    var quantity: Int?
    var unitPriceCents: Int?
    /// A number (`5.5`) or a string (`"5,5"`).
    var vatRate: String?

    enum CodingKeys: String, CodingKey { case description, quantity, unitPriceCents, vatRate }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        quantity = try container.decodeIfPresent(Int.self, forKey: .quantity)
        unitPriceCents = try container.decodeIfPresent(Int.self, forKey: .unitPriceCents)
        if let number = try? container.decodeIfPresent(Double.self, forKey: .vatRate) {
            vatRate = number == number.rounded() ? String(Int(number)) : String(number)
        } else {
            vatRate = try container.decodeIfPresent(String.self, forKey: .vatRate)
        }
    }

    var draft: InvoiceLineDraft { InvoiceLineDraft(description: description, quantity: quantity, unitPriceCents: unitPriceCents, vatRate: vatRate) }
}

struct InvoiceBody: Decodable {
    var customerName: String?
    var customerAddress: String?
    var customerIsBusiness: Bool?
    var customerSiren: String?
    var customerEmail: String?
    var eventDate: String?
    var paymentTermsDays: Int?
    var lines: [InvoiceLineBody]?
    var notes: String?

    var draft: InvoiceDraft {
        InvoiceDraft(customerName: customerName, customerAddress: customerAddress, customerIsBusiness: customerIsBusiness, customerSiren: customerSiren,
                     customerEmail: customerEmail, eventDate: eventDate, paymentTermsDays: paymentTermsDays, lines: (lines ?? []).map(\.draft), notes: notes)
    }
}

struct InvoiceSettingsDTO: Content {
    var vatNumber: String?
    var legalFormLabel: String?
    var paymentTermsDays: Int
    /// What the cooperative's record still lacks before it may issue an invoice.
    var missingMentions: [String]
}

/// `/api/v1/coops/:coopID/invoices…` and `/invoice-settings`.
struct InvoicesAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        coop.post("invoices", use: create)
        coop.get("invoices", use: list)
        coop.get("invoices", ":invoiceID", use: show)
        coop.patch("invoices", ":invoiceID", use: update)
        coop.post("invoices", ":invoiceID", "transitions", use: move)
        coop.post("invoices", ":invoiceID", "issue", use: issue)
        coop.post("invoices", ":invoiceID", "credit-note", use: creditNote)
        coop.get("invoice-settings", use: settings)
        coop.put("invoice-settings", use: saveSettings)
    }

    static func dto(_ invoice: Invoice, _ repository: InvoiceRepository) async throws -> InvoiceDTO {
        InvoiceDTO(invoice, mentions: invoice.invoiceStatus == .issued ? try await repository.mentions(for: invoice) : nil)
    }

    func create(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository()
        let draft = try request.decodeJSON(InvoiceBody.self).draft
        return try await Idempotency.respond(to: request, status: .created) { db in
            let repository = InvoiceRepository(db: db, scope: repository.scope)
            return try await Self.dto(try await repository.create(draft), repository)
        }
    }

    func list(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository()
        var items: [InvoiceDTO] = []
        for invoice in try await repository.list() { items.append(try await Self.dto(invoice, repository)) }
        return try Idempotency.encode(status: .ok, body: Page(items: items, nextCursor: nil))
    }

    func show(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository()
        return try Idempotency.encode(status: .ok, body: try await Self.dto(try await repository.invoice(try request.uuidParameter("invoiceID")), repository))
    }

    func update(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository()
        let invoice = try await repository.invoice(try request.uuidParameter("invoiceID"))
        let draft = try request.decodeJSON(InvoiceBody.self).draft
        return try Idempotency.encode(status: .ok, body: try await Self.dto(try await repository.update(invoice, with: draft), repository))
    }

    struct TransitionBody: Decodable { var to: String? }

    func move(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository()
        let invoice = try await repository.invoice(try request.uuidParameter("invoiceID"))
        let body = try request.decodeJSON(TransitionBody.self)
        return try Idempotency.encode(status: .ok, body: try await Self.dto(try await repository.move(invoice, to: body.to), repository))
    }

    func issue(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository()
        let id = try request.uuidParameter("invoiceID")
        _ = try await repository.invoice(id)
        let scope = repository.scope
        return try await Idempotency.respond(to: request, status: .ok) { db in
            try await db.transaction { tx in
                let repository = InvoiceRepository(db: tx, scope: scope)
                return try await Self.dto(try await repository.issue(id, on: tx), repository)
            }
        }
    }

    struct CreditNoteBody: Decodable {
        var lines: [InvoiceLineBody]?
        var reason: String?
    }

    func creditNote(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository()
        let id = try request.uuidParameter("invoiceID")
        _ = try await repository.invoice(id)
        let empty = (request.body.data?.readableBytes ?? 0) == 0
        let body = empty ? CreditNoteBody(lines: nil, reason: nil) : try request.decodeJSON(CreditNoteBody.self)
        let scope = repository.scope
        return try await Idempotency.respond(to: request, status: .created) { db in
            try await db.transaction { tx in
                let repository = InvoiceRepository(db: tx, scope: scope)
                return try await Self.dto(try await repository.creditNote(for: id, lines: body.lines?.map(\.draft), reason: body.reason, on: tx), repository)
            }
        }
    }

    static func settingsDTO(_ repository: InvoiceRepository) async throws -> InvoiceSettingsDTO {
        let settings = try await repository.settings()
        return InvoiceSettingsDTO(vatNumber: settings.vatNumber, legalFormLabel: settings.legalFormLabel, paymentTermsDays: settings.paymentTermsDays,
                                  missingMentions: InvoiceRules.missingSellerMentions(try await repository.seller()))
    }

    func settings(request: Request) async throws -> Response {
        try Idempotency.encode(status: .ok, body: try await Self.settingsDTO(try await request.invoiceRepository()))
    }

    struct SettingsBody: Decodable {
        var vatNumber: String?
        var legalFormLabel: String?
        var paymentTermsDays: Int?
    }

    func saveSettings(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository(.manageCatalogue)
        let body = try request.decodeJSON(SettingsBody.self)
        _ = try await repository.saveSettings(.init(vatNumber: body.vatNumber, legalFormLabel: body.legalFormLabel, paymentTermsDays: body.paymentTermsDays))
        return try Idempotency.encode(status: .ok, body: try await Self.settingsDTO(repository))
    }
}
