import Fluent
import Foundation
import MaillageCore
import Vapor

// MARK: JSON shapes (binding names: see docs/openapi.yaml)

struct LocalDefinitionDTO: Content, Equatable {
    var kind: String?
    var km: Int?

    init(kind: String?, km: Int? = nil) {
        self.kind = kind
        self.km = km
    }

    init(_ definition: LocalDefinition) {
        kind = definition.kind.rawValue
        km = definition.km
    }

    var draft: LocalDefinitionDraft { LocalDefinitionDraft(kind: kind, km: km) }
}

struct SupplierDTO: Content {
    var id: UUID
    var name: String
    var siret: String?
    /// Absent for a supplier created by an import, until completed.
    var kind: String?
    var address: String?
    var postalCode: String?
    var commune: String?
    var departement: String?
    var region: String?
    var distanceKm: Double?
    var latitude: Double?
    var longitude: Double?
    var qpvCode: String?
    var inQpv: Bool
    var intermediaries: Int?
    var shortCircuit: Bool
    var labels: [String]
    var localDefinition: LocalDefinitionDTO?
    var defaultFamily: String?
    var contactName: String?
    var contactEmail: String?
    var contactPhone: String?

    init(_ supplier: Supplier) {
        id = supplier.id!
        name = supplier.name
        siret = supplier.siret
        kind = supplier.kind
        address = supplier.address
        postalCode = supplier.postalCode
        commune = supplier.commune
        departement = supplier.departement
        region = supplier.region
        distanceKm = supplier.distanceKm
        latitude = supplier.latitude
        longitude = supplier.longitude
        qpvCode = supplier.qpvCode
        inQpv = supplier.inQpv
        intermediaries = supplier.intermediaries
        shortCircuit = supplier.labelList.contains(.shortCircuit)
        labels = supplier.labelList.map(\.rawValue)
        localDefinition = supplier.localDefinition.map(LocalDefinitionDTO.init)
        defaultFamily = supplier.defaultFamily
        contactName = supplier.contactName
        contactEmail = supplier.contactEmail
        contactPhone = supplier.contactPhone
    }
}

struct SupplierBody: Decodable {
    var name: String?
    var siret: String?
    var kind: String?
    var address: String?
    var postalCode: String?
    var commune: String?
    var distanceKm: Double?
    var latitude: Double?
    var longitude: Double?
    var qpvCode: String?
    var intermediaries: Int?
    var labels: [String]?
    var localDefinition: LocalDefinitionDTO?
    var defaultFamily: String?
    var contactName: String?
    var contactEmail: String?
    var contactPhone: String?

    var draft: SupplierDraft {
        SupplierDraft(name: name, siret: siret, kind: kind, address: address, postalCode: postalCode, commune: commune, distanceKm: distanceKm,
                      latitude: latitude, longitude: longitude, qpvCode: qpvCode, intermediaries: intermediaries, labels: labels ?? [],
                      localDefinition: localDefinition?.draft, defaultFamily: defaultFamily,
                      contactName: contactName, contactEmail: contactEmail, contactPhone: contactPhone)
    }

    /// The fields sent replace the supplier's; those left out keep their value (an empty
    /// string clears a text).
    func patch(_ current: SupplierDraft) -> SupplierDraft {
        var draft = current
        if let name { draft.name = name }
        if let siret { draft.siret = siret }
        if let kind { draft.kind = kind }
        if let address { draft.address = address }
        if let postalCode { draft.postalCode = postalCode }
        if let commune { draft.commune = commune }
        if let distanceKm { draft.distanceKm = distanceKm }
        if let latitude { draft.latitude = latitude }
        if let longitude { draft.longitude = longitude }
        if let qpvCode { draft.qpvCode = qpvCode }
        if let intermediaries { draft.intermediaries = intermediaries }
        if let labels { draft.labels = labels }
        if let localDefinition { draft.localDefinition = localDefinition.kind == nil ? nil : localDefinition.draft }
        if let defaultFamily { draft.defaultFamily = defaultFamily }
        if let contactName { draft.contactName = contactName }
        if let contactEmail { draft.contactEmail = contactEmail }
        if let contactPhone { draft.contactPhone = contactPhone }
        return draft
    }
}

struct PurchaseLineDTO: Content {
    var description: String
    var family: String
    var priceCents: Int
    var quantity: Double?
    var unit: String?
    var characteristics: [String]
    var localDefinition: LocalDefinitionDTO?
    /// `bio`, `official-quality`, `other-egalim` or `none`.
    var egalim: String

    init(_ line: PurchaseLine) {
        description = line.description
        family = line.family
        priceCents = line.priceCents
        quantity = line.quantity
        unit = line.unit
        characteristics = line.characteristicList.map(\.rawValue)
        localDefinition = line.localDefinition.map(LocalDefinitionDTO.init)
        egalim = line.egalim
    }
}

struct PurchaseDTO: Content {
    struct Attachment: Content {
        var name: String
        var contentType: String
        var url: String
    }
    var id: UUID
    var supplierID: UUID
    var supplierName: String
    var date: String
    var reference: String?
    var totalCents: Int
    var source: String
    var createdBy: String
    var attachment: Attachment?
    var lines: [PurchaseLineDTO]?

    init(_ purchase: Purchase, supplierName: String, lines: [PurchaseLine]?) {
        id = purchase.id!
        supplierID = purchase.supplierID
        self.supplierName = supplierName
        date = CalendarDay(date: purchase.date).description
        reference = purchase.reference
        totalCents = purchase.totalCents
        source = purchase.source
        createdBy = purchase.authorLabel
        attachment = purchase.attachmentName.map {
            Attachment(name: $0, contentType: purchase.attachmentType ?? "application/octet-stream",
                       url: "/api/v1/coops/\(purchase.cooperativeID.uuidString.lowercased())/purchases/\(purchase.id!.uuidString.lowercased())/attachment")
        }
        self.lines = lines?.map(PurchaseLineDTO.init)
    }
}

struct PurchaseBody: Decodable {
    struct Line: Decodable {
        var description: String?
        var family: String?
        var priceCents: Int?
        var quantity: Double?
        var unit: String?
        var characteristics: [String]?
        var localDefinition: LocalDefinitionDTO?
    }
    var supplierID: String?
    var date: String?
    var reference: String?
    var lines: [Line]?

    var draft: PurchaseDraft {
        PurchaseDraft(date: date, reference: reference, lines: (lines ?? []).map {
            PurchaseLineDraft(description: $0.description, family: $0.family, priceCents: $0.priceCents, quantity: $0.quantity, unit: $0.unit,
                              characteristics: $0.characteristics, localDefinition: $0.localDefinition?.draft)
        })
    }
}

struct ImportResultDTO: Content {
    var dryRun: Bool
    /// Lines read without a problem (saved unless `dryRun`).
    var imported: Int
    var purchases: Int
    var newSuppliers: [String]
    var errors: [PurchaseFile.Problem]
}

struct SourcingIndicatorsDTO: Content {
    struct Part: Content {
        var key: String
        var label: String
        var totalCents: Int
        var egalimCents: Int
        var bioCents: Int
        var localCents: Int
        /// Of the period's total.
        var share: Double?
    }
    struct Targets: Content {
        var egalim: Double
        var bio: Double
    }
    var from: String
    var to: String
    var localDefinition: LocalDefinitionDTO
    var totalCents: Int
    var egalimCents: Int
    var egalimShare: Double?
    var bioCents: Int
    var bioShare: Double?
    var officialQualityCents: Int
    var meatFishEgalimShare: Double?
    var localShare: Double?
    var shortCircuitShare: Double?
    var qpvShare: Double?
    var essShare: Double?
    var targets: Targets
    var byFamily: [Part]
    var bySupplier: [Part]

    init(_ figures: SourcingIndicators, from: CalendarDay, to: CalendarDay, local: LocalDefinition) {
        self.from = from.description
        self.to = to.description
        localDefinition = LocalDefinitionDTO(local)
        totalCents = figures.totalCents
        egalimCents = figures.egalimCents
        egalimShare = figures.egalimShare
        bioCents = figures.bioCents
        bioShare = figures.bioShare
        officialQualityCents = figures.officialQualityCents
        meatFishEgalimShare = figures.meatFishEgalimShare
        localShare = figures.localShare
        shortCircuitShare = figures.shortCircuitShare
        qpvShare = figures.qpvShare
        essShare = figures.essShare
        targets = Targets(egalim: SourcingIndicators.egalimTarget, bio: SourcingIndicators.bioTarget)
        func part(_ key: String, _ label: String, _ part: SourcingIndicators.Part) -> Part {
            Part(key: key, label: label, totalCents: part.totalCents, egalimCents: part.egalimCents, bioCents: part.bioCents,
                 localCents: part.localCents, share: figures.share(part.totalCents))
        }
        byFamily = ProductFamily.allCases.compactMap { family in figures.byFamily[family].map { part(family.rawValue, family.frenchLabel, $0) } }
        bySupplier = figures.bySupplier.sorted { ($0.value.totalCents, $1.key.name) > ($1.value.totalCents, $0.key.name) }
            .map { part($0.key.id.lowercased(), $0.key.name, $0.value) }
    }
}

struct SourcingSettingsDTO: Content {
    var localDefinition: LocalDefinitionDTO
}

struct RecipeDTO: Content {
    var id: UUID
    var name: String
    var portions: Int
    var productID: UUID?
    var ingredients: [RecipeDraft.IngredientDraft]

    init(_ recipe: Recipe) {
        id = recipe.id!
        name = recipe.name
        portions = recipe.portions
        productID = recipe.productID
        ingredients = (try? JSONDecoder().decode([RecipeDraft.IngredientDraft].self, from: Data(recipe.ingredients.utf8))) ?? []
    }
}

struct RecipeBody: Decodable {
    var name: String?
    var portions: Int?
    var productID: String?
    var ingredients: [RecipeDraft.IngredientDraft]?
}

struct RecipeCostDTO: Content {
    struct Source: Content {
        var purchaseID: UUID
        var date: String
        var description: String
        var supplier: String
        /// Price of one purchase unit, excluding VAT, in cents (may have decimals).
        var unitPriceCents: Double
    }
    struct Ingredient: Content {
        var name: String
        var quantity: Double
        var usageUnit: String?
        var costCents: Int?
        var source: Source?
    }
    struct ProductRef: Content {
        var id: UUID
        var name: String
        var publicPriceCents: Int
    }
    struct TierLine: Content {
        var tier: String
        var label: String
        var priceCents: Int
        /// Price paid excluding VAT less the portion's cost.
        var marginCents: Int
    }
    var recipeID: UUID
    var name: String
    var portions: Int
    var totalCents: Int
    var portionCents: Int
    /// False when an ingredient was never bought: the cost is then a lower bound.
    var complete: Bool
    var ingredients: [Ingredient]
    var product: ProductRef?
    var tiers: [TierLine]

    init(_ cost: SourcingRepository.RecipeCost) {
        recipeID = cost.recipe.id!
        name = cost.recipe.name
        portions = cost.recipe.portions
        totalCents = cost.result.totalCents
        portionCents = cost.result.portionCents
        complete = cost.result.unpriced.isEmpty
        ingredients = cost.items.map { item in
            Ingredient(name: item.ingredient.name ?? "", quantity: item.ingredient.quantity ?? 0, usageUnit: item.ingredient.usageUnit, costCents: item.costCents,
                       source: item.source.map { Source(purchaseID: $0.line.purchaseID, date: CalendarDay(date: $0.line.date).description,
                                                        description: $0.line.description, supplier: $0.supplier, unitPriceCents: $0.unitPriceCents) })
        }
        product = cost.product.map { ProductRef(id: $0.id!, name: $0.name, publicPriceCents: $0.publicPriceCents) }
        tiers = cost.tiers.map { TierLine(tier: $0.tier.description, label: $0.tier.frenchLabel, priceCents: $0.priceCents, marginCents: $0.marginCents) }
    }
}

/// A period from `from`/`to` or `year`; by default this calendar year.
struct PeriodQuery: Content {
    var from: String?
    var to: String?
    var year: Int?

    func period(today: CalendarDay) throws -> (from: CalendarDay, to: CalendarDay) {
        var errors = FieldErrors()
        if let year {
            guard (2000...2100).contains(year) else { throw Problem.invalid(FieldErrors(["year": "L'année va de 2000 à 2100."])) }
            return (CalendarDay(year: year, month: 1, day: 1), CalendarDay(year: year, month: 12, day: 31))
        }
        let from = CalendarDay.parse(from, field: "from", subject: "Le début de la période", fallback: CalendarDay(year: today.year, month: 1, day: 1), latest: nil, into: &errors)
        let to = CalendarDay.parse(to, field: "to", subject: "La fin de la période", fallback: CalendarDay(year: today.year, month: 12, day: 31), latest: nil, into: &errors)
        if let from, let to, from > to { errors.add("from", "Le début de la période doit précéder sa fin.") }
        try errors.throwIfAny()
        return (from!, to!)
    }
}

// MARK: Routes

/// `/api/v1/coops/:coopID/suppliers`, `…/purchases`, `…/sourcing/indicators`, `…/recipes`.
struct SourcingAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        coop.get("suppliers", use: suppliers)
        coop.post("suppliers", use: createSupplier)
        coop.get("suppliers", ":supplierID", use: supplier)
        coop.patch("suppliers", ":supplierID", use: updateSupplier)
        coop.get("purchases", use: purchases)
        coop.post("purchases", use: createPurchase)
        coop.on(.POST, "purchases", "import", body: .collect(maxSize: UploadLimit.purchasesFile), use: importFile)
        coop.get("purchases", "export", use: exportFile)
        coop.get("purchases", ":purchaseID", use: purchase)
        coop.on(.PUT, "purchases", ":purchaseID", "attachment", body: .collect(maxSize: UploadLimit.attachment), use: attach)
        coop.get("purchases", ":purchaseID", "attachment", use: attachment)
        coop.get("sourcing", "indicators", use: indicators)
        coop.get("sourcing-settings", use: settings)
        coop.put("sourcing-settings", use: saveSettings)
        coop.get("recipes", use: recipes)
        coop.post("recipes", use: createRecipe)
        coop.get("recipes", ":recipeID", use: recipe)
        coop.get("recipes", ":recipeID", "cost", use: cost)
    }

    func suppliers(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let page = SuppliersPage.page(try await repository.suppliers(), try request.apiListFilter(states: SuppliersPage.kinds))
        return try Idempotency.encode(status: .ok, body: Page(items: page.rows.map(SupplierDTO.init), nextCursor: page.hasNext ? String(page.page + 1) : nil))
    }

    func createSupplier(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let body = try request.decodeJSON(SupplierBody.self)
        return try Idempotency.encode(status: .created, body: SupplierDTO(try await repository.createSupplier(body.draft)))
    }

    func supplier(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        return try Idempotency.encode(status: .ok, body: SupplierDTO(try await repository.supplier(try request.uuidParameter("supplierID"))))
    }

    func updateSupplier(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let id = try request.uuidParameter("supplierID")
        let body = try request.decodeJSON(SupplierBody.self)
        let current = try await repository.supplier(id)
        return try Idempotency.encode(status: .ok, body: SupplierDTO(try await repository.updateSupplier(id, body.patch(current.draft))))
    }

    func purchases(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let (from, to) = try request.query.decode(PeriodQuery.self).period(today: .today)
        let names = Dictionary(uniqueKeysWithValues: try await repository.suppliers().map { ($0.id!, $0.name) })
        let page = PurchasesPage.page(try await repository.purchases(from: from, to: to), names: names, try request.apiListFilter(states: []))
        let items = page.rows.map { PurchaseDTO($0, supplierName: names[$0.supplierID] ?? "", lines: nil) }
        return try Idempotency.encode(status: .ok, body: Page(items: items, nextCursor: page.hasNext ? String(page.page + 1) : nil))
    }

    func createPurchase(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let body = try request.decodeJSON(PurchaseBody.self)
        let supplierID = try body.supplierID.map { raw -> UUID in
            guard let id = UUID(uuidString: raw) else { throw Problem.invalid(FieldErrors(["supplierID": "Ce fournisseur n'existe pas dans la coopérative."])) }
            return id
        }
        let (purchase, lines) = try await repository.createPurchase(supplierID: supplierID, body.draft, source: "api", today: .today)
        let supplier = try await repository.supplier(purchase.supplierID)
        return try Idempotency.encode(status: .created, body: PurchaseDTO(purchase, supplierName: supplier.name, lines: lines))
    }

    func purchase(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let (purchase, lines) = try await repository.purchase(try request.uuidParameter("purchaseID"))
        let supplier = try await repository.supplier(purchase.supplierID)
        return try Idempotency.encode(status: .ok, body: PurchaseDTO(purchase, supplierName: supplier.name, lines: lines))
    }

    struct ImportQuery: Content { var dryRun: String? }

    func importFile(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let dryRun = try request.query.decode(ImportQuery.self).dryRun.map { $0 != "false" } ?? true
        guard let buffer = request.body.data, buffer.readableBytes > 0 else {
            throw Problem.malformedBody("Le corps est vide : envoyez le fichier CSV (text/csv).")
        }
        guard let text = String(data: Data(buffer: buffer), encoding: .utf8) else {
            throw Problem.invalid(FieldErrors(["file": "Le fichier doit être encodé en UTF-8 (enregistrez-le en « CSV UTF-8 »)."]))
        }
        let result = try await repository.importFile(text, dryRun: dryRun, today: .today)
        let dto = ImportResultDTO(dryRun: dryRun, imported: result.imported, purchases: result.purchases, newSuppliers: result.newSuppliers, errors: result.problems)
        guard !result.problems.isEmpty, !dryRun else { return try Idempotency.encode(status: .ok, body: dto) }
        // Nothing was saved: a problem document that also carries every line's error.
        struct Refusal: Encodable {
            var type = "about:blank", title = "Données invalides", status = 422
            var detail: String
            var dryRun: Bool, imported: Int, purchases: Int, newSuppliers: [String], errors: [PurchaseFile.Problem]
        }
        let refusal = Refusal(detail: "Le fichier a \(result.problems.count) erreur(s) : rien n'a été importé.", dryRun: false, imported: 0,
                              purchases: 0, newSuppliers: result.newSuppliers, errors: result.problems)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
        return Response(status: .unprocessableEntity, headers: headers, body: .init(data: try JSONEncoder.api.encode(refusal)))
    }

    struct YearQuery: Content { var year: Int? }

    func exportFile(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let year = try request.query.decode(YearQuery.self).year ?? CalendarDay.today.year
        guard (2000...2100).contains(year) else { throw Problem.invalid(FieldErrors(["year": "L'année va de 2000 à 2100."])) }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"achats-\(year).csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: try await repository.exportFile(year: year)))
    }

    func attach(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let bytes = request.body.data.map { Data(buffer: $0) } ?? Data()
        let name = request.headers.first(name: "X-Filename") ?? request.headers.contentDisposition?.filename
        let purchase = try await repository.attach(bytes, name: name, to: try request.uuidParameter("purchaseID"))
        let supplier = try await repository.supplier(purchase.supplierID)
        return try Idempotency.encode(status: .ok, body: PurchaseDTO(purchase, supplierName: supplier.name, lines: nil))
    }

    func attachment(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        return Self.download(try await repository.attachment(of: try request.uuidParameter("purchaseID")))
    }

    static func download(_ file: (name: String, type: String, bytes: Data)) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: file.type)
        // An ASCII name for old clients, the real one (accents included) per RFC 6266.
        let ascii = String(file.name.map { $0.isASCII ? $0 : "_" })
        let encoded = file.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ascii
        headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: .init(data: file.bytes))
    }

    func indicators(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.viewSourcingIndicators)
        let (from, to) = try request.query.decode(PeriodQuery.self).period(today: .today)
        let figures = try await repository.indicators(from: from, to: to)
        return try Idempotency.encode(status: .ok, body: SourcingIndicatorsDTO(figures, from: from, to: to, local: try await repository.settings().localDefinition))
    }

    func settings(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.viewSourcingIndicators)
        return try Idempotency.encode(status: .ok, body: SourcingSettingsDTO(localDefinition: LocalDefinitionDTO(try await repository.settings().localDefinition)))
    }

    func saveSettings(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.manageSourcing)
        let body = try request.decodeJSON(SourcingSettingsDTO.self)
        let settings = try await repository.saveSettings(body.localDefinition.draft)
        return try Idempotency.encode(status: .ok, body: SourcingSettingsDTO(localDefinition: LocalDefinitionDTO(settings.localDefinition)))
    }

    func recipes(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        return try Idempotency.encode(status: .ok, body: Page(items: try await repository.recipes().map(RecipeDTO.init), nextCursor: nil))
    }

    func createRecipe(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let body = try request.decodeJSON(RecipeBody.self)
        let productID = try body.productID.map { raw -> UUID in
            guard let id = UUID(uuidString: raw) else { throw Problem.invalid(FieldErrors(["productID": "Ce produit n'est pas au catalogue de la coopérative."])) }
            return id
        }
        let recipe = try await repository.createRecipe(RecipeDraft(name: body.name, portions: body.portions, ingredients: body.ingredients ?? []), productID: productID)
        return try Idempotency.encode(status: .created, body: RecipeDTO(recipe))
    }

    func recipe(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        return try Idempotency.encode(status: .ok, body: RecipeDTO(try await repository.recipe(try request.uuidParameter("recipeID"))))
    }

    func cost(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        return try Idempotency.encode(status: .ok, body: RecipeCostDTO(try await repository.cost(of: try request.uuidParameter("recipeID"), today: .today)))
    }
}
