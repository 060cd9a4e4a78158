import Fluent
import Foundation
import MaillageCore

/// A year of purchases at the Caillols restaurant from thirteen suppliers (fictional names):
/// an integration garden and producers of the département and the région, a bakery and a
/// grocery inside priority neighbourhoods, fishermen, two wholesalers, a coffee roaster of the
/// social economy. Generated from a fixed seed; `seed --demo` only, tests start without it.
enum DemoSourcing {
    struct SupplierSeed {
        var draft: SupplierDraft
        /// What it sells: description, family, unit, price per unit in cents, usual quantity,
        /// characteristics when not the supplier's.
        var items: [(String, ProductFamily, String, Int, ClosedRange<Int>, [String]?)]
        /// Every how many weeks it delivers.
        var everyWeeks: Int
    }

    static let seeds: [SupplierSeed] = [
        SupplierSeed(draft: SupplierDraft(name: "Jardins de l'Huveaune (chantier d'insertion)", kind: "social-economy", address: "Chemin de la Penne", postalCode: "13400",
                                          commune: "Aubagne", distanceKm: 9, intermediaries: 0, labels: ["BIO", "LOCAL", "FRANCE"],
                                          localDefinition: .init(kind: "departement"), defaultFamily: "fruits-legumes", contactName: "Nadia Ferhat"),
                     items: [("Courgettes bio", .fruitsVegetables, "kg", 260, 15...30, nil), ("Tomates bio", .fruitsVegetables, "kg", 340, 10...25, nil),
                             ("Oignons bio", .fruitsVegetables, "kg", 190, 5...12, nil), ("Salades bio", .fruitsVegetables, "pièce", 95, 20...40, nil)], everyWeeks: 1),
        SupplierSeed(draft: SupplierDraft(name: "Boulangerie des Caillols", kind: "neighbourhood-shop", postalCode: "13012", commune: "Marseille", distanceKm: 0.6,
                                          qpvCode: "QN01306M", intermediaries: 0, labels: ["LOCAL", "FRANCE"], localDefinition: .init(kind: "commune-epci"), defaultFamily: "boulangerie"),
                     items: [("Pain de campagne", .bakery, "kg", 480, 12...20, nil)], everyWeeks: 1),
        SupplierSeed(draft: SupplierDraft(name: "Épicerie du Plan d'Aou", kind: "neighbourhood-shop", postalCode: "13015", commune: "Marseille", distanceKm: 14,
                                          qpvCode: "QN01312M", intermediaries: 2, labels: [], defaultFamily: "autres"),
                     items: [("Épices et condiments", .other, "lot", 1_800, 1...2, nil), ("Semoule", .other, "kg", 210, 5...10, nil)], everyWeeks: 2),
        SupplierSeed(draft: SupplierDraft(name: "Pêcheurs du Vieux-Port", kind: "producer", postalCode: "13002", commune: "Marseille", distanceKm: 11, intermediaries: 0,
                                          labels: ["PECHE_DURABLE", "LOCAL", "FRANCE"], localDefinition: .init(kind: "departement"), defaultFamily: "produits-de-la-mer"),
                     items: [("Poisson du jour", .seafood, "kg", 1_650, 6...10, nil)], everyWeeks: 2),
        SupplierSeed(draft: SupplierDraft(name: "Ferme de la Sainte-Baume", kind: "producer", postalCode: "83860", commune: "Nans-les-Pins", distanceKm: 38, intermediaries: 0,
                                          labels: ["FERMIER", "LOCAL", "FRANCE"], localDefinition: .init(kind: "region"), defaultFamily: "bof"),
                     items: [("Œufs fermiers", .dairy, "douzaine", 420, 8...15, nil), ("Tomme de chèvre fermière", .dairy, "kg", 2_200, 2...4, nil)], everyWeeks: 1),
        SupplierSeed(draft: SupplierDraft(name: "Vergers de la Durance", kind: "producer", postalCode: "84300", commune: "Cavaillon", distanceKm: 72, intermediaries: 1,
                                          labels: ["HVE", "LOCAL", "FRANCE"], localDefinition: .init(kind: "region"), defaultFamily: "fruits-legumes"),
                     items: [("Pommes HVE", .fruitsVegetables, "kg", 230, 15...30, nil), ("Melons", .fruitsVegetables, "pièce", 180, 10...20, nil)], everyWeeks: 2),
        SupplierSeed(draft: SupplierDraft(name: "Volailles de la Drôme", kind: "producer", postalCode: "26400", commune: "Crest", distanceKm: 190, intermediaries: 1,
                                          labels: ["LABEL_ROUGE", "FRANCE"], defaultFamily: "viandes-volailles"),
                     items: [("Poulet Label rouge", .meatPoultry, "kg", 890, 10...18, nil)], everyWeeks: 2),
        SupplierSeed(draft: SupplierDraft(name: "Huilerie de la Vallée des Baux", kind: "producer", postalCode: "13520", commune: "Maussane-les-Alpilles", distanceKm: 88,
                                          intermediaries: 0, labels: ["AOCAOP", "LOCAL", "FRANCE"], localDefinition: .init(kind: "departement"), defaultFamily: "autres"),
                     items: [("Huile d'olive AOP Vallée des Baux", .other, "L", 1_450, 6...10, nil)], everyWeeks: 8),
        SupplierSeed(draft: SupplierDraft(name: "Chèvrerie du Luberon", kind: "producer", postalCode: "84400", commune: "Apt", distanceKm: 85, intermediaries: 1,
                                          labels: ["AOCAOP", "BIO", "LOCAL", "FRANCE"], localDefinition: .init(kind: "region"), defaultFamily: "bof"),
                     items: [("Banon AOP bio", .dairy, "pièce", 690, 6...12, nil)], everyWeeks: 4),
        SupplierSeed(draft: SupplierDraft(name: "Sud Café (Scop)", kind: "social-economy", postalCode: "13003", commune: "Marseille", distanceKm: 10, intermediaries: 2,
                                          labels: ["COMMERCE_EQUITABLE", "BIO"], defaultFamily: "boissons"),
                     items: [("Café bio équitable en grains", .drinks, "kg", 1_690, 4...6, nil)], everyWeeks: 4),
        SupplierSeed(draft: SupplierDraft(name: "Grossiste alimentaire de la Valentine", kind: "wholesaler", postalCode: "13011", commune: "Marseille", distanceKm: 3,
                                          intermediaries: 3, labels: [], defaultFamily: "autres"),
                     items: [("Riz long", .other, "kg", 160, 10...20, nil), ("Pâtes", .other, "kg", 145, 10...20, nil),
                             ("Bœuf haché", .meatPoultry, "kg", 980, 8...14, []), ("Yaourts nature", .dairy, "pièce", 28, 80...150, []),
                             ("Jambon blanc Label rouge", .charcuterie, "kg", 1_390, 2...5, ["LABEL_ROUGE", "FRANCE"]),
                             ("Jus de fruits", .drinks, "L", 185, 10...20, [])], everyWeeks: 1),
        SupplierSeed(draft: SupplierDraft(name: "Biocoop de la Blancarde", kind: "neighbourhood-shop", postalCode: "13004", commune: "Marseille", distanceKm: 5,
                                          intermediaries: 2, labels: ["BIO"], defaultFamily: "autres"),
                     items: [("Lentilles vertes bio", .other, "kg", 390, 5...10, nil), ("Farine bio", .bakery, "kg", 175, 10...15, nil)], everyWeeks: 3),
        SupplierSeed(draft: SupplierDraft(name: "Fromagerie Laurent (Marseille)", kind: "neighbourhood-shop", postalCode: "13012", commune: "Marseille", distanceKm: 2,
                                          intermediaries: 2, labels: ["IGP", "FRANCE"], defaultFamily: "bof"),
                     items: [("Tomme de Savoie IGP", .dairy, "kg", 1_480, 2...4, nil)], everyWeeks: 3),
    ]

    static func load(on db: any Database, cooperative coop: Cooperative, coordinator: User, weeks: Int = 52) async throws {
        let today = CalendarDay(date: Date())
        var random = DemoRandom(seed: 1312)
        for (index, seed) in seeds.enumerated() {
            let valid = try seed.draft.validate()
            let supplier = Supplier()
            supplier.cooperativeID = coop.id!
            SourcingRepository.fill(supplier, with: valid)
            try await supplier.create(on: db)
            // Deliveries on a weekday of each week the supplier comes, the last one this week.
            for week in stride(from: weeks, through: 1, by: -1) where (week + index) % seed.everyWeeks == 0 {
                let day = today.adding(days: -7 * week + 7 - random.next(5) - 1)
                guard day <= today else { continue }
                var lines: [PurchaseLineDraft.Valid] = []
                for item in seed.items where item.1 != .other || random.next(3) > 0 {
                    let quantity = item.4.lowerBound + random.next(item.4.count)
                    var errors = FieldErrors()
                    let draft = PurchaseLineDraft(description: item.0, family: item.1.rawValue, priceCents: item.3 * quantity, quantity: Double(quantity),
                                                  unit: item.2, characteristics: item.5)
                    if let line = draft.validate(field: "", defaults: supplier.defaults, into: &errors) { lines.append(line) }
                }
                guard !lines.isEmpty else { continue }
                let reference = "F\(day.year % 100)\(String(format: "%02d", day.month))-\(100 + random.next(900))"
                _ = try await SourcingRepository.insert(PurchaseDraft.Valid(date: day, reference: reference, lines: lines), supplier: supplier,
                                                        cooperativeID: coop.id!, source: "form", author: coordinator.name, on: db)
            }
        }
        // The midday dish, costed from those purchases and sold as the "Repas du midi".
        let meal = try await Product.query(on: db).filter(\.$cooperativeID == coop.id!).filter(\.$name == "Repas du midi").first()
        let recipe = Recipe()
        recipe.cooperativeID = coop.id!
        recipe.name = "Poulet rôti, ratatouille et semoule"
        recipe.portions = 40
        recipe.productID = meal?.id
        let ingredients: [RecipeDraft.IngredientDraft] = [
            .init(name: "Poulet Label rouge", quantity: 6_000, usageUnit: "g", usagePerPurchaseUnit: 1_000, yieldPercent: 70),
            .init(name: "Courgettes bio", quantity: 4_000, usageUnit: "g", usagePerPurchaseUnit: 1_000, yieldPercent: 90),
            .init(name: "Tomates bio", quantity: 3_000, usageUnit: "g", usagePerPurchaseUnit: 1_000, yieldPercent: 95),
            .init(name: "Oignons bio", quantity: 1_000, usageUnit: "g", usagePerPurchaseUnit: 1_000, yieldPercent: 85),
            .init(name: "Huile d'olive", quantity: 40, usageUnit: "cL", usagePerPurchaseUnit: 100, yieldPercent: 100, match: "huile olive"),
            .init(name: "Semoule", quantity: 3_200, usageUnit: "g", usagePerPurchaseUnit: 1_000, yieldPercent: 100),
            .init(name: "Pain de campagne", quantity: 2_000, usageUnit: "g", usagePerPurchaseUnit: 1_000, yieldPercent: 100),
            .init(name: "Pommes HVE", quantity: 4_000, usageUnit: "g", usagePerPurchaseUnit: 1_000, yieldPercent: 85),
        ]
        // Stored as the API stores them: validated, every default filled in (`match` and all).
        let valid = try RecipeDraft(name: recipe.name, portions: recipe.portions, ingredients: ingredients).validate().ingredients
        recipe.ingredients = String(decoding: try JSONEncoder().encode(valid), as: UTF8.self)
        try await recipe.create(on: db)
    }
}
