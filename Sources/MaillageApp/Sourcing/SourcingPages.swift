import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

/// Suppliers, purchases, the purchases file, indicators and recipes:
/// `/coops/:coopID/suppliers…`, `/purchases…`, `/sourcing`, `/recipes…`.
struct SourcingPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let coop = routes.grouped("coops", ":coopID")
        coop.get("suppliers", use: suppliers)
        coop.post("suppliers", use: createSupplier)
        coop.get("suppliers", ":supplierID", use: supplier)
        coop.post("suppliers", ":supplierID", use: updateSupplier)
        coop.get("purchases", use: purchases)
        coop.post("purchases", use: createPurchase)
        coop.get("purchases", "import", use: importForm)
        coop.on(.POST, "purchases", "import", body: .collect(maxSize: UploadLimit.purchasesFile), use: importFile)
        coop.get("purchases", ":purchaseID", use: purchase)
        coop.on(.POST, "purchases", ":purchaseID", "attachment", body: .collect(maxSize: UploadLimit.attachment), use: attach)
        coop.get("purchases", ":purchaseID", "attachment", use: attachment)
        coop.get("sourcing", use: indicators)
        coop.post("sourcing", "settings", use: saveSettings)
        coop.get("recipes", use: recipes)
        coop.post("recipes", use: createRecipe)
        coop.get("recipes", ":recipeID", use: recipe)
    }

    // MARK: Suppliers

    struct SupplierForm: Content {
        var name: String?, siret: String?, kind: String?, address: String?, postalCode: String?, commune: String?
        var distanceKm: String?, qpvCode: String?, intermediaries: String?, labels: [String]?
        var localKind: String?, localKm: String?, defaultFamily: String?
        var contactName: String?, contactEmail: String?, contactPhone: String?

        init() {}

        init(_ supplier: Supplier) {
            let draft = supplier.draft
            name = draft.name; siret = draft.siret; kind = draft.kind; address = draft.address; postalCode = draft.postalCode; commune = draft.commune
            distanceKm = draft.distanceKm.map { $0.formatted() }; qpvCode = draft.qpvCode; intermediaries = draft.intermediaries.map(String.init)
            labels = draft.labels; localKind = draft.localDefinition?.kind; localKm = draft.localDefinition?.km.map(String.init)
            defaultFamily = draft.defaultFamily; contactName = draft.contactName; contactEmail = draft.contactEmail; contactPhone = draft.contactPhone
        }

        /// What was typed, checked for numbers; the rules check the rest.
        func draft() throws -> SupplierDraft {
            var errors = FieldErrors()
            let distance = SourcingPagesController.decimal(distanceKm, field: "distanceKm", into: &errors)
            let intermediaries = SourcingPagesController.integer(self.intermediaries, field: "intermediaries", into: &errors)
            let km = SourcingPagesController.integer(localKm, field: "localDefinition.km", into: &errors)
            try errors.throwIfAny()
            return SupplierDraft(name: name, siret: siret, kind: kind, address: address, postalCode: postalCode, commune: commune, distanceKm: distance,
                                 qpvCode: qpvCode, intermediaries: intermediaries, labels: labels ?? [],
                                 localDefinition: TextRules.clean(localKind).map { LocalDefinitionDraft(kind: $0, km: km) },
                                 defaultFamily: defaultFamily, contactName: contactName, contactEmail: contactEmail, contactPhone: contactPhone)
        }
    }

    func suppliers(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        return try await SuppliersPage.render(repository, listing: request.listRequest(states: SuppliersPage.kinds),
                                              form: SupplierForm(), errors: [:], context: request.pageContext())
    }

    func createSupplier(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let form = try request.content.decode(SupplierForm.self)
        return try await FormSubmission.handle {
            let supplier = try await repository.createSupplier(try form.draft())
            request.flash(request.language.t("Fournisseur ajouté : ", "Supplier added: ") + supplier.name + ".")
            return request.redirect(to: SiteURL.suppliers(repository.scope.id).path)
        } invalid: { errors in
            try await SuppliersPage.render(repository, form: form, errors: SuppliersPage.formKeys(errors), context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func supplier(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let supplier = try await repository.supplier(try request.uuidParameter("supplierID"))
        return SupplierPage.render(coop: repository.scope.cooperative, supplier: supplier, form: SupplierForm(supplier), errors: [:], context: request.pageContext())
    }

    func updateSupplier(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let id = try request.uuidParameter("supplierID")
        let supplier = try await repository.supplier(id)
        let form = try request.content.decode(SupplierForm.self)
        return try await FormSubmission.handle {
            let updated = try await repository.updateSupplier(id, try form.draft())
            request.flash(request.language.t("Fournisseur mis à jour : ", "Supplier updated: ") + updated.name + ".")
            return request.redirect(to: SiteURL.supplier(repository.scope.id, id).path)
        } invalid: { errors in
            SupplierPage.render(coop: repository.scope.cooperative, supplier: supplier, form: form, errors: SuppliersPage.formKeys(errors),
                                context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    static func decimal(_ raw: String?, field: String, into errors: inout FieldErrors) -> Double? {
        guard let text = TextRules.clean(raw) else { return nil }
        guard let value = Double(text.replacingOccurrences(of: ",", with: ".")) else {
            errors.add(field, "Écrivez un nombre, par exemple 12,5.")
            return nil
        }
        return value
    }

    static func integer(_ raw: String?, field: String, into errors: inout FieldErrors) -> Int? {
        guard let text = TextRules.clean(raw) else { return nil }
        guard let value = Int(text) else {
            errors.add(field, "Écrivez un nombre entier.")
            return nil
        }
        return value
    }

    // MARK: Purchases

    struct PurchaseForm: Content {
        var supplierID: String?, date: String?, reference: String?
        var description1: String?, family1: String?, price1: String?, quantity1: String?, unit1: String?, char1: [String]?
        var description2: String?, family2: String?, price2: String?, quantity2: String?, unit2: String?, char2: [String]?
        var description3: String?, family3: String?, price3: String?, quantity3: String?, unit3: String?, char3: [String]?
        var description4: String?, family4: String?, price4: String?, quantity4: String?, unit4: String?, char4: [String]?

        typealias Row = (description: String?, family: String?, price: String?, quantity: String?, unit: String?, characteristics: [String]?)
        var rows: [Row] {
            [(description1, family1, price1, quantity1, unit1, char1), (description2, family2, price2, quantity2, unit2, char2),
             (description3, family3, price3, quantity3, unit3, char3), (description4, family4, price4, quantity4, unit4, char4)]
        }
        static let rowCount = 4
    }

    struct YearQuery: Content { var year: Int? }

    func purchases(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let year = try request.query.decode(YearQuery.self).year ?? CalendarDay.today.year
        return try await PurchasesPage.render(repository, year: year, listing: request.listRequest(states: []), form: PurchaseForm(), errors: [:],
                                              context: request.pageContext())
    }

    func createPurchase(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let form = try request.content.decode(PurchaseForm.self)
        var formFields: [String: String] = [:]
        return try await FormSubmission.handle {
            var errors = FieldErrors()
            var lines: [PurchaseLineDraft] = []
            // LOCAL ticked in the form: local as the supplier is (its definition), or else as the
            // cooperative defines it — the API does the same.
            let supplierID = TextRules.clean(form.supplierID).flatMap(UUID.init(uuidString:))
            var local = try await repository.settings().localDefinition
            if let supplierID, let supplier = try? await repository.supplier(supplierID), let definition = supplier.localDefinition { local = definition }
            for (index, row) in form.rows.enumerated() {
                let n = index + 1
                let typed = [row.description, row.price, row.quantity, row.unit].contains { TextRules.clean($0) != nil } || !(row.characteristics ?? []).isEmpty
                guard typed else { continue }
                let price = TextRules.clean(row.price).flatMap { text -> Int? in
                    guard let cents = PurchaseFile.parseEuros(text) else { errors.add("price\(n)", "Un prix s'écrit en euros, par exemple 42,50."); return nil }
                    return cents
                }
                let quantity = Self.decimal(row.quantity, field: "quantity\(n)", into: &errors)
                let field = "lines[\(lines.count)]"
                for (suffix, name) in [("description", "description"), ("family", "family"), ("priceCents", "price"), ("quantity", "quantity"), ("unit", "unit"),
                                       ("characteristics", "char"), ("localDefinition", "char")] {
                    formFields[field + "." + suffix] = "\(name)\(n)"
                }
                let characteristics = row.characteristics.flatMap { $0.isEmpty ? nil : $0 }
                let definition = characteristics?.contains("LOCAL") == true ? LocalDefinitionDraft(kind: local.kind.rawValue, km: local.km) : nil
                lines.append(PurchaseLineDraft(description: row.description, family: row.family, priceCents: price, quantity: quantity, unit: row.unit,
                                               characteristics: characteristics, localDefinition: definition))
            }
            try errors.throwIfAny()
            let (purchase, _) = try await repository.createPurchase(supplierID: supplierID, PurchaseDraft(date: form.date, reference: form.reference, lines: lines),
                                                                     source: "form", today: .today)
            request.flash(request.language.t("Achat enregistré : ", "Purchase recorded: ") + Euros.french(purchase.totalCents) + request.language.t(" HT.", " excl. VAT."))
            return request.redirect(to: SiteURL.purchase(repository.scope.id, purchase.id!).path)
        } invalid: { errors in
            let keys = errors.reduce(into: [String: String]()) { result, error in
                let key = formFields.first { error.key == $0.key || error.key.hasPrefix($0.key + "[") }?.value ?? (error.key.hasPrefix("lines") ? "lines" : error.key)
                if result[key] == nil { result[key] = error.value }
            }
            return try await PurchasesPage.render(repository, year: CalendarDay.today.year, form: form, errors: keys, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func purchase(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let (purchase, lines) = try await repository.purchase(try request.uuidParameter("purchaseID"))
        let supplier = try await repository.supplier(purchase.supplierID)
        return PurchasePage.render(coop: repository.scope.cooperative, purchase: purchase, supplier: supplier, lines: lines, error: nil, context: request.pageContext())
    }

    struct AttachmentForm: Content { var file: File? }

    func attach(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let id = try request.uuidParameter("purchaseID")
        let form = try request.content.decode(AttachmentForm.self)
        do {
            _ = try await repository.attach(form.file.map { Data(buffer: $0.data) } ?? Data(), name: form.file?.filename, to: id)
            request.flash(request.language.t("Facture jointe.", "Invoice attached."))
            return request.redirect(to: SiteURL.purchase(repository.scope.id, id).path)
        } catch {
            let problem = Problem.from(error)
            guard problem.status == .unprocessableEntity else { throw error }
            let (purchase, lines) = try await repository.purchase(id)
            return PurchasePage.render(coop: repository.scope.cooperative, purchase: purchase, supplier: try await repository.supplier(purchase.supplierID),
                                       lines: lines, error: problem.fieldErrors["file"], context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func attachment(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        return SourcingAPIController.download(try await repository.attachment(of: try request.uuidParameter("purchaseID")))
    }

    // MARK: Import

    struct ImportForm: Content {
        var file: File?
        /// The file's text, carried from the preview to the import so it is not sent twice.
        var csv: String?
        var step: String?
    }

    func importForm(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        return ImportPage.render(coop: repository.scope.cooperative, result: nil, csv: nil, error: nil, context: request.pageContext())
    }

    func importFile(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let form = try request.content.decode(ImportForm.self)
        let coop = repository.scope.cooperative
        var text = form.csv
        if let file = form.file, file.data.readableBytes > 0 {
            text = String(data: Data(buffer: file.data), encoding: .utf8)
            if text == nil {
                return ImportPage.render(coop: coop, result: nil, csv: nil, error: request.language.t("Le fichier doit être encodé en UTF-8 (enregistrez-le en « CSV UTF-8 »).", "The file must be UTF-8 encoded."),
                                         context: request.pageContext(), status: .unprocessableEntity)
            }
        }
        guard let text, !text.trimmingWhitespace().isEmpty else {
            return ImportPage.render(coop: coop, result: nil, csv: nil, error: request.language.t("Choisissez le fichier CSV des achats.", "Choose the purchases CSV file."),
                                     context: request.pageContext(), status: .unprocessableEntity)
        }
        let confirm = form.step == "import"
        let result = try await repository.importFile(text, dryRun: !confirm, today: .today)
        if confirm && result.problems.isEmpty {
            request.flash(request.language.t("\(result.imported) lignes importées en \(result.purchases) achats.", "\(result.imported) lines imported as \(result.purchases) purchases."))
            return request.redirect(to: SiteURL.purchases(coop.id!).path)
        }
        return ImportPage.render(coop: coop, result: result, csv: result.problems.isEmpty ? text : nil, error: nil, context: request.pageContext(),
                                 status: result.problems.isEmpty ? .ok : .unprocessableEntity)
    }

    // MARK: Indicators

    func indicators(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.viewSourcingIndicators)
        let query = try request.query.decode(PeriodQuery.self)
        let local = try await repository.settings().localDefinition
        do {
            let (from, to) = try query.period(today: .today)
            let figures = SourcingIndicatorsDTO(try await repository.indicators(from: from, to: to), from: from, to: to, local: local)
            return SourcingPage.render(repository.scope, figures: figures, from: from.description, to: to.description, local: local, errors: [:], context: request.pageContext())
        } catch let errors as FieldErrors {
            return SourcingPage.render(repository.scope, figures: nil, from: query.from, to: query.to, local: local, errors: errors.messages,
                                       context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    struct SettingsForm: Content { var localKind: String?, localKm: String? }

    func saveSettings(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.manageSourcing)
        let form = try request.content.decode(SettingsForm.self)
        do {
            var errors = FieldErrors()
            let km = Self.integer(form.localKm, field: "localDefinition.km", into: &errors)
            try errors.throwIfAny()
            _ = try await repository.saveSettings(LocalDefinitionDraft(kind: form.localKind, km: km))
            request.flash(request.language.t("Définition du local enregistrée.", "Local definition saved."))
        } catch {
            let problem = Problem.from(error)
            guard problem.status == .unprocessableEntity else { throw error }
            request.flash(problem.fieldErrors.values.sorted().joined(separator: " "))
        }
        return request.redirect(to: SiteURL.sourcing(repository.scope.id).path)
    }

    // MARK: Recipes

    struct RecipeForm: Content {
        var name: String?, portions: String?, productID: String?
        var ingredient1: String?, quantity1: String?, unit1: String?, ratio1: String?, yield1: String?
        var ingredient2: String?, quantity2: String?, unit2: String?, ratio2: String?, yield2: String?
        var ingredient3: String?, quantity3: String?, unit3: String?, ratio3: String?, yield3: String?
        var ingredient4: String?, quantity4: String?, unit4: String?, ratio4: String?, yield4: String?
        var ingredient5: String?, quantity5: String?, unit5: String?, ratio5: String?, yield5: String?
        var ingredient6: String?, quantity6: String?, unit6: String?, ratio6: String?, yield6: String?

        typealias Row = (name: String?, quantity: String?, unit: String?, ratio: String?, yield: String?)
        var rows: [Row] {
            [(ingredient1, quantity1, unit1, ratio1, yield1), (ingredient2, quantity2, unit2, ratio2, yield2), (ingredient3, quantity3, unit3, ratio3, yield3),
             (ingredient4, quantity4, unit4, ratio4, yield4), (ingredient5, quantity5, unit5, ratio5, yield5), (ingredient6, quantity6, unit6, ratio6, yield6)]
        }
    }

    func recipes(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        return try await RecipesPage.render(repository, form: RecipeForm(), errors: [:], context: request.pageContext())
    }

    func createRecipe(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let form = try request.content.decode(RecipeForm.self)
        var formFields: [String: String] = [:]
        return try await FormSubmission.handle {
            var errors = FieldErrors()
            let portions = Self.integer(form.portions, field: "portions", into: &errors)
            var ingredients: [RecipeDraft.IngredientDraft] = []
            for (index, row) in form.rows.enumerated() {
                let n = index + 1
                guard [row.name, row.quantity].contains(where: { TextRules.clean($0) != nil }) else { continue }
                for (suffix, name) in [("name", "ingredient"), ("quantity", "quantity"), ("usageUnit", "unit"), ("usagePerPurchaseUnit", "ratio"), ("yieldPercent", "yield")] {
                    formFields["ingredients[\(ingredients.count)].\(suffix)"] = "\(name)\(n)"
                }
                ingredients.append(.init(name: row.name, quantity: Self.decimal(row.quantity, field: "quantity\(n)", into: &errors), usageUnit: row.unit,
                                         usagePerPurchaseUnit: Self.decimal(row.ratio, field: "ratio\(n)", into: &errors),
                                         yieldPercent: Self.integer(row.yield, field: "yield\(n)", into: &errors)))
            }
            try errors.throwIfAny()
            let productID = TextRules.clean(form.productID).flatMap(UUID.init(uuidString:))
            let recipe = try await repository.createRecipe(RecipeDraft(name: form.name, portions: portions, ingredients: ingredients), productID: productID)
            request.flash(request.language.t("Recette créée.", "Recipe created."))
            return request.redirect(to: SiteURL.recipe(repository.scope.id, recipe.id!).path)
        } invalid: { errors in
            let keys = errors.reduce(into: [String: String]()) { $0[formFields[$1.key] ?? $1.key] = $1.value }
            return try await RecipesPage.render(repository, form: form, errors: keys, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func recipe(request: Request) async throws -> Response {
        let repository = try await request.sourcingRepository(.purchase)
        let cost = try await repository.cost(of: try request.uuidParameter("recipeID"), today: .today)
        return RecipePage.render(coop: repository.scope.cooperative, cost: RecipeCostDTO(cost), context: request.pageContext())
    }
}

