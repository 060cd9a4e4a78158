import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

/// Catering documents: `/coops/:coopID/invoices…` — quotes, orders, delivery, the invoice
/// (a clean A4 page) and its credit notes, and the seller's mentions.
struct InvoicePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        coop.get("invoices", use: list)
        coop.post("invoices", use: create)
        coop.get("invoices", "settings", use: settings)
        coop.post("invoices", "settings", use: saveSettings)
        coop.get("invoices", ":invoiceID", use: show)
        coop.post("invoices", ":invoiceID", "transitions", use: move)
        coop.post("invoices", ":invoiceID", "issue", use: issue)
        coop.post("invoices", ":invoiceID", "credit-note", use: creditNote)
    }

    static let lineRows = 6

    /// The quote form: the customer's fields, then `description-1`, `quantity-1`,
    /// `unitPrice-1`, `vatRate-1`… for each line row.
    struct QuoteForm: Sendable {
        var fields: [String: String] = [:]

        init(paymentTermsDays: String? = nil) {
            fields["paymentTermsDays"] = paymentTermsDays
        }

        init(_ request: Request) throws {
            fields = try request.content.decode([String: String].self)
        }

        subscript(_ name: String) -> String? { fields[name] }

        func line(_ field: String, _ row: Int) -> String? { fields["\(field)-\(row)"] }
    }

    func list(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository()
        return try await InvoicesPage.render(repository, form: QuoteForm(paymentTermsDays: String(try await repository.settings().paymentTermsDays)),
                                             errors: [:], context: request.pageContext())
    }

    func create(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository()
        let form = try QuoteForm(request)
        return try await FormSubmission.handle {
            var errors = FieldErrors()
            var lines: [InvoiceLineDraft] = []
            for row in 1...Self.lineRows {
                let description = TextRules.clean(form.line("description", row))
                let quantity = TextRules.clean(form.line("quantity", row))
                let price = TextRules.clean(form.line("unitPrice", row))
                if description == nil && quantity == nil && price == nil { continue }
                var cents: Int?
                if let price {
                    cents = Euros.parse(price)
                    if cents == nil { errors.add("lines[\(lines.count)].unitPriceCents", "Un prix s'écrit en euros, par exemple 8,50.") }
                }
                var count: Int?
                if let quantity {
                    count = Int(quantity)
                    if count == nil { errors.add("lines[\(lines.count)].quantity", "La quantité s'écrit en chiffres.") }
                }
                lines.append(InvoiceLineDraft(description: description, quantity: count, unitPriceCents: cents, vatRate: form.line("vatRate", row)))
            }
            var terms: Int?
            if let text = TextRules.clean(form["paymentTermsDays"]) {
                terms = Int(text)
                if terms == nil { errors.add("paymentTermsDays", "Le délai s'écrit en jours, par exemple 30.") }
            }
            try errors.throwIfAny()
            let draft = InvoiceDraft(customerName: form["customerName"], customerAddress: form["customerAddress"], customerIsBusiness: form["customerIsBusiness"] == "on",
                                     customerSiren: form["customerSiren"], customerEmail: form["customerEmail"], eventDate: form["eventDate"],
                                     paymentTermsDays: terms, lines: lines, notes: form["notes"])
            let invoice = try await repository.create(draft)
            request.flash(request.language.t("Devis enregistré.", "Quote saved."))
            return request.redirect(to: SiteURL.invoice(repository.scope.id, invoice.id!).path)
        } invalid: { errors in
            try await InvoicesPage.render(repository, form: form, errors: InvoicesPage.formKeys(errors), context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func show(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository()
        let invoice = try await repository.invoice(try request.uuidParameter("invoiceID"))
        return try await InvoiceSheetPage.render(repository, invoice: invoice, errors: [], context: request.pageContext())
    }

    struct TransitionForm: Content { var to: String? }

    func move(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository()
        let invoice = try await repository.invoice(try request.uuidParameter("invoiceID"))
        let form = try request.content.decode(TransitionForm.self)
        return try await TillPagesController.conflictsAsFlash(request, back: SiteURL.invoice(repository.scope.id, invoice.id!)) {
            let moved = try await repository.move(invoice, to: form.to)
            request.flash(request.language.t("Étape enregistrée : ", "Step recorded: ") + moved.invoiceStatus.frenchLabel.lowercased() + ".")
            return request.redirect(to: SiteURL.invoice(repository.scope.id, invoice.id!).path)
        }
    }

    func issue(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository()
        let invoice = try await repository.invoice(try request.uuidParameter("invoiceID"))
        let scope = repository.scope
        return try await FormSubmission.handle {
            try await TillPagesController.conflictsAsFlash(request, back: SiteURL.invoice(scope.id, invoice.id!)) {
                let issued = try await request.db.transaction { tx in
                    try await InvoiceRepository(db: tx, scope: scope).issue(invoice.id!, on: tx)
                }
                request.flash(request.language.t("Facture \(issued.number ?? "") émise.", "Invoice \(issued.number ?? "") issued."))
                return request.redirect(to: SiteURL.invoice(scope.id, invoice.id!).path)
            }
        } invalid: { errors in
            try await InvoiceSheetPage.render(repository, invoice: invoice, errors: Array(errors.values), context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    struct CreditForm: Content { var reason: String? }

    func creditNote(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository()
        let invoice = try await repository.invoice(try request.uuidParameter("invoiceID"))
        let form = try request.content.decode(CreditForm.self)
        let scope = repository.scope
        return try await FormSubmission.handle {
            try await TillPagesController.conflictsAsFlash(request, back: SiteURL.invoice(scope.id, invoice.id!)) {
                let note = try await request.db.transaction { tx in
                    try await InvoiceRepository(db: tx, scope: scope).creditNote(for: invoice.id!, lines: nil, reason: form.reason, on: tx)
                }
                request.flash(request.language.t("Avoir \(note.number ?? "") émis.", "Credit note \(note.number ?? "") issued."))
                return request.redirect(to: SiteURL.invoice(scope.id, note.id!).path)
            }
        } invalid: { errors in
            try await InvoiceSheetPage.render(repository, invoice: invoice, errors: Array(errors.values), context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    struct SettingsForm: Content {
        var vatNumber: String?
        var legalFormLabel: String?
        var paymentTermsDays: String?
    }

    func settings(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository(.manageCatalogue)
        let settings = try await repository.settings()
        return try await InvoiceSettingsPage.render(repository, form: SettingsForm(vatNumber: settings.vatNumber, legalFormLabel: settings.legalFormLabel,
                                                                                   paymentTermsDays: String(settings.paymentTermsDays)),
                                                    errors: [:], context: request.pageContext())
    }

    func saveSettings(request: Request) async throws -> Response {
        let repository = try await request.invoiceRepository(.manageCatalogue)
        let form = try request.content.decode(SettingsForm.self)
        return try await FormSubmission.handle {
            var terms: Int?
            if let text = TextRules.clean(form.paymentTermsDays) {
                guard let value = Int(text) else { throw Problem.invalid(FieldErrors(["paymentTermsDays": "Le délai s'écrit en jours, par exemple 30."])) }
                terms = value
            }
            _ = try await repository.saveSettings(.init(vatNumber: form.vatNumber, legalFormLabel: form.legalFormLabel, paymentTermsDays: terms))
            request.flash(request.language.t("Mentions de facturation enregistrées.", "Invoicing details saved."))
            return request.redirect(to: SiteURL.invoices(repository.scope.id).path)
        } invalid: { errors in
            try await InvoiceSettingsPage.render(repository, form: form, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }
}


private func vatOptions() -> [(value: String, label: String)] {
    VATRate.allCases.map { (String(Double($0.rawValue) / 10).replacingOccurrences(of: ".0", with: ""), $0.frenchLabel) }
}

enum InvoicesPage {
    /// The rules name a line's fields as the API does (`lines[0].quantity`); the form's
    /// fields are `quantity-1`….
    static func formKeys(_ errors: [String: String]) -> [String: String] {
        errors.reduce(into: [:]) { result, error in
            var key = error.key
            if key.hasPrefix("lines["), let close = key.firstIndex(of: "]"), let index = Int(key[key.index(key.startIndex, offsetBy: 6)..<close]) {
                let field = key[key.index(after: close)...].dropFirst()
                let name = field == "unitPriceCents" ? "unitPrice" : String(field)
                key = "\(name.isEmpty ? "description" : name)-\(index + 1)"
            }
            result[key] = error.value
        }
    }

    static func render(_ repository: InvoiceRepository, form: InvoicePagesController.QuoteForm, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let invoices = try await repository.list()
        let missing = InvoiceRules.missingSellerMentions(try await repository.seller())
        let title = context.t("Traiteur : devis et factures", "Catering: quotes and invoices")
        let rows: [Node<HTML.FormContext>] = (1...InvoicePagesController.lineRows).map { n in
            .fieldset(.class("row-form"),
                .element(named: "legend", nodes: [.text(context.t("Ligne \(n)", "Line \(n)"))]),
                Kit.input(.init(name: "description-\(n)", label: context.t("Désignation", "Description"), value: form.line("description", n), error: errors["description-\(n)"])),
                Kit.input(.init(name: "quantity-\(n)", label: context.t("Quantité", "Quantity"), value: form.line("quantity", n), error: errors["quantity-\(n)"], inputMode: "numeric")),
                Kit.input(.init(name: "unitPrice-\(n)", label: context.t("Prix unitaire HT (€)", "Unit price excl. VAT (€)"), value: form.line("unitPrice", n), error: errors["unitPrice-\(n)"], inputMode: "decimal")),
                Kit.select(name: "vatRate-\(n)", label: context.t("TVA", "VAT"), options: vatOptions(), selected: form.line("vatRate", n) ?? "10", error: errors["vatRate-\(n)"]))
        }
        return Layout.render(context, title: title, status: status, content: .group(
            coopLink(coop),
            .h1(.text(title)),
            .if(!missing.isEmpty, .div(.class("alert"),
                .p(.text(context.t("Avant d'émettre une facture :", "Before issuing an invoice:"))),
                .ul(.forEach(missing) { .li(.text($0)) }))),
            .if(repository.scope.allows(.manageCatalogue),
                .p(.a(.href(SiteURL.invoiceSettings(coop.id!).path), .text(context.t("Mentions de facturation (TVA, forme juridique, délai)", "Invoicing details (VAT, legal form, terms)"))))),
            invoices.isEmpty ? .p(.text(context.t("Aucun devis pour l'instant.", "No quote yet."))) :
            Kit.table(label: title,
                .thead(.tr(.th(.text(context.t("Document", "Document"))), .th(.text(context.t("Client", "Customer"))), .th(.text(context.t("Étape", "Step"))),
                           .th(.class("num"), .text(context.t("Total TTC", "Total incl. VAT"))))),
                .tbody(.forEach(invoices) { invoice in
                    .tr(.td(.a(.href(SiteURL.invoice(coop.id!, invoice.id!).path), .text(Self.label(invoice)))),
                        .td(.text(invoice.customerName)),
                        .td(Kit.badge(invoice.invoiceStatus, context: context)),
                        .td(.class("num"), .text(Euros.french(invoice.grossCents))))
                })),
            .section(.class("panel"),
                .h2(.text(context.t("Nouveau devis", "New quote"))),
                Kit.errorSummary(errors, order: ["customerName", "customerAddress", "customerSiren", "customerEmail", "eventDate", "paymentTermsDays", "lines"], context: context),
                .form(.id("quote-form"), .method(.post), .action(SiteURL.invoices(coop.id!).path),
                    Kit.csrfField(context.csrfToken),
                    Kit.input(.init(name: "customerName", label: context.t("Client", "Customer"), value: form["customerName"], error: errors["customerName"], required: true)),
                    Kit.textarea(name: "customerAddress", label: context.t("Adresse du client", "Customer's address"), value: form["customerAddress"], error: errors["customerAddress"], required: true),
                    Kit.checkbox(name: "customerIsBusiness", label: context.t("Client professionnel (entreprise, association, collectivité)", "Business customer (company, association, public body)"), checked: form["customerIsBusiness"] == "on"),
                    Kit.input(.init(name: "customerSiren", label: context.t("SIREN ou SIRET du client", "Customer's SIREN or SIRET"), value: form["customerSiren"], error: errors["customerSiren"],
                                    hint: context.t("Obligatoire pour un client professionnel.", "Required for a business customer."), inputMode: "numeric")),
                    Kit.input(.init(name: "customerEmail", label: context.t("Courriel du client", "Customer's email"), value: form["customerEmail"], type: .email, error: errors["customerEmail"])),
                    Kit.input(.init(name: "eventDate", label: context.t("Date de la prestation", "Date of the service"), value: form["eventDate"], type: .date, error: errors["eventDate"])),
                    Kit.input(.init(name: "paymentTermsDays", label: context.t("Délai de paiement (jours)", "Payment terms (days)"), value: form["paymentTermsDays"], error: errors["paymentTermsDays"], inputMode: "numeric")),
                    .unwrap(errors["lines"]) { .p(.class("error"), .id("lines"), .text($0)) },
                    .group(rows),
                    Kit.textarea(name: "notes", label: context.t("Notes", "Notes"), value: form["notes"], error: errors["notes"]),
                    Kit.submit(context.t("Enregistrer le devis", "Save the quote"), id: "quote-submit")))
        ))
    }

    static func label(_ invoice: Invoice) -> String {
        let kind = invoice.invoiceKind == .creditNote ? "Avoir" : (invoice.invoiceStatus == .issued ? "Facture" : "Devis")
        return invoice.number.map { "\(kind) \($0)" } ?? "\(kind) du \(CalendarDay(date: invoice.createdAt ?? Date()).french)"
    }
}

enum InvoiceSheetPage {
    static func render(_ repository: InvoiceRepository, invoice: Invoice, errors: [String], context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let coopID = coop.id!
        let current = try await repository.seller()
        let seller = invoice.sellerSnapshot ?? current
        let issued = invoice.invoiceStatus == .issued
        let mentions = try await repository.mentions(for: invoice)
        let totals = invoice.totals
        let credits = try await Invoice.query(on: repository.db).filter(\.$cooperativeID == coop.id!).filter(\.$creditedInvoiceID == invoice.id!).all()
        var credited: Invoice?
        if let creditedID = invoice.creditedInvoiceID { credited = try await repository.invoice(creditedID) }
        let title = InvoicesPage.label(invoice)
        let moves = InvoiceStatus.allowedMoves(from: invoice.invoiceStatus).filter { $0 != .issued }
        return Layout.render(context, title: title, status: status, content: .group(
            coopLink(coop),
            .p(.class("no-print"), .a(.href(SiteURL.invoices(coopID).path), .text(context.t("Tous les devis et factures", "All quotes and invoices")))),
            .if(!errors.isEmpty, .div(.class("error-summary no-print"), .attribute(named: "role", value: "alert"),
                .h2(.text(context.t("Impossible d'émettre la facture", "The invoice cannot be issued"))), .ul(.forEach(errors) { .li(.text($0)) }))),
            .article(.class("invoice-sheet"),
                .header(
                    .div(.h1(.text(title)),
                         .p(.text(context.t("Étape : ", "Step: ") + invoice.invoiceStatus.frenchLabel)),
                         .unwrap(invoice.issuedOn) { .p(.text(context.t("Date d'émission : ", "Issued on: ") + CalendarDay(date: $0).french)) },
                         .unwrap(invoice.dueOn) { .p(.text(context.t("Échéance : ", "Due on: ") + CalendarDay(date: $0).french)) },
                         .unwrap(credited?.number) { .p(.text(context.t("Corrige la facture ", "Corrects invoice ") + $0)) }),
                    .div(.h2(.text(seller.name)), .p(.text(seller.legalForm)),
                         .unwrap(seller.address) { .p(.text($0)) },
                         .unwrap(seller.siret) { .p(.text("SIRET " + $0)) })),
                .section(.h2(.text(context.t("Client", "Customer"))),
                    .p(.text(invoice.customerName)), .p(.text(invoice.customerAddress)),
                    .unwrap(invoice.customerSiren) { .p(.text("SIREN/SIRET " + $0)) },
                    .unwrap(invoice.eventDate) { .p(.text(context.t("Prestation du ", "Service on ") + CalendarDay(date: $0).french)) }),
                Kit.table(label: context.t("Lignes", "Lines"),
                    .thead(.tr(.th(.text(context.t("Désignation", "Description"))), .th(.class("num"), .text(context.t("Qté", "Qty"))),
                               .th(.class("num"), .text(context.t("PU HT", "Unit excl. VAT"))), .th(.class("num"), .text(context.t("TVA", "VAT"))),
                               .th(.class("num"), .text(context.t("Total HT", "Total excl. VAT"))))),
                    .tbody(.forEach(invoice.invoiceLines) { line in
                        .tr(.td(.text(line.description)), .td(.class("num"), .text("\(line.quantity)")),
                            .td(.class("num"), .text(Euros.french(line.unitPriceCents))),
                            .td(.class("num"), .text(totals.vatExempt ? "—" : line.vatRate.frenchLabel)),
                            .td(.class("num"), .text(Euros.french(line.netCents))))
                    })),
                Kit.facts(
                    (totals.vatExempt ? [] : totals.lines.map { (context.t("TVA ", "VAT ") + $0.rate.frenchLabel + context.t(" sur ", " on ") + Euros.french($0.netCents), Euros.french($0.vatCents)) })
                    + [(context.t("Total HT", "Total excl. VAT"), Euros.french(invoice.netCents)),
                       (context.t("TVA", "VAT"), Euros.french(invoice.vatCents)),
                       (context.t("Total TTC", "Total incl. VAT"), Euros.french(invoice.grossCents))]),
                .unwrap(invoice.notes) { .p(.text($0)) },
                .if(issued, .footer(.class("legal"), .forEach(mentions) { .p(.text($0)) }))),
            .if(!credits.isEmpty, .section(.class("no-print"),
                .h2(.text(context.t("Avoirs", "Credit notes"))),
                .ul(.forEach(credits) { note in
                    .li(.a(.href(SiteURL.invoice(coopID, note.id!).path), .text(InvoicesPage.label(note) + " — " + Euros.french(note.grossCents))))
                }))),
            .div(.class("actions no-print"),
                .forEach(moves) { target in
                    .form(.method(.post), .action(SiteURL.invoiceSection(coopID, invoice.id!, "transitions").path),
                        Kit.csrfField(context.csrfToken),
                        .input(.type(.hidden), .name("to"), .value(target.rawValue)),
                        .button(.type(.submit), .class(target == .declined ? "danger" : ""), .text(Self.moveLabel(target, context))))
                },
                .if(invoice.invoiceKind == .invoice && InvoiceStatus.canMove(from: invoice.invoiceStatus, to: .issued),
                    .form(.method(.post), .action(SiteURL.invoiceSection(coopID, invoice.id!, "issue").path),
                        Kit.csrfField(context.csrfToken),
                        .button(.type(.submit), .class("primary"), .id("issue-invoice"), .text(context.t("Émettre la facture", "Issue the invoice"))))),
                .if(invoice.invoiceKind == .invoice && issued,
                    .form(.method(.post), .action(SiteURL.invoiceSection(coopID, invoice.id!, "credit-note").path),
                        Kit.csrfField(context.csrfToken),
                        .div(.class("row-form"),
                            .label(.for("reason"), .text(context.t("Motif de l'avoir", "Reason for the credit note"))),
                            .input(.type(.text), .id("reason"), .name("reason"))),
                        .button(.type(.submit), .class("danger"), .text(context.t("Annuler la facture par un avoir total", "Cancel the invoice with a full credit note"))))),
                .if(issued, .p(.text(context.t("Pour l'imprimer ou l'enregistrer en PDF : Fichier › Imprimer (format A4).", "To print it or save it as PDF: File › Print (A4)."))))))
        )
    }

    static func moveLabel(_ target: InvoiceStatus, _ context: PageContext) -> String {
        switch target {
        case .order: context.t("Le client commande", "The customer orders")
        case .delivered: context.t("Prestation livrée", "Service delivered")
        case .declined: context.t("Refusé par le client", "Declined by the customer")
        case .quote, .issued: target.frenchLabel
        }
    }
}

enum InvoiceSettingsPage {
    static func render(_ repository: InvoiceRepository, form: InvoicePagesController.SettingsForm, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let title = context.t("Mentions de facturation", "Invoicing details")
        return Layout.render(context, title: title, status: status, content: .group(
            coopLink(coop),
            .h1(.text(title)),
            .p(.text(context.t("Le nom, l'adresse et le SIRET viennent de la fiche de la coopérative.", "The name, address and SIRET come from the cooperative's record."))),
            Kit.errorSummary(errors, order: ["vatNumber", "legalFormLabel", "paymentTermsDays"], context: context),
            .form(.id("invoice-settings-form"), .method(.post), .action(SiteURL.invoiceSettings(coop.id!).path),
                Kit.csrfField(context.csrfToken),
                Kit.input(.init(name: "vatNumber", label: context.t("N° de TVA intracommunautaire", "VAT number"), value: form.vatNumber, error: errors["vatNumber"],
                                hint: context.t("Vide : franchise en base, « TVA non applicable, art. 293 B du CGI ».", "Empty: VAT franchise (art. 293 B CGI)."))),
                Kit.input(.init(name: "legalFormLabel", label: context.t("Forme juridique imprimée", "Legal form printed"), value: form.legalFormLabel, error: errors["legalFormLabel"],
                                hint: context.t("Par exemple : SCIC SAS à capital variable.", "For example: SCIC SAS with variable capital."))),
                Kit.input(.init(name: "paymentTermsDays", label: context.t("Délai de paiement par défaut (jours)", "Default payment terms (days)"), value: form.paymentTermsDays,
                                error: errors["paymentTermsDays"], inputMode: "numeric")),
                Kit.submit(context.t("Enregistrer", "Save"), id: "invoice-settings-submit"))
        ))
    }
}
