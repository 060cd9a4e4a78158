import Foundation
import MaillageCore
import Plot
import Vapor


private let characteristicOptions = PurchaseCharacteristic.allCases.map { ($0.rawValue, $0.frenchLabel) }

/// A share as French readers write it (`42 %`), or a dash for a share of nothing.
func frenchPercent(_ share: Double?) -> String {
    guard let share else { return "—" }
    return "\(Int((share * 100).rounded()))\u{202F}%"
}

enum SuppliersPage {
    /// The rules' field names as the form's.
    static func formKeys(_ errors: [String: String]) -> [String: String] {
        errors.reduce(into: [:]) { result, error in
            var key = error.key
            if key.hasPrefix("labels") { key = "labels" }
            if key.hasPrefix("localDefinition") { key = key == "localDefinition.km" ? "localKm" : "localKind" }
            if result[key] == nil { result[key] = error.value }
        }
    }

    /// The list's filter: a supplier's kind.
    static var kinds: [(raw: String, label: String)] { SupplierKind.allCases.map { ($0.rawValue, $0.frenchLabel) } }

    /// Searched by name, town, SIRET and contact; filtered by kind.
    static func page(_ suppliers: [Supplier], _ filter: ListFilter) -> ListPage<Supplier> {
        filter.page(of: suppliers.filter { supplier in
            filter.keeps(texts: [supplier.name, supplier.commune ?? "", supplier.siret ?? "", supplier.contactName ?? ""], state: supplier.kind)
        })
    }

    static func render(_ repository: SourcingRepository, listing: ListRequest = ListRequest(), form: SourcingPagesController.SupplierForm, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let all = try await repository.suppliers()
        let page = Self.page(all, listing.filter)
        let suppliers = page.rows
        let title = context.t("Fournisseurs", "Suppliers")
        let path = SiteURL.suppliers(coop.id!).path
        return Layout.render(context, title: title, status: listing.errors.isEmpty ? status : .unprocessableEntity, content: .group(
            coopLink(coop),
            .h1(.text(title)),
            Kit.listFilterErrors(listing.errors, context: context),
            .if(!all.isEmpty, Kit.listFilterForm(action: path, filter: listing.filter, typed: listing.typed, states: kinds,
                                                 searchLabel: context.t("Nom, commune, SIRET ou contact", "Name, town, SIRET or contact"),
                                                 stateLabel: context.t("Type", "Kind"), context: context)),
            .if(!all.isEmpty, Kit.listSummary(page, singular: context.t("fournisseur", "supplier"), plural: context.t("fournisseurs", "suppliers"), context: context)),
            suppliers.isEmpty ? .p(.text(all.isEmpty ? context.t("Aucun fournisseur pour l'instant.", "No supplier yet.")
                                                     : context.t("Aucun fournisseur ne correspond à cette recherche.", "No supplier matches this search."))) :
            Kit.table(label: title,
                .thead(.tr(.th(.text(context.t("Nom", "Name"))), .th(.text(context.t("Type", "Kind"))), .th(.text(context.t("Commune", "Town"))),
                           .th(.text(context.t("En QPV", "In a QPV"))), .th(.text(context.t("Circuit court", "Short circuit"))), .th(.text(context.t("Labels", "Labels"))))),
                .tbody(.forEach(suppliers) { supplier in
                    .tr(.td(.a(.href(SiteURL.supplier(coop.id!, supplier.id!).path), .text(supplier.name))),
                        .td(.text(supplier.supplierKind?.frenchLabel ?? context.t("à compléter", "to complete"))),
                        .td(.text([supplier.commune, supplier.departement.map { "(\($0))" }].compactMap { $0 }.joined(separator: " "))),
                        .td(.text(supplier.qpvCode ?? context.t("non", "no"))),
                        .td(.text(supplier.labelList.contains(.shortCircuit) ? context.t("oui", "yes") : context.t("non", "no"))),
                        .td(.text(supplier.labelList.filter { $0 != .shortCircuit }.map(\.frenchLabel).joined(separator: ", "))))
                })),
            Kit.pagination(page, path: path, typed: listing.typed, filter: listing.filter, context: context),
            .section(.class("panel"),
                .h2(.text(context.t("Nouveau fournisseur", "New supplier"))),
                supplierForm(action: SiteURL.suppliers(coop.id!), form: form, errors: errors, submit: context.t("Ajouter le fournisseur", "Add the supplier"), context: context))
        ))
    }

    /// The supplier's fields, to add one or to complete it.
    static func supplierForm(action: SiteURL, form: SourcingPagesController.SupplierForm, errors: [String: String], submit: String, context: PageContext) -> BodyNode {
        .group(
            Kit.errorSummary(errors, order: ["name", "kind", "siret", "address", "postalCode", "commune", "distanceKm", "qpvCode", "intermediaries", "labels", "localKind", "localKm"], context: context),
            .form(.id("supplier-form"), .action(action.path), .method(.post),
                Kit.csrfField(context.csrfToken),
                Kit.input(.init(name: "name", label: context.t("Nom", "Name"), value: form.name, error: errors["name"], required: true)),
                Kit.select(name: "kind", label: context.t("Type", "Kind"), options: SupplierKind.allCases.map { ($0.rawValue, $0.frenchLabel) },
                           selected: form.kind, error: errors["kind"], placeholder: context.t("— Choisissez —", "— Choose —")),
                Kit.input(.init(name: "siret", label: context.t("SIRET (facultatif)", "SIRET (optional)"), value: form.siret, error: errors["siret"], inputMode: "numeric")),
                Kit.input(.init(name: "address", label: context.t("Adresse", "Address"), value: form.address, error: errors["address"])),
                Kit.input(.init(name: "postalCode", label: context.t("Code postal", "Postal code"), value: form.postalCode, error: errors["postalCode"],
                                hint: context.t("Le département et la région en sont déduits.", "The département and région follow from it."), inputMode: "numeric")),
                Kit.input(.init(name: "commune", label: context.t("Commune", "Town"), value: form.commune, error: errors["commune"])),
                Kit.input(.init(name: "distanceKm", label: context.t("Distance à la coopérative (km)", "Distance to the cooperative (km)"), value: form.distanceKm, error: errors["distanceKm"], inputMode: "decimal")),
                Kit.input(.init(name: "qpvCode", label: context.t("Code du QPV où il est installé (facultatif)", "Code of its QPV (optional)"), value: form.qpvCode, error: errors["qpvCode"],
                                hint: context.t("Par exemple QN01306M : ses achats comptent dans la part achetée en quartier prioritaire.", "For example QN01306M."))),
                Kit.input(.init(name: "intermediaries", label: context.t("Intermédiaires entre producteur et coopérative", "Intermediaries between producer and cooperative"), value: form.intermediaries,
                                error: errors["intermediaries"], hint: context.t("0 ou 1 : circuit court.", "0 or 1: short circuit."), inputMode: "numeric")),
                Kit.checkboxes(name: "labels", legend: context.t("Ses produits portent (pré-remplit ses lignes d'achat)", "Its products carry (pre-fills its purchase lines)"),
                               options: characteristicOptions, checked: Set(form.labels ?? []), error: errors["labels"]),
                Kit.select(name: "localKind", label: context.t("S'il est local : selon quelle définition", "If local: by which definition"),
                           options: LocalDefinitionKind.allCases.map { ($0.rawValue, $0.frenchLabel) }, selected: form.localKind, error: errors["localKind"], placeholder: "—"),
                Kit.input(.init(name: "localKm", label: context.t("Distance de la définition (km)", "Definition's distance (km)"), value: form.localKm, error: errors["localKm"], inputMode: "numeric")),
                Kit.select(name: "defaultFamily", label: context.t("Famille de produits habituelle", "Usual product family"),
                           options: ProductFamily.allCases.map { ($0.rawValue, $0.frenchLabel) }, selected: form.defaultFamily, error: errors["defaultFamily"], placeholder: "—"),
                Kit.input(.init(name: "contactName", label: context.t("Contact", "Contact"), value: form.contactName, error: errors["contactName"])),
                Kit.input(.init(name: "contactEmail", label: context.t("E-mail du contact", "Contact's email"), value: form.contactEmail, type: .email, error: errors["contactEmail"])),
                Kit.input(.init(name: "contactPhone", label: context.t("Téléphone du contact", "Contact's phone"), value: form.contactPhone, type: .tel, error: errors["contactPhone"])),
                Kit.submit(submit, id: "supplier-submit")))
    }
}

enum SupplierPage {
    static func render(coop: Cooperative, supplier: Supplier, form: SourcingPagesController.SupplierForm, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) -> Response {
        Layout.render(context, title: supplier.name, status: status, content: .group(
            .p(.a(.href(SiteURL.suppliers(coop.id!).path), .text(context.t("← Fournisseurs", "← Suppliers")))),
            .h1(.text(supplier.name)),
            Kit.facts([
                (context.t("Type", "Kind"), supplier.supplierKind?.frenchLabel ?? context.t("à compléter (créé par un import)", "to complete (created by an import)")),
                ("SIRET", supplier.siret ?? "—"),
                (context.t("Adresse", "Address"), [supplier.address, supplier.postalCode, supplier.commune].compactMap { $0 }.joined(separator: " ")),
                (context.t("Département, région", "Département, région"), [supplier.departement, supplier.region].compactMap { $0 }.joined(separator: ", ")),
                (context.t("Distance", "Distance"), supplier.distanceKm.map { "\($0.formatted()) km" } ?? "—"),
                (context.t("Quartier prioritaire", "Priority neighbourhood"), supplier.qpvCode ?? context.t("non", "no")),
                (context.t("Intermédiaires", "Intermediaries"), supplier.intermediaries.map(String.init) ?? "—"),
                (context.t("Caractéristiques de ses produits", "Its products' characteristics"), supplier.labelList.map(\.frenchLabel).joined(separator: ", ")),
                (context.t("Local selon", "Local by"), supplier.localDefinition?.frenchLabel ?? "—"),
                (context.t("Contact", "Contact"), [supplier.contactName, supplier.contactEmail, supplier.contactPhone].compactMap { $0 }.joined(separator: " · ")),
            ]),
            .section(.class("panel"), .id("modifier"),
                .h2(.text(supplier.kind == nil ? context.t("Compléter ce fournisseur", "Complete this supplier") : context.t("Modifier ce fournisseur", "Edit this supplier"))),
                .p(.class("hint"), .text(context.t("Ses achats passés gardent les caractéristiques avec lesquelles ils ont été faits.", "Its past purchases keep the characteristics they were made with."))),
                SuppliersPage.supplierForm(action: SiteURL.supplier(coop.id!, supplier.id!), form: form, errors: errors,
                                           submit: context.t("Enregistrer", "Save"), context: context))
        ))
    }
}

enum PurchasesPage {
    /// Searched by supplier and invoice number, newest first (as the repository gives them).
    static func page(_ purchases: [Purchase], names: [UUID: String], _ filter: ListFilter) -> ListPage<Purchase> {
        filter.page(of: purchases.filter { filter.keeps(texts: [names[$0.supplierID] ?? "", $0.reference ?? ""]) })
    }

    static func render(_ repository: SourcingRepository, year: Int, listing: ListRequest = ListRequest(), form: SourcingPagesController.PurchaseForm,
                       errors: [String: String], context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let suppliers = try await repository.suppliers()
        let names = Dictionary(uniqueKeysWithValues: suppliers.map { ($0.id!, $0.name) })
        let yearPurchases = try await repository.purchases(from: CalendarDay(year: year, month: 1, day: 1), to: CalendarDay(year: year, month: 12, day: 31))
        let page = Self.page(yearPurchases, names: names, listing.filter)
        let purchases = page.rows
        let title = context.t("Achats", "Purchases")
        let familyOptions = ProductFamily.allCases.map { ($0.rawValue, $0.frenchLabel) }
        let rows: [Node<HTML.FormContext>] = (1...SourcingPagesController.PurchaseForm.rowCount).map { n in
            let row = form.rows[n - 1]
            return .fieldset(.class("row-form"),
                .element(named: "legend", nodes: [.text(context.t("Ligne \(n)", "Line \(n)"))]),
                Kit.input(.init(name: "description\(n)", label: context.t("Description", "Description"), value: row.description, error: errors["description\(n)"])),
                Kit.select(name: "family\(n)", label: context.t("Famille", "Family"), options: familyOptions, selected: row.family, error: errors["family\(n)"],
                           placeholder: context.t("— celle du fournisseur —", "— the supplier's —")),
                Kit.input(.init(name: "price\(n)", label: context.t("Prix HT (€)", "Price excl. VAT (€)"), value: row.price, error: errors["price\(n)"], inputMode: "decimal")),
                Kit.input(.init(name: "quantity\(n)", label: context.t("Quantité", "Quantity"), value: row.quantity, error: errors["quantity\(n)"], inputMode: "decimal")),
                Kit.input(.init(name: "unit\(n)", label: context.t("Unité (kg, L, pièce)", "Unit (kg, L, piece)"), value: row.unit, error: errors["unit\(n)"])),
                .element(named: "details", nodes: [
                    .attribute(named: "open", value: (row.characteristics ?? []).isEmpty && errors["char\(n)"] == nil ? nil : "open"),
                    .element(named: "summary", nodes: [.text(context.t("Caractéristiques (vide : celles du fournisseur)", "Characteristics (empty: the supplier's)"))]),
                    Kit.checkboxes(name: "char\(n)", legend: context.t("Caractéristiques de la ligne \(n)", "Line \(n)'s characteristics"), options: characteristicOptions,
                                   checked: Set(row.characteristics ?? []), error: errors["char\(n)"]),
                ]))
        }
        return Layout.render(context, title: title, status: status, content: .group(
            coopLink(coop),
            .h1(.text(title)),
            .p(.a(.href(SiteURL.purchasesImport(coop.id!).path), .text(context.t("Importer un fichier d'achats (ma-cantine)", "Import a purchases file (ma-cantine)"))),
               .text(" · "),
               .a(.href(SiteURL.purchasesExport(coop.id!, year: year).path), .text(context.t("Exporter les achats de \(year) (CSV)", "Export \(year)'s purchases (CSV)")))),
            .form(.class("row-form no-print"), .method(.get), .action(SiteURL.purchases(coop.id!).path),
                Kit.input(.init(name: "year", label: context.t("Année", "Year"), value: String(year), inputMode: "numeric")),
                .button(.type(.submit), .text(context.t("Afficher", "Show")))),
            Kit.listFilterErrors(listing.errors, context: context),
            .if(!yearPurchases.isEmpty, Kit.listFilterForm(action: SiteURL.purchases(coop.id!).path, filter: listing.filter, typed: listing.typed, states: [],
                                                           searchLabel: context.t("Fournisseur ou n° de facture", "Supplier or invoice number"),
                                                           hidden: [("year", String(year))], context: context)),
            .if(!yearPurchases.isEmpty, Kit.listSummary(page, singular: context.t("achat", "purchase"), plural: context.t("achats", "purchases"), context: context)),
            purchases.isEmpty ? .p(.text(yearPurchases.isEmpty ? context.t("Aucun achat en \(year).", "No purchase in \(year).")
                                                               : context.t("Aucun achat ne correspond à cette recherche.", "No purchase matches this search."))) :
            Kit.table(label: context.t("Achats de \(year)", "Purchases of \(year)"),
                .thead(.tr(.th(.text(context.t("Date", "Date"))), .th(.text(context.t("Fournisseur", "Supplier"))), .th(.text(context.t("Facture", "Invoice"))),
                           .th(.class("num"), .text(context.t("Total HT", "Total excl. VAT"))))),
                .tbody(.forEach(purchases) { purchase in
                    .tr(.td(.a(.href(SiteURL.purchase(coop.id!, purchase.id!).path), .text(CalendarDay(date: purchase.date).french))),
                        .td(.text(names[purchase.supplierID] ?? "")), .td(.text(purchase.reference ?? "—")),
                        .td(.class("num"), .text(Euros.french(purchase.totalCents))))
                })),
            Kit.pagination(page, path: SiteURL.purchases(coop.id!).path, typed: listing.typed, filter: listing.filter, keeping: [("year", String(year))], context: context),
            .section(.class("panel"),
                .h2(.text(context.t("Saisir une facture", "Record an invoice"))),
                suppliers.isEmpty ? .p(.a(.href(SiteURL.suppliers(coop.id!).path), .text(context.t("Ajoutez d'abord un fournisseur.", "Add a supplier first.")))) : .group(
                    Kit.errorSummary(errors, order: ["supplierID", "date", "reference", "lines"] + (1...4).flatMap { n in ["description\(n)", "family\(n)", "price\(n)", "quantity\(n)", "unit\(n)", "char\(n)"] }, context: context),
                    .form(.id("purchase-form"), .action(SiteURL.purchases(coop.id!).path), .method(.post),
                        Kit.csrfField(context.csrfToken),
                        Kit.select(name: "supplierID", label: context.t("Fournisseur", "Supplier"), options: suppliers.map { ($0.id!.uuidString, $0.name) },
                                   selected: form.supplierID, error: errors["supplierID"], placeholder: context.t("— Choisissez —", "— Choose —")),
                        Kit.input(.init(name: "date", label: context.t("Date d'achat", "Purchase date"), value: form.date ?? CalendarDay.today.description, type: .date, error: errors["date"], required: true)),
                        Kit.input(.init(name: "reference", label: context.t("N° de facture (facultatif)", "Invoice number (optional)"), value: form.reference, error: errors["reference"])),
                        .unwrap(errors["lines"]) { .p(.class("error"), .text($0)) },
                        .group(rows),
                        Kit.submit(context.t("Enregistrer l'achat", "Record the purchase"), id: "purchase-submit"))))
        ))
    }
}

enum PurchasePage {
    static func render(coop: Cooperative, purchase: Purchase, supplier: Supplier, lines: [PurchaseLine], error: String?,
                       context: PageContext, status: HTTPResponseStatus = .ok) -> Response {
        let title = context.t("Achat du ", "Purchase of ") + CalendarDay(date: purchase.date).french + " — " + supplier.name
        return Layout.render(context, title: title, status: status, content: .group(
            .p(.a(.href(SiteURL.purchases(coop.id!).path), .text(context.t("← Achats", "← Purchases")))),
            .h1(.text(title)),
            Kit.facts([
                (context.t("Fournisseur", "Supplier"), supplier.name),
                (context.t("Facture", "Invoice"), purchase.reference ?? "—"),
                (context.t("Total HT", "Total excl. VAT"), Euros.french(purchase.totalCents)),
                (context.t("Saisi par", "Recorded by"), purchase.authorLabel + (purchase.source == "import" ? context.t(" (import)", " (import)") : "")),
            ]),
            Kit.table(label: context.t("Lignes", "Lines"),
                .thead(.tr(.th(.text(context.t("Description", "Description"))), .th(.text(context.t("Famille", "Family"))),
                           .th(.class("num"), .text(context.t("Quantité", "Quantity"))), .th(.class("num"), .text(context.t("Prix HT", "Price excl. VAT"))),
                           .th(.text(context.t("Caractéristiques", "Characteristics"))), .th(.text("EGAlim")))),
                .tbody(.forEach(lines) { line in
                    .tr(.td(.text(line.description)), .td(.text(line.productFamily.frenchLabel)),
                        .td(.class("num"), .text([line.quantity.map { $0.formatted() }, line.unit].compactMap { $0 }.joined(separator: " "))),
                        .td(.class("num"), .text(Euros.french(line.priceCents))),
                        .td(.text(line.characteristicList.map { $0 == .local ? "Local (" + (line.localDefinition?.frenchLabel ?? "") + ")" : $0.frenchLabel }.joined(separator: ", "))),
                        .td(.text(EgalimLabels.french(EgalimClass(rawValue: line.egalim) ?? .none))))
                })),
            .section(.class("panel"),
                .h2(.text(context.t("Facture du fournisseur", "Supplier's invoice"))),
                .unwrap(purchase.attachmentName) { name in
                    .p(.a(.href(SiteURL.purchaseAttachment(coop.id!, purchase.id!).path), .text(context.t("Voir la facture jointe : ", "See the attached invoice: ") + name)))
                },
                .form(.id("attachment-form"), .action(SiteURL.purchaseAttachment(coop.id!, purchase.id!).path), .method(.post), .enctype(.multipartData),
                    Kit.csrfField(context.csrfToken),
                    .div(.class(error == nil ? "field" : "field field-error"),
                        .label(.for("file"), .text(context.t("Fichier PDF, PNG ou JPEG (5 Mo au plus)", "PDF, PNG or JPEG file (5 MB at most)"))),
                        .unwrap(error) { .p(.class("error"), .id("file-error"), .text($0)) },
                        .input(.type(.file), .id("file"), .name("file"), .attribute(named: "accept", value: "application/pdf,image/png,image/jpeg"),
                               .attribute(named: "aria-describedby", value: error == nil ? nil : "file-error"))),
                    Kit.submit(purchase.attachmentName == nil ? context.t("Joindre la facture", "Attach the invoice") : context.t("Remplacer la facture", "Replace the invoice"),
                               id: "attachment-submit")))
        ))
    }
}

enum EgalimLabels {
    static func french(_ egalim: EgalimClass) -> String {
        switch egalim {
        case .bio: "Bio"
        case .officialQuality: "Signe officiel de qualité"
        case .otherEgalim: "Autre EGAlim"
        case .none: "—"
        }
    }
}

enum ImportPage {
    static func render(coop: Cooperative, result: SourcingRepository.ImportResult?, csv: String?, error: String?,
                       context: PageContext, status: HTTPResponseStatus = .ok) -> Response {
        let title = context.t("Importer des achats", "Import purchases")
        return Layout.render(context, title: title, status: status, content: .group(
            .p(.a(.href(SiteURL.purchases(coop.id!).path), .text(context.t("← Achats", "← Purchases")))),
            .h1(.text(title)),
            .p(.text(context.t("Un fichier CSV au format de ma-cantine, une ligne d'achat par ligne, séparé par des virgules ou des points-virgules, en UTF-8. Colonnes : ",
                               "A CSV file in ma-cantine's layout, one purchase line a row, comma- or semicolon-separated, UTF-8. Columns: ")),
               .code(.text(PurchaseFile.columns.joined(separator: ", ")))),
            .p(.class("hint"), .text(context.t("Rien n'est enregistré avant votre confirmation, et rien du tout si une ligne a une erreur. Les lignes d'un même fournisseur le même jour font un achat.",
                                               "Nothing is saved before you confirm, and nothing at all if a line has an error. Lines of one supplier on one day make one purchase."))),
            .unwrap(error) { .div(.class("error-summary"), .attribute(named: "role", value: "alert"), .p(.text($0))) },
            .unwrap(result) { result in
                result.problems.isEmpty
                ? .section(.class("panel"), .id("import-preview"),
                    .h2(.text(context.t("Aperçu", "Preview"))),
                    .p(.text(context.t("\(result.imported) lignes prêtes, en \(result.purchases) achats.", "\(result.imported) lines ready, as \(result.purchases) purchases."))),
                    result.newSuppliers.isEmpty ? .empty :
                        .p(.text(context.t("Fournisseurs nouveaux, créés à compléter : ", "New suppliers, created to complete: ") + result.newSuppliers.joined(separator: ", "))),
                    .form(.id("import-confirm"), .action(SiteURL.purchasesImport(coop.id!).path), .method(.post),
                        Kit.csrfField(context.csrfToken),
                        .input(.type(.hidden), .name("csv"), .value(csv ?? "")),
                        .input(.type(.hidden), .name("step"), .value("import")),
                        Kit.submit(context.t("Importer ces \(result.imported) lignes", "Import these \(result.imported) lines"), id: "import-submit")))
                : .section(.class("panel"), .id("import-errors"),
                    .h2(.text(context.t("\(result.problems.count) erreur(s) à corriger : rien n'a été importé", "\(result.problems.count) error(s) to fix: nothing was imported"))),
                    Kit.table(label: context.t("Erreurs du fichier", "File errors"),
                        .thead(.tr(.th(.text(context.t("Ligne", "Line"))), .th(.text(context.t("Colonne", "Column"))), .th(.text(context.t("Erreur", "Error"))))),
                        .tbody(.forEach(result.problems) { problem in
                            .tr(.td(.text("\(problem.line)")), .td(.code(.text(problem.field))), .td(.text(problem.message)))
                        })))
            },
            .form(.id("import-form"), .action(SiteURL.purchasesImport(coop.id!).path), .method(.post), .enctype(.multipartData),
                Kit.csrfField(context.csrfToken),
                .input(.type(.hidden), .name("step"), .value("preview")),
                .div(.class("field"),
                    .label(.for("file"), .text(context.t("Fichier CSV des achats", "Purchases CSV file"))),
                    .input(.type(.file), .id("file"), .name("file"), .attribute(named: "accept", value: ".csv,text/csv"))),
                Kit.submit(context.t("Vérifier le fichier", "Check the file"), id: "import-preview-submit"))
        ))
    }
}

/// Horizontal bars drawn by the server: one a share, with the target marked.
enum ShareBars {
    static func svg(_ rows: [(label: String, share: Double?, target: Double?)], title: String) -> Markup {
        Bars.svg(rows.map { Bars.Row(label: $0.label, fraction: $0.share ?? 0, text: frenchPercent($0.share), target: $0.target) }, title: title)
    }
}

enum SourcingPage {
    static func render(_ scope: CooperativeScope, figures: SourcingIndicatorsDTO?, from: String?, to: String?, local: LocalDefinition,
                       errors: [String: String], context: PageContext, status: HTTPResponseStatus = .ok) -> Response {
        let coop = scope.cooperative
        let title = context.t("Approvisionnement local et EGAlim", "Local sourcing and EGAlim")
        return Layout.render(context, title: title, status: status, content: .group(
            coopLink(coop),
            .h1(.text(title)),
            Kit.errorSummary(errors, order: ["from", "to", "year"], context: context),
            .form(.class("row-form no-print"), .method(.get), .action(SiteURL.sourcing(coop.id!).path),
                Kit.input(.init(name: "from", label: context.t("Du", "From"), value: from, type: .date, error: errors["from"])),
                Kit.input(.init(name: "to", label: context.t("Au", "To"), value: to, type: .date, error: errors["to"])),
                .button(.type(.submit), .text(context.t("Afficher", "Show")))),
            .unwrap(figures) { figures in
                .group(
                    Kit.facts([
                        (context.t("Achats HT", "Purchases excl. VAT"), Euros.french(figures.totalCents)),
                        (context.t("Durables et de qualité (EGAlim)", "Sustainable and quality (EGAlim)"), Euros.french(figures.egalimCents) + " — " + frenchPercent(figures.egalimShare) + context.t(" (objectif 50 %)", " (target 50 %)")),
                        (context.t("Bio", "Organic"), Euros.french(figures.bioCents) + " — " + frenchPercent(figures.bioShare) + context.t(" (objectif 20 %)", " (target 20 %)")),
                        (context.t("Viandes et poissons EGAlim", "EGAlim meat and fish"), frenchPercent(figures.meatFishEgalimShare)),
                        (context.t("Local (", "Local (") + local.frenchLabel.lowercased() + ")", frenchPercent(figures.localShare)),
                        (context.t("Circuit court", "Short circuit"), frenchPercent(figures.shortCircuitShare)),
                        (context.t("Acheté dans un quartier prioritaire", "Bought in a priority neighbourhood"), frenchPercent(figures.qpvShare)),
                        (context.t("Acheté à l'économie sociale et solidaire", "Bought from the social economy"), frenchPercent(figures.essShare)),
                    ]),
                    .div(.class("chart"), .markup(ShareBars.svg([
                        (context.t("EGAlim (objectif 50 %)", "EGAlim (target 50 %)"), figures.egalimShare, 0.5),
                        (context.t("Bio (objectif 20 %)", "Organic (target 20 %)"), figures.bioShare, 0.2),
                        (context.t("Viandes et poissons EGAlim", "EGAlim meat and fish"), figures.meatFishEgalimShare, nil),
                        (context.t("Local", "Local"), figures.localShare, nil),
                        (context.t("Circuit court", "Short circuit"), figures.shortCircuitShare, nil),
                        (context.t("Quartiers prioritaires", "Priority neighbourhoods"), figures.qpvShare, nil),
                        (context.t("Économie sociale et solidaire", "Social economy"), figures.essShare, nil),
                    ], title: context.t("Parts des achats HT", "Shares of purchases excl. VAT")))),
                    .h2(.text(context.t("Par famille de produits", "By product family"))),
                    parts(figures.byFamily, label: context.t("Famille", "Family"), context: context),
                    .h2(.text(context.t("Par fournisseur", "By supplier"))),
                    parts(figures.bySupplier, label: context.t("Fournisseur", "Supplier"), context: context))
            },
            .if(scope.allows(.manageSourcing), .section(.class("panel no-print"), .id("definition-du-local"),
                .h2(.text(context.t("Ce que la coopérative appelle local", "What the cooperative calls local"))),
                .p(.text(context.t("Aujourd'hui : ", "Now: ") + local.frenchLabel + context.t(". Une ligne déclarée locale sur un territoire plus petit compte aussi (une commune est dans son département).",
                                                                                                 ". A line declared local on a smaller territory counts too."))),
                .form(.id("local-form"), .action(SiteURL.sourcingSettings(coop.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "localKind", label: context.t("Définition", "Definition"), options: LocalDefinitionKind.allCases.map { ($0.rawValue, $0.frenchLabel) },
                               selected: local.kind.rawValue, error: nil),
                    Kit.input(.init(name: "localKm", label: context.t("Distance (km), pour une définition en km", "Distance (km), for a km definition"), value: local.km.map(String.init), inputMode: "numeric")),
                    Kit.submit(context.t("Enregistrer la définition", "Save the definition"), id: "local-submit"))))
        ))
    }

    static func parts(_ parts: [SourcingIndicatorsDTO.Part], label: String, context: PageContext) -> BodyNode {
        parts.isEmpty ? .p(.text(context.t("Aucun achat sur la période.", "No purchase in the period."))) :
        Kit.table(label: label,
            .thead(.tr(.th(.text(label)), .th(.class("num"), .text(context.t("Achats HT", "Purchases excl. VAT"))), .th(.class("num"), .text(context.t("Part", "Share"))),
                       .th(.class("num"), .text("EGAlim")), .th(.class("num"), .text(context.t("Bio", "Organic"))), .th(.class("num"), .text(context.t("Local", "Local"))))),
            .tbody(.forEach(parts) { part in
                .tr(.td(.text(part.label)), .td(.class("num"), .text(Euros.french(part.totalCents))), .td(.class("num"), .text(frenchPercent(part.share))),
                    .td(.class("num"), .text(Euros.french(part.egalimCents))), .td(.class("num"), .text(Euros.french(part.bioCents))),
                    .td(.class("num"), .text(Euros.french(part.localCents))))
            }))
    }
}

enum RecipesPage {
    static func render(_ repository: SourcingRepository, form: SourcingPagesController.RecipeForm, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let recipes = try await repository.recipes()
        let products = try await TradeRepository(db: repository.db, scope: repository.scope).productsUnchecked()
        let title = context.t("Recettes et coût des portions", "Recipes and portion costs")
        let rows: [Node<HTML.FormContext>] = form.rows.enumerated().map { index, row in
            let n = index + 1
            return .fieldset(.class("row-form"),
                .element(named: "legend", nodes: [.text(context.t("Ingrédient \(n)", "Ingredient \(n)"))]),
                Kit.input(.init(name: "ingredient\(n)", label: context.t("Nom (tel qu'il est acheté)", "Name (as bought)"), value: row.name, error: errors["ingredient\(n)"])),
                Kit.input(.init(name: "quantity\(n)", label: context.t("Quantité", "Quantity"), value: row.quantity, error: errors["quantity\(n)"], inputMode: "decimal")),
                Kit.input(.init(name: "unit\(n)", label: context.t("Unité d'usage (g, cL…)", "Usage unit (g, cL…)"), value: row.unit, error: errors["unit\(n)"])),
                Kit.input(.init(name: "ratio\(n)", label: context.t("Unités d'usage par unité d'achat", "Usage units per purchase unit"), value: row.ratio, error: errors["ratio\(n)"],
                                hint: n == 1 ? context.t("1000 pour des grammes achetés au kg ; vide : 1.", "1000 for grams bought by the kg; empty: 1.") : nil, inputMode: "decimal")),
                Kit.input(.init(name: "yield\(n)", label: context.t("Rendement (%)", "Yield (%)"), value: row.yield, error: errors["yield\(n)"],
                                hint: n == 1 ? context.t("Ce qui reste après épluchage ; vide : 100.", "What is left after peeling; empty: 100.") : nil, inputMode: "numeric")))
        }
        return Layout.render(context, title: title, status: status, content: .group(
            coopLink(coop),
            .h1(.text(title)),
            recipes.isEmpty ? .p(.text(context.t("Aucune recette pour l'instant.", "No recipe yet."))) :
            .ul(.forEach(recipes) { recipe in
                .li(.a(.href(SiteURL.recipe(coop.id!, recipe.id!).path), .text(recipe.name)), .text(context.t(" — \(recipe.portions) portions", " — \(recipe.portions) portions")))
            }),
            .section(.class("panel"),
                .h2(.text(context.t("Nouvelle recette", "New recipe"))),
                .p(.class("hint"), .text(context.t("Le prix de chaque ingrédient vient du dernier achat dont la description contient son nom, avec une quantité.",
                                                   "Each ingredient's price comes from the latest purchase whose description contains its name, with a quantity."))),
                Kit.errorSummary(errors, order: ["name", "portions", "productID", "ingredients"], context: context),
                .form(.id("recipe-form"), .action(SiteURL.recipes(coop.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.input(.init(name: "name", label: context.t("Nom du plat", "Dish"), value: form.name, error: errors["name"], required: true)),
                    Kit.input(.init(name: "portions", label: context.t("Portions", "Portions"), value: form.portions, error: errors["portions"], required: true, inputMode: "numeric")),
                    Kit.select(name: "productID", label: context.t("Vendu comme (catalogue)", "Sold as (catalogue)"), options: products.map { ($0.id!.uuidString, $0.name) },
                               selected: form.productID, error: errors["productID"], placeholder: "—"),
                    .unwrap(errors["ingredients"]) { .p(.class("error"), .text($0)) },
                    .group(rows),
                    Kit.submit(context.t("Créer la recette", "Create the recipe"), id: "recipe-submit")))
        ))
    }
}

enum RecipePage {
    static func render(coop: Cooperative, cost: RecipeCostDTO, context: PageContext) -> Response {
        Layout.render(context, title: cost.name, content: .group(
            .p(.a(.href(SiteURL.recipes(coop.id!).path), .text(context.t("← Recettes", "← Recipes")))),
            .h1(.text(cost.name)),
            Kit.facts([
                (context.t("Portions", "Portions"), "\(cost.portions)"),
                (context.t("Coût de la recette HT", "Recipe cost excl. VAT"), Euros.french(cost.totalCents)),
                (context.t("Coût d'une portion HT", "Portion cost excl. VAT"), Euros.french(cost.portionCents) + (cost.complete ? "" : context.t(" au moins (un ingrédient n'a jamais été acheté)", " at least (an ingredient was never bought)"))),
            ]),
            Kit.table(label: context.t("Ingrédients", "Ingredients"),
                .thead(.tr(.th(.text(context.t("Ingrédient", "Ingredient"))), .th(.class("num"), .text(context.t("Quantité", "Quantity"))),
                           .th(.class("num"), .text(context.t("Coût HT", "Cost excl. VAT"))), .th(.text(context.t("Prix pris sur", "Price from"))))),
                .tbody(.forEach(cost.ingredients) { item in
                    .tr(.td(.text(item.name)), .td(.class("num"), .text([item.quantity.formatted(), item.usageUnit].compactMap { $0 }.joined(separator: " "))),
                        .td(.class("num"), .text(item.costCents.map(Euros.french) ?? context.t("jamais acheté", "never bought"))),
                        .td(.text(item.source.map { "\($0.description), \($0.supplier), " + (CalendarDay($0.date)?.french ?? $0.date) } ?? "—")))
                })),
            .unwrap(cost.product) { product in
                .group(
                    .h2(.text(context.t("Ce que chaque tranche paie pour « \(product.name) »", "What each tier pays for “\(product.name)”"))),
                    .p(.class("hint"), .text(context.t("Prix payé hors TVA moins le coût de la portion : négatif, la coopérative y met de sa poche (ou la solidarité qui la finance).",
                                                       "Price paid excluding VAT less the portion's cost: negative, the cooperative puts money in."))),
                    Kit.table(label: context.t("Par tranche", "By tier"),
                        .thead(.tr(.th(.text(context.t("Tranche", "Tier"))), .th(.class("num"), .text(context.t("Prix payé TTC", "Price paid incl. VAT"))),
                                   .th(.class("num"), .text(context.t("Marge sur la portion", "Margin on the portion"))))),
                        .tbody(.forEach(cost.tiers) { tier in
                            .tr(.td(.text(tier.label)), .td(.class("num"), .text(Euros.french(tier.priceCents))), .td(.class("num"), .text(Euros.french(tier.marginCents))))
                        })))
            }
        ))
    }
}
