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

        var rows: [(max: String?, price: String?, percent: String?)] {
            [(max1, price1, percent1), (max2, price2, percent2), (max3, price3, percent3), (max4, price4, percent4), (max5, price5, percent5)]
        }

        static let rowCount = 5
    }

    func grids(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.viewCatalogue)
        return try await TariffGridsPage.render(repository, form: GridForm(), errors: [:], context: request.pageContext())
    }

    func createGrid(request: Request) async throws -> Response {
        let repository = try await request.tradeRepository(.manageCatalogue)
        let form = try request.content.decode(GridForm.self)
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
                for (index, row) in form.rows.enumerated() {
                    let (max, price, percent) = (integer(row.max, "brackets[\(index)].maxFamilyQuotient"), amount(row.price, "brackets[\(index)]"), integer(row.percent, "brackets[\(index)]"))
                    if max == nil && price == nil && percent == nil && TextRules.clean(row.max) == nil { continue }
                    brackets.append(.init(maxFamilyQuotient: max, priceCents: price, percentOfPublic: percent))
                }
            }
            try errors.throwIfAny()
            _ = try await repository.createGrid(TariffGridDraft(name: form.name, validFrom: form.validFrom, validTo: form.validTo, brackets: brackets, effortRate: effort), request: request)
            request.flash(request.language.t("Grille tarifaire créée.", "Tariff grid created."))
            return request.redirect(to: SiteURL.tariffGrids(repository.scope.id).path)
        } invalid: { errors in
            try await TariffGridsPage.render(repository, form: form, errors: TariffGridsPage.formKeys(errors), context: request.pageContext(), status: .unprocessableEntity)
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
        return try await HouseholdsPage.render(repository, form: HouseholdForm(), errors: [:], created: nil, context: request.pageContext())
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
}
