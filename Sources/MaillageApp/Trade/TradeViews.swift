import Foundation
import MaillageCore
import Plot
import Vapor


enum CataloguePage {
    static func render(_ repository: TradeRepository, form: TradePagesController.ProductForm, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let products = try await repository.products()
        let canManage = repository.scope.allows(.manageCatalogue)
        let title = context.t("Catalogue", "Catalogue")
        return Layout.render(context, title: title, status: status, content: .group(
            coopLink(coop),
            .h1(.text(title)),
            products.isEmpty ? .p(.text(context.t("Le catalogue est vide.", "The catalogue is empty."))) :
            Kit.table(label: title,
                .thead(.tr(.th(.text(context.t("Produit ou service", "Product or service"))), .th(.text(context.t("Catégorie", "Category"))),
                           .th(.text(context.t("Prix public TTC", "Public price incl. VAT"))), .th(.text(context.t("TVA", "VAT"))), .th(.text(context.t("En vente", "On sale"))))),
                .tbody(.forEach(products) { product in
                    .tr(.td(.text(product.name)), .td(.text(product.category)), .td(.text(Euros.french(product.publicPriceCents))),
                        .td(.text(product.rate.frenchLabel)),
                        .td(.text(product.active ? context.t("oui", "yes") : context.t("non", "no")),
                            .if(canManage, .form(.class("inline"), .action(SiteURL.product(coop.id!, product.id!).path), .method(.post),
                                Kit.csrfField(context.csrfToken),
                                .input(.type(.hidden), .name("active"), .value(product.active ? "false" : "true")),
                                .text(" "),
                                .button(.type(.submit), .attribute(named: "aria-label", value: (product.active ? context.t("Retirer de la caisse : ", "Take off the till: ") : context.t("Remettre en vente : ", "Put back on sale: ")) + product.name),
                                        .text(product.active ? context.t("Retirer", "Take off") : context.t("Remettre", "Put back")))))))
                })),
            .if(canManage, .section(.class("panel"),
                .h2(.text(context.t("Nouveau produit ou service", "New product or service"))),
                Kit.errorSummary(errors, order: ["name", "category", "publicPrice", "vatRate"], context: context),
                .form(.id("product-form"), .action(SiteURL.products(coop.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.input(.init(name: "name", label: context.t("Nom", "Name"), value: form.name, error: errors["name"], required: true)),
                    Kit.input(.init(name: "category", label: context.t("Catégorie", "Category"), value: form.category, error: errors["category"],
                                    hint: context.t("Par exemple : repas, traiteur, recyclerie, service.", "For example: meal, catering, second-hand, service."), required: true)),
                    Kit.input(.init(name: "publicPrice", label: context.t("Prix public TTC (€)", "Public price incl. VAT (€)"), value: form.publicPrice, error: errors["publicPrice"],
                                    hint: context.t("Par exemple 4,50.", "For example 4.50."), required: true, inputMode: "decimal")),
                    Kit.select(name: "vatRate", label: context.t("Taux de TVA", "VAT rate"), options: VATRate.allCases.map { (String(Double($0.rawValue) / 10).replacingOccurrences(of: ".0", with: ""), $0.frenchLabel) },
                               selected: form.vatRate, error: errors["vatRate"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.submit(context.t("Ajouter au catalogue", "Add to the catalogue"), id: "product-submit"))))
        ))
    }
}

enum TariffGridsPage {
    /// The rules name fields as the API does (`brackets[1].maxFamilyQuotient`); `formFields`
    /// says which form field each bracket and category came from.
    static func formKeys(_ errors: [String: String], formFields: [String: String]) -> [String: String] {
        errors.reduce(into: [:]) { result, error in
            var key = formFields[error.key] ?? error.key
            if key.hasPrefix("effortRate") {
                key = key == "effortRate.permille" ? "permille" : "minPrice"
            }
            if result[key] == nil { result[key] = error.value }
        }
    }

    static func render(_ repository: TradeRepository, form: TradePagesController.GridForm, errors: [String: String],
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let grids = try await repository.grids()
        let current = grids.first { $0.grid.isValid(on: .today) }
        let products = try await repository.products(includingInactive: false)
        let canManage = repository.scope.allows(.manageCatalogue)
        let title = context.t("Grilles tarifaires solidaires", "Solidarity tariff grids")
        // Categories of the products on sale, each named once (the first spelling met).
        var categories: [String] = []
        for product in products where !categories.contains(where: { TariffGrid.categoryKey($0) == TariffGrid.categoryKey(product.category) }) {
            categories.append(product.category)
        }
        categories.sort { $0.localizedCompare($1) == .orderedAscending }
        let rowFields: [Node<HTML.FormContext>] = (1...TradePagesController.GridForm.rowCount).map { n in
            let row = form.rows[n - 1]
            return .fieldset(.class("row-form"),
                .element(named: "legend", nodes: [.text(context.t("Tranche \(n)", "Bracket \(n)"))]),
                Kit.input(.init(name: "max\(n)", label: context.t("QF jusqu'à", "QF up to"), value: row.max, error: errors["max\(n)"],
                                hint: n == 1 ? context.t("Vide pour la dernière tranche, sans plafond.", "Empty for the last, open bracket.") : nil, inputMode: "numeric")),
                Kit.input(.init(name: "price\(n)", label: context.t("Prix fixe (€)", "Fixed price (€)"), value: row.price, error: errors["price\(n)"], inputMode: "decimal")),
                Kit.input(.init(name: "percent\(n)", label: context.t("ou % du prix public", "or % of public price"), value: row.percent, error: errors["percent\(n)"], inputMode: "numeric")),
                categories.isEmpty ? .empty : .element(named: "details", nodes: [
                    // Open when something is typed in it, so that nothing typed is hidden.
                    .attribute(named: "open", value: categories.indices.contains { TextRules.clean(form.categoryCells?[TradePagesController.GridForm.cellName(row: n, category: $0)]) != nil } ? "open" : nil),
                    .attribute(named: "id", value: "categories\(n)"),
                    .element(named: "summary", nodes: [.text(context.t("Prix par catégorie (facultatif)", "Prices by category (optional)"))]),
                    .p(.class("hint"), .text(context.t("Un prix (1,00) ou un pourcentage du prix public (30 %) ; vide : la règle de la tranche.",
                                                       "A price (1.00) or a percentage of the public price (30 %); empty: the bracket's rule."))),
                    .group(categories.enumerated().map { k, category in
                        let cell = TradePagesController.GridForm.cellName(row: n, category: k)
                        return Kit.input(.init(name: cell, label: context.t("Catégorie « \(category) »", "Category “\(category)”"),
                                               value: form.categoryCells?[cell], error: errors[cell]))
                    }),
                ]))
        }
        let categoryNameFields: [Node<HTML.FormContext>] = categories.enumerated().map { k, category in
            .input(.type(.hidden), .name("catname_\(k)"), .value(category))
        }
        return Layout.render(context, title: title, status: status, content: .group(
            coopLink(coop),
            .h1(.text(title)),
            .section(.class("panel"), .id("grille-en-vigueur"),
                .h2(.text(context.t("Grille en vigueur aujourd'hui", "Grid in force today"))),
                current.map { record in
                    .group(
                        .p(.text(record.name + context.t(", depuis le ", ", since ") + CalendarDay(date: record.validFrom).french
                                 + (record.validTo.map { context.t(" jusqu'au ", " until ") + CalendarDay(date: $0).french } ?? ""))),
                        products.isEmpty ? .p(.text(context.t("Ajoutez des produits au catalogue pour voir l'aperçu.", "Add products to see the preview."))) :
                        Kit.table(label: context.t("Aperçu : prix selon le quotient familial", "Preview: prices by family quotient"),
                            .thead(.tr(.th(.text(context.t("Produit", "Product"))), .th(.text(context.t("Public", "Public"))),
                                       .group(TradeRepository.previewQuotients.map { .th(.text("QF \($0)")) }))),
                            .tbody(.forEach(TradeRepository.preview(record.grid, products: products)) { row in
                                .tr(.td(.text(row.product.name)), .td(.text(Euros.french(row.product.publicPriceCents))),
                                    .group(row.prices.map { .td(.text(Euros.french($0.cents))) }))
                            }))
                    )
                } ?? .p(.text(context.t("Aucune grille en vigueur : tout le monde paie le prix public.", "No grid in force: everyone pays the public price.")))),
            grids.isEmpty ? .empty : .section(.class("panel"),
                .h2(.text(context.t("Toutes les grilles", "All grids"))),
                .ul(.forEach(grids) { record in
                    .li(.text("\(record.name) — " + context.t("du ", "from ") + CalendarDay(date: record.validFrom).french
                              + (record.validTo.map { context.t(" au ", " to ") + CalendarDay(date: $0).french } ?? "")
                              + " — " + (record.effortPermille.map { context.t("taux d'effort \($0) ‰", "effort rate \($0) ‰") } ?? context.t("\(record.draftBrackets.count) tranches", "\(record.draftBrackets.count) brackets"))
                              + (record.draftBrackets.contains { !$0.categories.isEmpty } ? context.t(", avec des prix par catégorie", ", with prices by category") : "")))
                })),
            .if(canManage, .section(.class("panel"),
                .h2(.text(context.t("Nouvelle grille", "New grid"))),
                .p(.class("hint"), .text(context.t("Une grille ne se modifie pas : pour changer les prix, créez-en une nouvelle, qui prend le relais à sa date de début. Les ventes passées gardent leurs prix.",
                                                   "A grid is never edited: create a new one, which takes over on its start date. Past sales keep their prices."))),
                Kit.errorSummary(errors, order: ["name", "validFrom", "validTo", "brackets"]
                                 + (1...5).flatMap { n in ["max\(n)", "price\(n)", "percent\(n)"] + categories.indices.map { TradePagesController.GridForm.cellName(row: n, category: $0) } }
                                 + ["permille", "minPrice"], context: context),
                .form(.id("grid-form"), .action(SiteURL.tariffGrids(coop.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    .group(categoryNameFields),
                    Kit.input(.init(name: "name", label: context.t("Nom", "Name"), value: form.name, error: errors["name"], required: true)),
                    Kit.input(.init(name: "validFrom", label: context.t("Valable à partir du", "Valid from"), value: form.validFrom ?? CalendarDay.today.description, type: .date, error: errors["validFrom"], required: true)),
                    Kit.input(.init(name: "validTo", label: context.t("Jusqu'au (facultatif)", "Until (optional)"), value: form.validTo, type: .date, error: errors["validTo"])),
                    Kit.select(name: "mode", label: context.t("Calcul", "Computation"), options: [("brackets", context.t("Tranches de quotient familial", "Family-quotient brackets")), ("effort", context.t("Taux d'effort", "Effort rate"))],
                               selected: form.mode ?? "brackets", error: errors["brackets"]),
                    .group(rowFields),
                    .fieldset(.class("row-form"),
                        .element(named: "legend", nodes: [.text(context.t("Taux d'effort", "Effort rate"))]),
                        Kit.input(.init(name: "permille", label: context.t("Pour mille du QF", "Per mille of QF"), value: form.permille, error: errors["permille"],
                                        hint: context.t("4 ‰ : un QF de 250 paie 1,00 €.", "4 ‰: a QF of 250 pays €1.00."), inputMode: "numeric")),
                        Kit.input(.init(name: "minPrice", label: context.t("Plancher (€)", "Floor (€)"), value: form.minPrice, error: errors["minPrice"], inputMode: "decimal")),
                        Kit.input(.init(name: "maxPrice", label: context.t("Plafond (€)", "Ceiling (€)"), value: form.maxPrice, error: errors["maxPrice"], inputMode: "decimal"))),
                    Kit.submit(context.t("Créer la grille", "Create the grid"), id: "grid-submit"))))
        ))
    }
}

enum HouseholdsPage {
    /// A proof in force, expiring before the month ends, or expired.
    static var states: [(raw: String, label: String)] { [("valid", "Valable"), ("expiring", "Expire ce mois-ci"), ("expired", "Expiré")] }

    static func state(of household: Household, today: CalendarDay) -> String {
        let until = CalendarDay(date: household.validUntil)
        if until < today { return "expired" }
        return until < CalendarDay(year: today.year, month: today.month, day: 1).adding(months: 1) ? "expiring" : "valid"
    }

    /// The households a list shows: searched by card and checker, filtered by proof state.
    static func page(_ households: [Household], _ filter: ListFilter, today: CalendarDay) -> ListPage<Household> {
        filter.page(of: households.filter { filter.keeps(texts: [$0.card, $0.verifiedByLabel], state: state(of: $0, today: today)) })
    }

    static func render(_ repository: TradeRepository, form: TradePagesController.HouseholdForm, errors: [String: String], created: Household?,
                       filter: ListFilter = ListFilter(), typed: String? = nil, filterErrors: [String: String] = [:],
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let coop = repository.scope.cooperative
        let today = CalendarDay.today
        let page = Self.page(try await repository.households(), filter, today: today)
        let households = page.rows
        let canRegister = repository.scope.allows(.registerHouseholds)
        let canManage = repository.scope.allows(.manageCatalogue)
        let keepsQuotient = try await repository.settings().keepFamilyQuotient
        let title = context.t("Foyers et justificatifs", "Households and proofs")
        return Layout.render(context, title: title, status: status, content: .group(
            coopLink(coop),
            .h1(.text(title)),
            keepsQuotient
                ? .p(.text(context.t("Maillage garde le type de justificatif, ses dates, qui l'a vérifié, la tranche obtenue et le quotient familial (choix de la coordination) ; jamais le document.",
                                     "Maillage keeps the kind of proof, its dates, who checked it, the resulting tier and the family quotient (the coordination's choice); never the document.")))
                : .p(.text(context.t("Maillage garde le type de justificatif, ses dates, qui l'a vérifié et la tranche obtenue ; ni le document ni les revenus.",
                                     "Maillage keeps the kind of proof, its dates, who checked it and the resulting tier; neither the document nor the income."))),
            Kit.listFilterErrors(filterErrors, context: context),
            Kit.listFilterForm(action: SiteURL.households(coop.id!).path, filter: filter, typed: typed,
                               states: states.map { (raw: $0.raw, label: context.language == .french ? $0.label : $0.raw) }, context: context),
            Kit.listSummary(page, singular: context.t("foyer", "household"), plural: context.t("foyers", "households"), context: context),
            households.isEmpty ? Kit.emptyState(filter.isFiltering ? context.t("Aucun foyer ne correspond à cette recherche.", "No household matches this search.")
                                                                   : context.t("Aucun foyer enregistré.", "No household yet.")) :
            Kit.table(label: title,
                .thead(.tr(.th(.text(context.t("Carte", "Card"))), .th(.text(context.t("Tranche", "Tier"))), .th(.text(context.t("Justificatif", "Proof"))),
                           .th(.text(context.t("Valable jusqu'au", "Valid until"))), .th(.text(context.t("Vérifié par", "Checked by"))),
                           .if(keepsQuotient, .th(.text(context.t("Quotient familial", "Family quotient")))),
                           .th(.text(context.t("Carte à imprimer", "Card to print"))))),
                .tbody(.forEach(households) { household in
                    let dto = HouseholdDTO(household, today: today)
                    return .tr(.td(.code(.text(household.card))),
                               .td(.text(Tier(code: dto.tierToday)?.frenchLabel ?? dto.tierToday),
                                   .if(dto.expired, .group(.text(" "), Kit.badge(context.t("justificatif expiré", "proof expired"), tone: .danger)))),
                               .td(.text(ProofKind(rawValue: household.proofKind)?.frenchLabel ?? household.proofKind)),
                               .td(.text(CalendarDay(date: household.validUntil).french)),
                               .td(.text(household.verifiedByLabel)),
                               .if(keepsQuotient, .td(.class("num"), .text(household.familyQuotient.map(String.init) ?? "—"))),
                               .td(.a(.href(SiteURL.householdCard(coop.id!, card: household.card).path),
                                      .attribute(named: "aria-label", value: context.t("Imprimer la carte ", "Print card ") + household.card),
                                      .text(context.t("Imprimer", "Print")))))
                })),
            Kit.pagination(page, path: SiteURL.households(coop.id!).path, typed: typed, filter: filter, context: context),
            .if(canManage, .section(.class("panel"), .id("quotient"),
                .h2(.text(context.t("Quotient familial des foyers", "Households' family quotient"))),
                .p(.class("hint"), .text(context.t("Par défaut, le quotient sert à trouver la tranche puis n'est pas gardé. Gardez-le seulement si un financeur vous demande de le déclarer ; si vous arrêtez, les quotients gardés sont effacés.",
                                                   "By default the quotient finds the tier and is not kept. Keep it only if a funder asks you to report it; stopping erases the quotients kept."))),
                .form(.id("household-settings-form"), .action(SiteURL.householdSettings(coop.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    .input(.type(.hidden), .name("keepFamilyQuotient"), .value(keepsQuotient ? "false" : "true")),
                    .p(.text(keepsQuotient ? context.t("Le quotient familial est gardé.", "The family quotient is kept.")
                                           : context.t("Seule la tranche est gardée.", "Only the tier is kept."))),
                    Kit.submit(keepsQuotient ? context.t("Ne plus garder le quotient (et effacer ceux gardés)", "Stop keeping the quotient (and erase those kept)")
                                             : context.t("Garder le quotient familial des prochains foyers", "Keep the family quotient of the next households"),
                               id: "household-settings-submit")))),
            .if(canRegister, .section(.class("panel"),
                .h2(.text(context.t("Enregistrer un foyer", "Register a household"))),
                Kit.errorSummary(errors, order: ["card", "kind", "familyQuotient", "issuedOn", "validUntil", "proof"], context: context),
                .form(.id("household-form"), .action(SiteURL.households(coop.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.select(name: "kind", label: context.t("Justificatif présenté", "Proof shown"), options: ProofKind.allCases.map { ($0.rawValue, $0.frenchLabel) },
                               selected: form.kind, error: errors["kind"] ?? errors["proof"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.input(.init(name: "familyQuotient", label: context.t("Quotient familial", "Family quotient"), value: form.familyQuotient, error: errors["familyQuotient"],
                                    hint: keepsQuotient ? context.t("Sert à trouver la tranche ; il est gardé (choix de la coordination).", "Used to find the tier; it is kept (the coordination's choice).")
                                                        : context.t("Sert à trouver la tranche ; il n'est pas gardé (sauf taux d'effort).", "Used to find the tier; not kept (except for effort rates)."), inputMode: "numeric")),
                    Kit.input(.init(name: "issuedOn", label: context.t("Date du justificatif", "Date of the proof"), value: form.issuedOn, type: .date, error: errors["issuedOn"],
                                    hint: context.t("Une attestation CAF ou MSA doit avoir moins de 3 mois.", "A CAF or MSA certificate must be less than 3 months old."), required: true)),
                    Kit.input(.init(name: "validUntil", label: context.t("Valable jusqu'au (facultatif)", "Valid until (optional)"), value: form.validUntil, type: .date, error: errors["validUntil"],
                                    hint: context.t("12 mois après la date du justificatif si vous laissez vide.", "12 months after the proof's date if left empty."))),
                    Kit.input(.init(name: "card", label: context.t("Numéro de carte (facultatif)", "Card number (optional)"), value: form.card, error: errors["card"],
                                    hint: context.t("Laissez vide pour en créer un.", "Leave empty to create one."), autocomplete: "off")),
                    Kit.submit(context.t("Enregistrer", "Register"), id: "household-submit"))))
        ))
    }
}

/// A household's card, the size of a bank card, to print and hand over: the cooperative, the
/// code in letters and as a QR code. No name: the till needs none.
enum HouseholdCardPage {
    static func render(cooperative: Cooperative, card: String, context: PageContext) -> Response {
        let title = context.t("Carte foyer ", "Household card ") + card
        let qr = QRCode(card)?.svg(moduleSize: 6, title: context.t("Code QR de la carte ", "QR code of card ") + card) ?? ""
        return Layout.render(context, title: title, content: .group(
            .p(.class("no-print"), .a(.href(SiteURL.households(cooperative.id!).path), .text(context.t("← Foyers et justificatifs", "← Households and proofs")))),
            .h1(.class("no-print"), .text(title)),
            .div(.class("household-card"), .id("household-card"),
                .div(.class("household-card-text"),
                    .p(.class("household-card-coop"), .text(cooperative.name)),
                    .p(.text(context.t("Carte foyer", "Household card"))),
                    .p(.class("household-card-code"), .text(card)),
                    .p(.class("legal"), .text(context.t("À montrer à la caisse : le prix suit votre justificatif en cours.", "Show it at the till: the price follows your current proof.")))),
                .div(.class("household-card-qr"), .markup(Markup(escapedHTML: qr)))),
            .p(.class("no-print"), .text(context.t("Imprimez cette page (Ctrl+P) : la carte sort à la taille d'une carte bancaire. Un lecteur de codes-barres à la caisse lit le code QR et tape le numéro.",
                                                   "Print this page (Ctrl+P): the card comes out bank-card sized. A barcode reader at the till reads the QR code and types the number.")))
        ))
    }
}
