import Fluent
import Foundation
import MaillageCore
import SQLKit
import Vapor

/// A catering document: a quote that becomes an order, is delivered, then issued as an
/// invoice; or a credit note correcting an issued invoice. Its number is given when it is
/// issued, and from then on nothing of it changes.
final class Invoice: Model, @unchecked Sendable {
    static let schema = "invoices"

    @ID(key: .id) var id: UUID?
    @Field(key: "cooperative_id") var cooperativeID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "status") var status: String
    /// `F-2026-0001`, `A-2026-0001`: only once issued.
    @OptionalField(key: "number") var number: String?
    @OptionalField(key: "year") var year: Int?
    @OptionalField(key: "sequence") var sequence: Int?
    @Field(key: "customer_name") var customerName: String
    @Field(key: "customer_address") var customerAddress: String
    @Field(key: "customer_is_business") var customerIsBusiness: Bool
    @OptionalField(key: "customer_siren") var customerSiren: String?
    @OptionalField(key: "customer_email") var customerEmail: String?
    @OptionalField(key: "event_date") var eventDate: Date?
    @Field(key: "payment_terms_days") var paymentTermsDays: Int
    @OptionalField(key: "notes") var notes: String?
    /// The lines, as JSON (`[InvoiceLine]`); a credit note's prices are negative.
    @Field(key: "lines") var lines: String
    @Field(key: "net_cents") var netCents: Int
    @Field(key: "vat_cents") var vatCents: Int
    @Field(key: "gross_cents") var grossCents: Int
    /// The seller as printed when issued (`InvoiceRules.Seller` as JSON): a later change of
    /// the cooperative's address does not change an issued invoice.
    @OptionalField(key: "seller") var seller: String?
    @OptionalField(key: "vat_exempt") var vatExempt: Bool?
    @OptionalField(key: "credited_invoice_id") var creditedInvoiceID: UUID?
    @OptionalField(key: "issued_on") var issuedOn: Date?
    @OptionalField(key: "due_on") var dueOn: Date?
    /// Each status change: `[{status, at, by}]` as JSON.
    @Field(key: "history") var history: String
    @Field(key: "author_label") var authorLabel: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var invoiceKind: InvoiceKind { InvoiceKind(rawValue: kind) ?? .invoice }
    var invoiceStatus: InvoiceStatus { InvoiceStatus(rawValue: status) ?? .quote }

    var invoiceLines: [InvoiceLine] {
        (try? JSONDecoder().decode([InvoiceLine].self, from: Data(lines.utf8))) ?? []
    }

    var sellerSnapshot: InvoiceRules.Seller? {
        guard let seller, let data = seller.data(using: .utf8) else { return nil }
        return try? JSONDecoder().decode(InvoiceSellerRecord.self, from: data).seller
    }

    var totals: InvoiceTotals { InvoiceTotals(lines: invoiceLines, vatExempt: vatExempt ?? false) }

    struct Step: Codable {
        var status: String
        var at: Date
        var by: String
    }

    var steps: [Step] {
        (try? JSONDecoder.iso.decode([Step].self, from: Data(history.utf8))) ?? []
    }

    func record(_ status: InvoiceStatus, by name: String) throws {
        self.status = status.rawValue
        let data = try JSONEncoder.iso.encode(steps + [Step(status: status.rawValue, at: Date(), by: name)])
        history = String(decoding: data, as: UTF8.self)
    }

    func apply(_ valid: InvoiceDraft.Valid, vatExempt: Bool) throws {
        customerName = valid.customerName
        customerAddress = valid.customerAddress
        customerIsBusiness = valid.customerIsBusiness
        customerSiren = valid.customerSiret ?? valid.customerSiren
        customerEmail = valid.customerEmail
        eventDate = valid.eventDate?.date
        paymentTermsDays = valid.paymentTermsDays
        notes = valid.notes
        try setLines(valid.lines, vatExempt: vatExempt)
    }

    func setLines(_ lines: [InvoiceLine], vatExempt: Bool) throws {
        self.lines = String(decoding: try JSONEncoder().encode(lines), as: UTF8.self)
        let totals = InvoiceTotals(lines: lines, vatExempt: vatExempt)
        netCents = totals.netCents
        vatCents = totals.vatCents
        grossCents = totals.grossCents
    }
}

/// `InvoiceRules.Seller` as stored on an issued invoice.
struct InvoiceSellerRecord: Codable {
    var name: String
    var legalForm: String
    var address: String?
    var siret: String?
    var vatNumber: String?

    init(_ seller: InvoiceRules.Seller) {
        name = seller.name
        legalForm = seller.legalForm
        address = seller.address
        siret = seller.siret
        vatNumber = seller.vatNumber
    }

    var seller: InvoiceRules.Seller { .init(name: name, legalForm: legalForm, address: address, siret: siret, vatNumber: vatNumber) }
}

/// What a cooperative prints on its invoices beyond its name, address and SIRET.
final class InvoiceSettings: Model, @unchecked Sendable {
    static let schema = "invoice_settings"

    @ID(custom: "cooperative_id", generatedBy: .user) var id: UUID?
    /// Nil: the franchise en base (no VAT, art. 293 B du CGI).
    @OptionalField(key: "vat_number") var vatNumber: String?
    /// `SCIC SAS au capital variable`…; nil: from the cooperative's legal form.
    @OptionalField(key: "legal_form_label") var legalFormLabel: String?
    @Field(key: "payment_terms_days") var paymentTermsDays: Int

    init() {}
}

extension JSONEncoder {
    static var iso: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension JSONDecoder {
    static var iso: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

struct CreateInvoices: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Invoice.schema)
            .id()
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("kind", .string, .required)
            .field("status", .string, .required)
            .field("number", .string)
            .field("year", .int)
            .field("sequence", .int)
            .field("customer_name", .string, .required)
            .field("customer_address", .string, .required)
            .field("customer_is_business", .bool, .required)
            .field("customer_siren", .string)
            .field("customer_email", .string)
            .field("event_date", .datetime)
            .field("payment_terms_days", .int, .required)
            .field("notes", .string)
            .field("lines", .string, .required)
            .field("net_cents", .int, .required)
            .field("vat_cents", .int, .required)
            .field("gross_cents", .int, .required)
            .field("seller", .string)
            .field("vat_exempt", .bool)
            .field("credited_invoice_id", .uuid, .references(Invoice.schema, "id"))
            .field("issued_on", .datetime)
            .field("due_on", .datetime)
            .field("history", .string, .required)
            .field("author_label", .string, .required)
            .field("created_at", .datetime)
            // Two documents can never share a number, even if two people issue at once.
            .unique(on: "cooperative_id", "number")
            .create()
        try await database.schema(InvoiceSettings.schema)
            .field("cooperative_id", .uuid, .identifier(auto: false), .references(Cooperative.schema, "id"))
            .field("vat_number", .string)
            .field("legal_form_label", .string)
            .field("payment_terms_days", .int, .required)
            .create()
        // One row per cooperative, kind and year: the last sequence given. Taking the next one
        // updates this row first, so concurrent issues wait for each other, and a rolled-back
        // issue gives its number back: the sequence has no gaps.
        try await database.schema("invoice_counters")
            .field("cooperative_id", .uuid, .required, .references(Cooperative.schema, "id"))
            .field("kind", .string, .required)
            .field("year", .int, .required)
            .field("last_sequence", .int, .required)
            .unique(on: "cooperative_id", "kind", "year")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "invoices_cooperative").on(Invoice.schema).column("cooperative_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: "invoices_cooperative").run()
        }
        try await database.schema("invoice_counters").delete()
        try await database.schema(InvoiceSettings.schema).delete()
        try await database.schema(Invoice.schema).delete()
    }
}

/// A catering document as typed (`InvoiceDraft`'s fields, the API's names).
struct InvoiceRepository: Sendable {
    let db: any Database
    let scope: CooperativeScope

    func list() async throws -> [Invoice] {
        try scope.require(.invoice)
        return try await Invoice.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$createdAt, .descending).all()
    }

    func invoice(_ id: UUID) async throws -> Invoice {
        try scope.require(.invoice)
        guard let invoice = try await Invoice.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$id == id).first() else { throw Problem.notFound }
        return invoice
    }

    func settings() async throws -> InvoiceSettings {
        if let stored = try await InvoiceSettings.find(scope.id, on: db) { return stored }
        let settings = InvoiceSettings()
        settings.id = scope.id
        settings.paymentTermsDays = InvoiceDraft.defaultPaymentTermsDays
        return settings
    }

    struct SettingsDraft: Sendable {
        var vatNumber: String?
        var legalFormLabel: String?
        var paymentTermsDays: Int?
    }

    func saveSettings(_ draft: SettingsDraft) async throws -> InvoiceSettings {
        try scope.require(.manageCatalogue)
        var errors = FieldErrors()
        let vat = TextRules.clean(draft.vatNumber)?.filter { !$0.isWhitespace }.uppercased()
        let label = TextRules.clean(draft.legalFormLabel)
        if let label, label.count > 120 { errors.add("legalFormLabel", "La forme juridique compte au plus 120 caractères.") }
        let terms = draft.paymentTermsDays ?? InvoiceDraft.defaultPaymentTermsDays
        if !(0...InvoiceDraft.maximumPaymentTermsDays).contains(terms) {
            errors.add("paymentTermsDays", "Le délai de paiement va de 0 à 60 jours (plafond légal).")
        }
        if let vat {
            let seller = InvoiceRules.Seller(name: "x", legalForm: "x", address: "x", siret: scope.cooperative.siret, vatNumber: vat)
            if let problem = InvoiceRules.missingSellerMentions(seller).first(where: { $0.contains("TVA") }) { errors.add("vatNumber", problem) }
        }
        try errors.throwIfAny()
        let settings = try await settings()
        settings.vatNumber = vat
        settings.legalFormLabel = label
        settings.paymentTermsDays = terms
        try await settings.save(on: db)
        return settings
    }

    /// The seller as an invoice issued now would print it.
    func seller() async throws -> InvoiceRules.Seller {
        let coop = scope.cooperative
        let settings = try await settings()
        let form = settings.legalFormLabel ?? LegalForm(rawValue: coop.legalForm).map(Self.shortLabel) ?? coop.legalForm
        return InvoiceRules.Seller(name: coop.name, legalForm: form, address: coop.address, siret: coop.siret, vatNumber: settings.vatNumber)
    }

    static func shortLabel(_ form: LegalForm) -> String {
        switch form {
        case .scic: "SCIC"
        case .scop: "SCOP"
        case .association: "Association loi 1901"
        }
    }

    /// A new quote.
    func create(_ draft: InvoiceDraft) async throws -> Invoice {
        try scope.require(.invoice)
        let valid = try draft.validate()
        let invoice = Invoice()
        invoice.cooperativeID = scope.id
        invoice.kind = InvoiceKind.invoice.rawValue
        invoice.history = "[]"
        invoice.authorLabel = scope.principal.name
        try invoice.apply(valid, vatExempt: try await seller().isVatExempt)
        try invoice.record(.quote, by: scope.principal.name)
        try await invoice.create(on: db)
        return invoice
    }

    /// Changes a quote or an order; an issued invoice never changes.
    func update(_ invoice: Invoice, with draft: InvoiceDraft) async throws -> Invoice {
        try scope.require(.invoice)
        guard !invoice.invoiceStatus.isFinal, invoice.invoiceKind == .invoice else { throw Self.frozen(invoice) }
        let valid = try draft.validate()
        try invoice.apply(valid, vatExempt: try await seller().isVatExempt)
        try await invoice.update(on: db)
        return invoice
    }

    static func frozen(_ invoice: Invoice) -> Problem {
        Problem(status: .conflict, title: "Document figé",
                detail: invoice.invoiceStatus == .issued ? "Une facture émise ne se modifie plus : corrigez-la par un avoir." : "Ce devis a été refusé : il ne change plus.")
    }

    /// quote → order → delivered, or declined; issuing is `issue`.
    func move(_ invoice: Invoice, to rawStatus: String?) async throws -> Invoice {
        try scope.require(.invoice)
        guard let target = InvoiceStatus(rawValue: rawStatus ?? ""), target != .issued else {
            throw Problem.invalid(FieldErrors(["to": "L'étape suivante est order (commande), delivered (livrée) ou declined (refusé) ; une facture s'émet par …/issue."]))
        }
        guard invoice.invoiceKind == .invoice, InvoiceStatus.canMove(from: invoice.invoiceStatus, to: target) else {
            throw Problem(status: .conflict, title: "Étape impossible",
                          detail: "« \(invoice.invoiceStatus.frenchLabel) » ne peut pas passer à « \(target.frenchLabel) ».")
        }
        try invoice.record(target, by: scope.principal.name)
        try await invoice.update(on: db)
        return invoice
    }

    /// Gives the next number of the year: the counter row is updated first, so that two
    /// issues at once wait for each other and a rolled-back one gives its number back.
    private func nextSequence(kind: InvoiceKind, year: Int, on tx: any Database) async throws -> Int {
        guard let sql = tx as? any SQLDatabase else { throw Problem.internalError }
        try await sql.raw("INSERT INTO invoice_counters (cooperative_id, kind, year, last_sequence) VALUES (\(bind: scope.id), \(bind: kind.rawValue), \(bind: year), 0) ON CONFLICT (cooperative_id, kind, year) DO NOTHING").run()
        struct Row: Decodable { var last_sequence: Int }
        guard let row = try await sql.raw("UPDATE invoice_counters SET last_sequence = last_sequence + 1 WHERE cooperative_id = \(bind: scope.id) AND kind = \(bind: kind.rawValue) AND year = \(bind: year) RETURNING last_sequence")
            .first(decoding: Row.self) else { throw Problem.internalError }
        return row.last_sequence
    }

    /// Issues a delivered order as an invoice: numbered, dated, the seller fixed, frozen.
    func issue(_ id: UUID, today: CalendarDay = .today, on tx: any Database) async throws -> Invoice {
        try scope.require(.invoice)
        // The counter first (see `nextSequence`; on SQLite, writing first takes the write lock
        // before any read), then the document as it is now. A refusal rolls the number back.
        let year = today.year
        let sequence = try await nextSequence(kind: .invoice, year: year, on: tx)
        let seller = try await InvoiceRepository(db: tx, scope: scope).seller()
        let missing = InvoiceRules.missingSellerMentions(seller)
        if !missing.isEmpty {
            throw Problem.invalid(FieldErrors(["seller": missing.joined(separator: " ")]),
                                  detail: "Il manque des mentions obligatoires de la coopérative pour émettre une facture.")
        }
        guard let invoice = try await Invoice.query(on: tx).filter(\.$cooperativeID == scope.id).filter(\.$id == id).first() else { throw Problem.notFound }
        guard invoice.invoiceKind == .invoice, InvoiceStatus.canMove(from: invoice.invoiceStatus, to: .issued) else {
            throw invoice.invoiceStatus.isFinal ? Self.frozen(invoice) : Problem(status: .conflict, title: "Étape impossible",
                detail: "Une facture s'émet une fois la prestation livrée (statut actuel : \(invoice.invoiceStatus.frenchLabel.lowercased())).")
        }
        invoice.year = year
        invoice.sequence = sequence
        invoice.number = InvoiceNumbering.number(prefix: InvoiceKind.invoice.prefix, year: year, sequence: sequence)
        invoice.issuedOn = today.date
        invoice.dueOn = InvoiceRules.dueDate(issuedOn: today, paymentTermsDays: invoice.paymentTermsDays).date
        invoice.seller = String(decoding: try JSONEncoder().encode(InvoiceSellerRecord(seller)), as: UTF8.self)
        invoice.vatExempt = seller.isVatExempt
        try invoice.setLines(invoice.invoiceLines, vatExempt: seller.isVatExempt)
        try invoice.record(.issued, by: scope.principal.name)
        try await invoice.update(on: tx)
        return invoice
    }

    /// A credit note for an issued invoice: the whole of it (while nothing is credited yet), or
    /// the lines given (positive amounts, credited as negative ones), never more than what
    /// remains to credit.
    func creditNote(for id: UUID, lines drafts: [InvoiceLineDraft]?, reason: String?, today: CalendarDay = .today, on tx: any Database) async throws -> Invoice {
        try scope.require(.invoice)
        var errors = FieldErrors()
        let cleanReason = TextRules.clean(reason)
        if let cleanReason, cleanReason.count > 500 { errors.add("reason", "Le motif compte au plus 500 caractères.") }
        // The credit-note counter first, as for an invoice.
        let sequence = try await nextSequence(kind: .creditNote, year: today.year, on: tx)
        guard let original = try await Invoice.query(on: tx).filter(\.$cooperativeID == scope.id).filter(\.$id == id).first() else { throw Problem.notFound }
        guard original.invoiceKind == .invoice, original.invoiceStatus == .issued, let number = original.number else {
            throw Problem(status: .conflict, title: "Avoir impossible", detail: "Un avoir corrige une facture émise.")
        }
        let exempt = original.vatExempt ?? false
        var credited: [InvoiceLine]
        if let drafts, !drafts.isEmpty {
            credited = []
            for (index, draft) in drafts.enumerated() {
                let probe = InvoiceDraft(customerName: "x", customerAddress: "x", lines: [draft])
                do {
                    credited.append(try probe.validate().lines[0])
                } catch {
                    for (field, message) in error.messages where field.hasPrefix("lines[0]") {
                        errors.add(field.replacingOccurrences(of: "lines[0]", with: "lines[\(index)]"), message)
                    }
                }
            }
        } else {
            credited = original.invoiceLines
        }
        let already = try await Invoice.query(on: tx).filter(\.$cooperativeID == scope.id).filter(\.$creditedInvoiceID == original.id!).all()
            .reduce(0) { $0 - $1.grossCents }
        // The whole invoice only while nothing of it is credited; after that, say which lines.
        if drafts?.isEmpty ?? true, already > 0 {
            errors.add("lines", "Une partie de \(number) est déjà créditée : indiquez les lignes de ce nouvel avoir.")
        }
        try errors.throwIfAny()
        let amount = InvoiceTotals(lines: credited, vatExempt: exempt).grossCents
        guard InvoiceRules.mayCredit(amount, invoiceGrossCents: original.grossCents, alreadyCreditedCents: already) else {
            let left = InvoiceRules.creditLimit(invoiceGrossCents: original.grossCents, alreadyCreditedCents: already)
            throw Problem.invalid(FieldErrors(["lines": "L'avoir dépasserait la facture : il reste \(Euros.french(left)) à créditer sur \(number)."]))
        }
        let note = Invoice()
        note.cooperativeID = scope.id
        note.kind = InvoiceKind.creditNote.rawValue
        note.history = "[]"
        note.authorLabel = scope.principal.name
        note.customerName = original.customerName
        note.customerAddress = original.customerAddress
        note.customerIsBusiness = original.customerIsBusiness
        note.customerSiren = original.customerSiren
        note.customerEmail = original.customerEmail
        note.eventDate = original.eventDate
        note.paymentTermsDays = 0
        note.notes = cleanReason
        note.creditedInvoiceID = original.id
        note.seller = original.seller
        note.vatExempt = exempt
        try note.setLines(credited.map { InvoiceLine(description: $0.description, quantity: $0.quantity, unitPriceCents: -$0.unitPriceCents, vatRate: $0.vatRate) },
                          vatExempt: exempt)
        note.year = today.year
        note.sequence = sequence
        note.number = InvoiceNumbering.number(prefix: InvoiceKind.creditNote.prefix, year: today.year, sequence: sequence)
        note.issuedOn = today.date
        try note.record(.issued, by: scope.principal.name)
        try await note.create(on: tx)
        return note
    }

    /// The legal mentions of an issued document (or those it would carry if issued today).
    func mentions(for invoice: Invoice) async throws -> [String] {
        let current = try await seller()
        let seller = invoice.sellerSnapshot ?? current
        var creditedNumber: String?
        if let creditedID = invoice.creditedInvoiceID {
            creditedNumber = try await Invoice.query(on: db).filter(\.$id == creditedID).first()?.number
        }
        return InvoiceRules.legalMentions(
            kind: invoice.invoiceKind, seller: seller,
            buyer: .init(name: invoice.customerName, address: invoice.customerAddress, isBusiness: invoice.customerIsBusiness, siren: invoice.customerSiren),
            issuedOn: invoice.issuedOn.map(CalendarDay.init(date:)) ?? .today, eventDate: invoice.eventDate.map(CalendarDay.init(date:)),
            paymentTermsDays: invoice.paymentTermsDays, creditedInvoiceNumber: creditedNumber)
    }
}

extension Request {
    func invoiceRepository(_ permission: Permission = .invoice) async throws -> InvoiceRepository {
        InvoiceRepository(db: db, scope: try await cooperativeScope(permission))
    }
}
