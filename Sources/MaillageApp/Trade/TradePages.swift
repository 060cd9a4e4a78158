import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

/// Catalogue, tariff grids and households: `/coops/:coopID/products…`, `/tariff-grids`,
/// `/households`.
struct TradePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        coop.get("products", use: products)
        coop.post("products", use: createProduct)
        coop.post("products", ":productID", use: toggleProduct)
        coop.get("tariff-grids", use: grids)
        coop.post("tariff-grids", use: createGrid)
        coop.get("households", use: households)
        coop.post("households", use: registerHousehold)
        coop.post("households", "settings", use: saveSettings)
        coop.get("households", ":card", "card", use: householdCard)
    }

    // MARK: Catalogue

    struct ProductForm: Content {
        var name: String?
        var category: String?
        var publicPrice: String?
        var vatRate: String?
    }

    func products(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.viewCatalogue)
        return try await CataloguePage.render(repository, form: ProductForm(), errors: [:], context: request.pageContext())
    }

    func createProduct(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.manageCatalogue)
        let form = try request.content.decode(ProductForm.self)
        return try await FormSubmission.handle {
            let cents = try Self.euros(form.publicPrice, field: "publicPriceCents")
            _ = try await repository.createProduct(ProductDraft(name: form.name, category: form.category, publicPriceCents: cents, vatRate: form.vatRate))
            request.flash(request.language.t("Produit ajouté au catalogue.", "Product added."))
            return request.redirect(to: SiteURL.products(repository.scope.id).path)
        } invalid: { errors in
            try await CataloguePage.render(repository, form: form, errors: errors.reduce(into: [:]) { $0[$1.key == "publicPriceCents" ? "publicPrice" : $1.key] = $1.value },
                                           context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    /// An amount typed in euros; letters are a field error.
    static func euros(_ raw: String?, field: String) throws -> Int? {
        guard let text = TextRules.clean(raw) else { return nil }
        guard let cents = Euros.parse(text) else { throw Problem.invalid(FieldErrors([field: "Un montant s'écrit en euros, par exemple 4,50."])) }
        return cents
    }

    struct ActiveForm: Content { var active: String? }

    func toggleProduct(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.manageCatalogue)
        let form = try request.content.decode(ActiveForm.self)
        _ = try await repository.setProductActive(try request.uuidParameter("productID"), active: form.active == "true")
        request.flash(request.language.t("Catalogue mis à jour.", "Catalogue updated."))
        return request.redirect(to: SiteURL.products(repository.scope.id).path)
    }

    // MARK: Tariff grids

    struct GridForm: Content {
        var name: String?
        var validFrom: String?
        var validTo: String?
        var mode: String?
        var max1: String?, price1: String?, percent1: String?
        var max2: String?, price2: String?, percent2: String?
        var max3: String?, price3: String?, percent3: String?
        var max4: String?, price4: String?, percent4: String?
        var max5: String?, price5: String?, percent5: String?
        var permille: String?
        var minPrice: String?
        var maxPrice: String?
        /// Each bracket's own price for a category, as typed: `cat{row}_{k}` → "1,00" or "30 %",
        /// the category being `catname_{k}` (fields named at run time, read apart).
        var categoryCells: [String: String]?

        var rows: [(max: String?, price: String?, percent: String?)] {
            [(max1, price1, percent1), (max2, price2, percent2), (max3, price3, percent3), (max4, price4, percent4), (max5, price5, percent5)]
        }

        static let rowCount = 5

        static func cellName(row: Int, category index: Int) -> String { "cat\(row)_\(index)" }
    }

    func grids(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.viewCatalogue)
        return try await TariffGridsPage.render(repository, form: GridForm(), errors: [:], context: request.pageContext())
    }

    /// A category cell: "1,00" (€) is a fixed price, "30 %" a percentage of the public price.
    static func categoryCell(_ text: String) -> (priceCents: Int?, percent: Int?)? {
        if text.hasSuffix("%") {
            return Int(String(text.dropLast()).trimmingWhitespace()).map { (nil, $0) }
        }
        let amount = text.hasSuffix("€") ? String(text.dropLast()).trimmingWhitespace() : text
        return Euros.parse(amount).map { ($0, nil) }
    }

    func createGrid(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.manageCatalogue)
        var form = try request.content.decode(GridForm.self)
        let fields = (try? request.content.decode([String: String].self)) ?? [:]
        form.categoryCells = fields.filter { $0.key.hasPrefix("cat") }
        /// The API's field names (`brackets[0].categories[1]`) → the form's (`cat1_3`).
        var formFields: [String: String] = [:]
        return try await FormSubmission.handle {
            var errors = FieldErrors()
            func integer(_ raw: String?, _ field: String) -> Int? {
                guard let text = TextRules.clean(raw) else { return nil }
                guard let value = Int(text) else { errors.add(field, "Écrivez un nombre entier."); return nil }
                return value
            }
            func amount(_ raw: String?, _ field: String) -> Int? {
                guard let text = TextRules.clean(raw) else { return nil }
                guard let cents = Euros.parse(text) else { errors.add(field, "Un montant s'écrit en euros, par exemple 1,00."); return nil }
                return cents
            }
            var brackets: [TariffGridDraft.BracketDraft] = []
            var effort: TariffGrid.EffortRate?
            if form.mode == "effort" {
                effort = TariffGrid.EffortRate(permille: integer(form.permille, "effortRate.permille") ?? 0,
                                               minCents: amount(form.minPrice, "effortRate") ?? 0, maxCents: amount(form.maxPrice, "effortRate") ?? -1)
            } else {
                let categoryNames = fields.filter { $0.key.hasPrefix("catname_") }.compactMap { field in Int(field.key.dropFirst(8)).map { ($0, field.value) } }.sorted { $0.0 < $1.0 }
                for (index, row) in form.rows.enumerated() {
                    let n = index + 1
                    let bracketField = "brackets[\(brackets.count)]"
                    formFields[bracketField + ".maxFamilyQuotient"] = "max\(n)"
                    formFields[bracketField] = "price\(n)"
                    let (max, price, percent) = (integer(row.max, "max\(n)"), amount(row.price, "price\(n)"), integer(row.percent, "percent\(n)"))
                    var categories: [TariffGridDraft.CategoryDraft] = []
                    for (k, name) in categoryNames {
                        let cell = GridForm.cellName(row: n, category: k)
                        guard let text = TextRules.clean(fields[cell]) else { continue }
                        guard let parsed = Self.categoryCell(text) else {
                            errors.add(cell, "Écrivez un prix en euros (1,00) ou un pourcentage du prix public (30 %).")
                            continue
                        }
                        formFields[bracketField + ".categories[\(categories.count)]"] = cell
                        formFields[bracketField + ".categories[\(categories.count)].category"] = cell
                        categories.append(.init(category: name, priceCents: parsed.priceCents, percentOfPublic: parsed.percent))
                    }
                    if max == nil && price == nil && percent == nil && categories.isEmpty && TextRules.clean(row.max) == nil { continue }
                    brackets.append(.init(maxFamilyQuotient: max, priceCents: price, percentOfPublic: percent, categories: categories))
                }
            }
            try errors.throwIfAny()
            _ = try await repository.createGrid(TariffGridDraft(name: form.name, validFrom: form.validFrom, validTo: form.validTo, brackets: brackets, effortRate: effort), request: request)
            request.flash(request.language.t("Grille tarifaire créée.", "Tariff grid created."))
            return request.redirect(to: SiteURL.tariffGrids(repository.scope.id).path)
        } invalid: { errors in
            try await TariffGridsPage.render(repository, form: form, errors: TariffGridsPage.formKeys(errors, formFields: formFields),
                                            context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    // MARK: Households

    struct HouseholdForm: Content {
        var card: String?
        var kind: String?
        var familyQuotient: String?
        var issuedOn: String?
        var validUntil: String?
    }

    func households(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.viewCatalogue)
        let (filter, filterErrors) = request.pageListFilter(states: HouseholdsPage.states)
        return try await HouseholdsPage.render(repository, form: HouseholdForm(), errors: [:], created: nil, filter: filter,
                                               typed: filterErrors.isEmpty ? request.query[String.self, at: "q"] : nil, filterErrors: filterErrors,
                                               context: request.pageContext(), status: filterErrors.isEmpty ? .ok : .unprocessableEntity)
    }

    func registerHousehold(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.registerHouseholds)
        let form = try request.content.decode(HouseholdForm.self)
        return try await FormSubmission.handle {
            let qf = try TextRules.clean(form.familyQuotient).map { text -> Int in
                guard let value = Int(text) else { throw Problem.invalid(FieldErrors(["proof.familyQuotient": "Le quotient familial s'écrit en chiffres, par exemple 520."])) }
                return value
            }
            let household = try await repository.registerHousehold(card: form.card, proof: ProofDraft(kind: form.kind, familyQuotient: qf, issuedOn: form.issuedOn, validUntil: form.validUntil), today: .today)
            request.flash(request.language.t("Carte ", "Card ") + household.card + request.language.t(" enregistrée : ", " registered: ") + (Tier(code: household.tier)?.frenchLabel ?? household.tier) + ".")
            return request.redirect(to: SiteURL.households(repository.scope.id).path)
        } invalid: { errors in
            try await HouseholdsPage.render(repository, form: form, errors: errors.reduce(into: [:]) { $0[$1.key.replacingOccurrences(of: "proof.", with: "")] = $1.value },
                                            created: nil, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    struct SettingsForm: Content { var keepFamilyQuotient: String? }

    func saveSettings(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.manageCatalogue)
        let form = try request.content.decode(SettingsForm.self)
        let keep = form.keepFamilyQuotient == "true"
        _ = try await repository.saveSettings(keepFamilyQuotient: keep)
        request.flash(keep ? request.language.t("Le quotient familial des prochains foyers sera gardé.", "The family quotient of the next households will be kept.")
                           : request.language.t("Seule la tranche est gardée ; les quotients gardés jusqu'ici sont effacés.", "Only the tier is kept; the quotients kept so far are erased."))
        return request.redirect(to: SiteURL.households(repository.scope.id).path)
    }

    /// The household's card, to print: its code in letters and as a QR code for a scanner.
    func householdCard(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.viewCatalogue)
        let household = try await repository.household(card: request.parameters.get("card") ?? "")
        return HouseholdCardPage.render(cooperative: repository.scope.cooperative, card: household.card, context: request.pageContext())
    }
}
