import Fluent
import Foundation
import MaillageCore
import SQLKit
import Vapor

/// Suppliers, purchases, imports and exports, indicators and recipes of one cooperative.
struct SourcingRepository: Sendable {
    let db: any Database
    let scope: CooperativeScope

    // MARK: Suppliers

    func suppliers() async throws -> [Supplier] {
        try scope.require(.purchase)
        return try await Supplier.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$name).all()
    }

    func supplier(_ id: UUID) async throws -> Supplier {
        try scope.require(.purchase)
        guard let supplier = try await Supplier.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$id == id).first() else { throw Problem.notFound }
        return supplier
    }

    func createSupplier(_ draft: SupplierDraft) async throws -> Supplier {
        try scope.require(.purchase)
        var errors = FieldErrors()
        var valid: SupplierDraft.Valid?
        do { valid = try draft.validate() } catch { errors.merge(error) }
        // Names are matched whatever their capitals, as the purchases file matches them.
        if let name = TextRules.clean(draft.name)?.lowercased(),
           try await Supplier.query(on: db).filter(\.$cooperativeID == scope.id).all().contains(where: { $0.name.lowercased() == name }) {
            errors.add("name", "Un fournisseur porte déjà ce nom.")
        }
        try errors.throwIfAny()
        let supplier = Supplier()
        supplier.cooperativeID = scope.id
        Self.fill(supplier, with: valid!)
        try await supplier.create(on: db)
        return supplier
    }

    /// Completes or corrects a supplier (one created by an import has no kind yet). Its past
    /// lines keep the characteristics they were bought with.
    func updateSupplier(_ id: UUID, _ draft: SupplierDraft) async throws -> Supplier {
        let supplier = try await supplier(id)
        var errors = FieldErrors()
        var valid: SupplierDraft.Valid?
        do { valid = try draft.validate() } catch { errors.merge(error) }
        if let name = TextRules.clean(draft.name)?.lowercased(),
           try await Supplier.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$id != id).all().contains(where: { $0.name.lowercased() == name }) {
            errors.add("name", "Un fournisseur porte déjà ce nom.")
        }
        try errors.throwIfAny()
        Self.fill(supplier, with: valid!)
        try await supplier.save(on: db)
        return supplier
    }

    static func fill(_ supplier: Supplier, with valid: SupplierDraft.Valid) {
        supplier.name = valid.name
        supplier.siret = valid.siret
        supplier.kind = valid.kind.rawValue
        supplier.address = valid.address
        supplier.postalCode = valid.postalCode
        supplier.commune = valid.commune
        supplier.departement = valid.departement
        supplier.region = valid.region
        supplier.distanceKm = valid.distanceKm
        supplier.latitude = valid.latitude
        supplier.longitude = valid.longitude
        supplier.qpvCode = valid.qpvCode
        supplier.intermediaries = valid.intermediaries
        supplier.labels = valid.labels.map(\.rawValue).joined(separator: ",")
        supplier.localKind = valid.localDefinition?.kind.rawValue
        supplier.localKm = valid.localDefinition?.km
        supplier.defaultFamily = valid.defaultFamily?.rawValue
        supplier.contactName = valid.contactName
        supplier.contactEmail = valid.contactEmail
        supplier.contactPhone = valid.contactPhone
    }

    // MARK: Purchases

    func purchases(from: CalendarDay, to: CalendarDay) async throws -> [Purchase] {
        try scope.require(.purchase)
        return try await Purchase.query(on: db).filter(\.$cooperativeID == scope.id)
            .filter(\.$date >= from.date).filter(\.$date < to.adding(days: 1).date)
            .sort(\.$date, .descending).sort(\.$createdAt, .descending).all()
    }

    func purchase(_ id: UUID) async throws -> (Purchase, [PurchaseLine]) {
        try scope.require(.purchase)
        guard let purchase = try await Purchase.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$id == id).first() else { throw Problem.notFound }
        let lines = try await PurchaseLine.query(on: db).filter(\.$purchaseID == id).sort(\.$position).all()
        return (purchase, lines)
    }

    /// Records an invoice and its lines at once; lines without characteristics take the
    /// supplier's.
    func createPurchase(supplierID: UUID?, _ draft: PurchaseDraft, source: String, today: CalendarDay) async throws -> (Purchase, [PurchaseLine]) {
        try scope.require(.purchase)
        var errors = FieldErrors()
        var supplier: Supplier?
        if let supplierID {
            supplier = try await Supplier.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$id == supplierID).first()
            if supplier == nil { errors.add("supplierID", "Ce fournisseur n'existe pas dans la coopérative.") }
        } else {
            errors.add("supplierID", "Choisissez le fournisseur.")
        }
        var valid: PurchaseDraft.Valid?
        do { valid = try draft.validate(today: today, defaults: supplier?.defaults ?? .none) } catch { errors.merge(error) }
        try errors.throwIfAny()
        let author = scope.principal.name
        let cooperativeID = scope.id
        let (checked, seller) = (valid!, supplier!)
        return try await db.transaction { db in
            try await Self.insert(checked, supplier: seller, cooperativeID: cooperativeID, source: source, author: author, on: db)
        }
    }

    static func insert(_ valid: PurchaseDraft.Valid, supplier: Supplier, cooperativeID: UUID, source: String, author: String,
                       on db: any Database) async throws -> (Purchase, [PurchaseLine]) {
        let purchase = Purchase()
        purchase.cooperativeID = cooperativeID
        purchase.supplierID = supplier.id!
        purchase.date = valid.date.date
        purchase.reference = valid.reference
        purchase.totalCents = valid.totalCents
        purchase.source = source
        purchase.authorLabel = author
        try await purchase.create(on: db)
        var lines: [PurchaseLine] = []
        for (index, item) in valid.lines.enumerated() {
            let line = PurchaseLine()
            line.purchaseID = purchase.id!
            line.cooperativeID = cooperativeID
            line.supplierID = supplier.id!
            line.date = valid.date.date
            line.position = index
            line.description = item.description
            line.family = item.family.rawValue
            line.priceCents = item.priceCents
            line.quantity = item.quantity
            line.unit = item.unit
            line.characteristics = item.characteristics.map(\.rawValue).joined(separator: ",")
            line.localKind = item.localDefinition?.kind.rawValue
            line.localKm = item.localDefinition?.km
            line.egalim = item.egalim.rawValue
            lines.append(line)
        }
        try await lines.create(on: db)
        return (purchase, lines)
    }

    // MARK: Invoice files

    static let attachmentMaximumBytes = 5 * 1024 * 1024

    /// A PDF, PNG or JPEG, recognised by its first bytes (not by what the browser claims).
    static func attachmentType(_ bytes: Data) -> String? {
        if bytes.starts(with: Array("%PDF-".utf8)) { return "application/pdf" }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        return nil
    }

    func attach(_ bytes: Data, name rawName: String?, to purchaseID: UUID) async throws -> Purchase {
        let (purchase, _) = try await purchase(purchaseID)
        guard !bytes.isEmpty else { throw Problem.invalid(FieldErrors(["file": "Le fichier est vide."])) }
        guard bytes.count <= Self.attachmentMaximumBytes else { throw Problem.invalid(FieldErrors(["file": "Le fichier dépasse 5 Mo : réduisez-le (un scan en 150 dpi suffit)."])) }
        guard let type = Self.attachmentType(bytes) else { throw Problem.invalid(FieldErrors(["file": "Joignez la facture en PDF, PNG ou JPEG."])) }
        let name = String((TextRules.clean(rawName.map(ControlCharacters.stripped)) ?? "facture").filter { !"/\\\"\r\n".contains($0) }.prefix(120))
        let cooperativeID = scope.id
        try await db.transaction { db in
            let stored = try await PurchaseAttachment.find(purchaseID, on: db) ?? PurchaseAttachment()
            stored.id = purchaseID
            stored.cooperativeID = cooperativeID
            stored.bytes = bytes
            try await stored.save(on: db)
            purchase.attachmentName = name
            purchase.attachmentType = type
            try await purchase.save(on: db)
        }
        return purchase
    }

    func attachment(of purchaseID: UUID) async throws -> (name: String, type: String, bytes: Data) {
        let (purchase, _) = try await purchase(purchaseID)
        guard let name = purchase.attachmentName, let type = purchase.attachmentType,
              let stored = try await PurchaseAttachment.query(on: db).filter(\.$id == purchaseID).filter(\.$cooperativeID == scope.id).first()
        else { throw Problem.notFound }
        return (name, type, stored.bytes)
    }

    // MARK: Import and export

    struct ImportResult: Sendable {
        var imported: Int
        var purchases: Int
        var problems: [PurchaseFile.Problem]
        /// Suppliers named in the file and not known yet: created, to complete.
        var newSuppliers: [String]
    }

    /// Reads a purchases file; with `dryRun` nothing is saved, and with any problem nothing is
    /// saved either. Rows of one supplier on one day make one purchase.
    func importFile(_ text: String, dryRun: Bool, today: CalendarDay) async throws -> ImportResult {
        try scope.require(.purchase)
        let table: PurchaseCSV.Table
        do {
            table = try PurchaseCSV.parse(text)
        } catch let problem as PurchaseFile.Problem {
            return ImportResult(imported: 0, purchases: 0, problems: [problem], newSuppliers: [])
        }
        let headerProblems = PurchaseFile.checkHeader(table.header)
        if !headerProblems.isEmpty { return ImportResult(imported: 0, purchases: 0, problems: headerProblems, newSuppliers: []) }
        if table.rows.count > PurchaseCSV.maximumRows {
            return ImportResult(imported: 0, purchases: 0, problems: [.init(line: 1, field: "fichier", message: "Un fichier compte au plus \(PurchaseCSV.maximumRows) lignes : découpez-le.")], newSuppliers: [])
        }
        let (rows, problems) = PurchaseFile.read(header: table.header, rows: table.rows, today: today)
        let known = Dictionary(try await suppliers().map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        var newNames: [String] = []
        for row in rows where known[row.supplierName.lowercased()] == nil && !newNames.contains(where: { $0.lowercased() == row.supplierName.lowercased() }) {
            newNames.append(row.supplierName)
        }
        let groups = Dictionary(grouping: rows) { "\($0.supplierName.lowercased())|\($0.date)" }
        let result = ImportResult(imported: rows.count, purchases: groups.count, problems: problems, newSuppliers: newNames)
        if dryRun || !problems.isEmpty || rows.isEmpty {
            return problems.isEmpty ? result : ImportResult(imported: 0, purchases: 0, problems: problems, newSuppliers: newNames)
        }
        let cooperativeID = scope.id
        let author = scope.principal.name
        let created = newNames
        try await db.transaction { db in
            var suppliers = known
            for name in created {
                let supplier = Supplier()
                supplier.cooperativeID = cooperativeID
                supplier.name = name
                supplier.labels = ""
                try await supplier.create(on: db)
                suppliers[name.lowercased()] = supplier
            }
            for key in groups.keys.sorted() {
                let group = groups[key]!.sorted { $0.line < $1.line }
                let valid = PurchaseDraft.Valid(date: group[0].date, reference: nil, lines: group.map(\.purchase))
                _ = try await Self.insert(valid, supplier: suppliers[group[0].supplierName.lowercased()]!, cooperativeID: cooperativeID,
                                          source: "import", author: author, on: db)
            }
        }
        return result
    }

    /// Every line bought in `year`, in the import's layout.
    func exportFile(year: Int) async throws -> String {
        try scope.require(.purchase)
        let from = CalendarDay(year: year, month: 1, day: 1), to = CalendarDay(year: year + 1, month: 1, day: 1)
        let lines = try await PurchaseLine.query(on: db).filter(\.$cooperativeID == scope.id)
            .filter(\.$date >= from.date).filter(\.$date < to.date).sort(\.$date).sort(\.$purchaseID).sort(\.$position).all()
        let names = Dictionary(uniqueKeysWithValues: try await suppliers().map { ($0.id!, $0.name) })
        return try PurchaseCSV.write(lines.map { line in
            PurchaseFile.row(supplierName: names[line.supplierID] ?? "", date: CalendarDay(date: line.date), line: line.valid)
        })
    }

    // MARK: Indicators

    func settings() async throws -> SourcingSettings {
        if let stored = try await SourcingSettings.find(scope.id, on: db) { return stored }
        let settings = SourcingSettings()
        settings.id = scope.id
        settings.localKind = LocalDefinitionKind.departement.rawValue
        return settings
    }

    func saveSettings(_ draft: LocalDefinitionDraft) async throws -> SourcingSettings {
        try scope.require(.manageSourcing)
        var errors = FieldErrors()
        let definition = draft.validate(field: "localDefinition", into: &errors)
        try errors.throwIfAny()
        let settings = try await settings()
        settings.localKind = definition!.kind.rawValue
        settings.localKm = definition!.km
        try await settings.save(on: db)
        return settings
    }

    func indicators(from: CalendarDay, to: CalendarDay) async throws -> SourcingIndicators {
        try scope.require(.viewSourcingIndicators)
        return try await Self.indicators(of: scope.id, from: from, to: to, on: db)
    }

    /// The purchase indicators of a cooperative, for a caller that checked the reader's right
    /// (this one, or the impact figures, which mask what needs masking).
    /// The indicators add amounts line by line, so lines alike (same supplier, family,
    /// characteristics and local definition) are summed by the database first: a year of a
    /// busy kitchen's invoices comes back as a few hundred rows, with the same figures.
    static func indicators(of coopID: UUID, from: CalendarDay, to: CalendarDay, on db: any Database) async throws -> SourcingIndicators {
        try await indicators(of: [coopID], from: from, to: to, on: db)[coopID]!
    }

    /// The same for several cooperatives at once (a network's indicators): one statement for
    /// the lines, one for the suppliers, one for the settings.
    static func indicators(of coopIDs: [UUID], from: CalendarDay, to: CalendarDay, on db: any Database) async throws -> [UUID: SourcingIndicators] {
        guard let sql = db as? any SQLDatabase else { throw Problem.internalError }
        guard !coopIDs.isEmpty else { return [:] }
        let suppliers = Dictionary(uniqueKeysWithValues: try await Supplier.query(on: db).filter(\.$cooperativeID ~~ coopIDs).all().map { ($0.id!, $0) })
        struct Row: Decodable {
            var cooperative_id: UUID; var supplier_id: UUID; var family: String; var characteristics: String; var local_kind: String?; var local_km: Int?; var cents: Int
        }
        let rows = Dictionary(grouping: try await sql.raw("""
            SELECT cooperative_id, supplier_id, family, characteristics, local_kind, local_km, CAST(SUM(price_cents) AS BIGINT) AS cents
            FROM purchase_lines WHERE cooperative_id IN (\(binds: coopIDs)) AND date >= \(bind: from.date) AND date < \(bind: to.adding(days: 1).date)
            GROUP BY cooperative_id, supplier_id, family, characteristics, local_kind, local_km
            """).all(decoding: Row.self), by: \.cooperative_id)
        let settings = Dictionary(uniqueKeysWithValues: try await SourcingSettings.query(on: db).filter(\.$id ~~ coopIDs).all().map { ($0.id!, $0) })
        return Dictionary(uniqueKeysWithValues: coopIDs.map { coopID in
            (coopID, SourcingIndicators(lines: (rows[coopID] ?? []).compactMap { row in
                guard let supplier = suppliers[row.supplier_id] else { return nil }
                return .init(priceCents: row.cents, family: ProductFamily(rawValue: row.family) ?? .other,
                             characteristics: Set(PurchaseLine.characteristics(row.characteristics)),
                             localDefinition: PurchaseLine.localDefinition(kind: row.local_kind, km: row.local_km), supplier: supplier.indicatorSupplier)
            }, local: settings[coopID]?.localDefinition ?? .departement))
        })
    }

    // MARK: Recipes

    func recipes() async throws -> [Recipe] {
        try scope.require(.purchase)
        return try await Recipe.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$name).all()
    }

    func recipe(_ id: UUID) async throws -> Recipe {
        try scope.require(.purchase)
        guard let recipe = try await Recipe.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$id == id).first() else { throw Problem.notFound }
        return recipe
    }

    func createRecipe(_ draft: RecipeDraft, productID: UUID?) async throws -> Recipe {
        try scope.require(.purchase)
        var errors = FieldErrors()
        var valid: RecipeDraft.Valid?
        do { valid = try draft.validate() } catch { errors.merge(error) }
        if let productID, try await Product.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$id == productID).count() == 0 {
            errors.add("productID", "Ce produit n'est pas au catalogue de la coopérative.")
        }
        if let name = TextRules.clean(draft.name), try await Recipe.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$name == name).count() > 0 {
            errors.add("name", "Une recette porte déjà ce nom.")
        }
        try errors.throwIfAny()
        let recipe = Recipe()
        recipe.cooperativeID = scope.id
        recipe.name = valid!.name
        recipe.portions = valid!.portions
        recipe.productID = productID
        recipe.ingredients = String(decoding: try JSONEncoder().encode(valid!.ingredients), as: UTF8.self)
        try await recipe.create(on: db)
        return recipe
    }

    struct RecipeCost: Sendable {
        struct Item: Sendable {
            var ingredient: RecipeDraft.IngredientDraft
            var costCents: Int?
            /// The purchase line the price comes from.
            var source: (line: PurchaseLine, unitPriceCents: Double, supplier: String)?
        }
        struct TierPrice: Sendable {
            var tier: Tier
            var priceCents: Int
            /// Price paid less the portion's cost: negative when the cooperative puts money in.
            var marginCents: Int
        }
        var recipe: Recipe
        var product: Product?
        var result: PortionCost.Result
        var items: [Item]
        var tiers: [TierPrice]
    }

    /// The cost of a portion from the latest purchase of each ingredient, and what each tier of
    /// the grid in force pays for the product the dish is sold as.
    func cost(of recipeID: UUID, today: CalendarDay) async throws -> RecipeCost {
        let recipe = try await recipe(recipeID)
        let ingredients = (try? JSONDecoder().decode([RecipeDraft.IngredientDraft].self, from: Data(recipe.ingredients.utf8))) ?? []
        // Latest first; lines without a quantity give no unit price.
        let lines = try await PurchaseLine.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$quantity != nil)
            .sort(\.$date, .descending).sort(\.$position).all()
        let names = Dictionary(uniqueKeysWithValues: try await Supplier.query(on: db).filter(\.$cooperativeID == scope.id).all().map { ($0.id!, $0.name) })
        var items: [RecipeCost.Item] = []
        var parts: [PortionCost.Ingredient] = []
        for ingredient in ingredients {
            let line = lines.first { RecipeDraft.matches($0.description, words: ingredient.match ?? ingredient.name ?? "") }
            let unitPrice = line.flatMap { PortionCost.unitPrice(lineCents: $0.priceCents, quantity: $0.quantity) }
            let part = PortionCost.Ingredient(quantity: ingredient.quantity ?? 0, usagePerPurchaseUnit: ingredient.usagePerPurchaseUnit ?? 1,
                                              yieldPercent: ingredient.yieldPercent ?? 100, purchaseUnitPriceCents: unitPrice)
            parts.append(part)
            items.append(.init(ingredient: ingredient, costCents: part.costCents.map { Int($0.rounded()) },
                               source: line.flatMap { line in unitPrice.map { (line, $0, names[line.supplierID] ?? "") } }))
        }
        let result = PortionCost.cost(parts, portions: recipe.portions)
        var product: Product?
        var tiers: [RecipeCost.TierPrice] = []
        if let productID = recipe.productID, let found = try await Product.find(productID, on: db), found.cooperativeID == scope.id {
            product = found
            let trade = TradeRepository(db: db, scope: scope)
            if let grid = try await trade.allGrids().first(where: { $0.grid.isValid(on: today) })?.grid {
                var all: [Tier] = grid.brackets.indices.map { .bracket($0 + 1) }
                all.append(.publicPrice)
                tiers = all.map { tier in
                    let price = TariffRules.price(publicCents: found.publicPriceCents, category: found.category, tier: tier, familyQuotient: nil, grid: grid)
                    // What the cooperative keeps of the price paid: VAT goes to the State.
                    let net = price - found.rate.vatIncluded(in: price)
                    return .init(tier: tier, priceCents: price, marginCents: net - result.portionCents)
                }
            } else {
                let net = found.publicPriceCents - found.rate.vatIncluded(in: found.publicPriceCents)
                tiers = [.init(tier: .publicPrice, priceCents: found.publicPriceCents, marginCents: net - result.portionCents)]
            }
        }
        return RecipeCost(recipe: recipe, product: product, result: result, items: items, tiers: tiers)
    }
}

extension Request {
    func sourcingRepository(_ permission: Permission) async throws -> SourcingRepository {
        SourcingRepository(db: db, scope: try await cooperativeScope(permission))
    }
}
