import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import NIOCore
import Testing
import VaporTesting

/// Suppliers, purchases, EGAlim indicators, the ma-cantine purchases file, invoice files and
/// portion costs, through the API and the pages. Every purchase is dated in 2019, a year the
/// demo has nothing in, so that the figures are the ones computed here by hand.
@Suite("Sourcing: suppliers, purchases, EGAlim indicators, recipes")
struct SourcingTests {
    // MARK: Shared setup

    /// A market gardener in Aubagne (13400), organic, local by its département, selling direct.
    static let restanques = #"""
    {"name":"Ferme des Restanques","siret":"523 456 789 00016","kind":"producer","address":"Chemin des Restanques","postalCode":"13400",
     "commune":"Aubagne","distanceKm":14.5,"intermediaries":0,"labels":["BIO","LOCAL"],"localDefinition":{"kind":"departement"},
     "defaultFamily":"fruits-legumes","contactName":"Lucien Arnaud","contactEmail":"ferme@restanques.example","contactPhone":"04 42 00 00 00"}
    """#

    /// A social and solidarity grocery inside the Caillols QPV, two intermediaries away from producers.
    static let solidarityGrocery = #"""
    {"name":"Épicerie solidaire des Caillols","kind":"social-economy","address":"Avenue des Caillols","postalCode":"13012","commune":"Marseille",
     "qpvCode":"QN01306M","intermediaries":2}
    """#

    /// A neighbourhood butcher, one intermediary (short circuit), local within 30 km.
    static let butcher = #"""
    {"name":"Boucherie Saint-Julien","kind":"neighbourhood-shop","postalCode":"13012","commune":"Marseille","intermediaries":1,
     "labels":["LOCAL"],"localDefinition":{"kind":"km","km":30}}
    """#

    static func errors(_ response: TestingHTTPResponse) -> [String: String] {
        response.problem?["errors"] as? [String: String] ?? [:]
    }

    static func items(_ body: [String: Any]) -> [[String: Any]] {
        body["items"] as? [[String: Any]] ?? []
    }

    static func lines(_ body: [String: Any]) -> [[String: Any]] {
        body["lines"] as? [[String: Any]] ?? []
    }

    static func double(_ value: Any?) -> Double? {
        if let number = value as? Double { return number }
        if let number = value as? Int { return Double(number) }
        return nil
    }

    /// Whether a share read from JSON is the one computed by hand.
    static func close(_ value: Any?, _ expected: Double) -> Bool {
        guard let number = double(value) else { return false }
        return abs(number - expected) < 1e-9
    }

    static func base(_ coop: Cooperative) -> String { "/api/v1/coops/\(coop.id!)" }

    /// Creates a supplier through the API; its id.
    static func supplier(_ client: APIClient, _ base: String, _ json: String) async throws -> String {
        let response = try await client.send(.POST, "\(base)/suppliers", json: json)
        #expect(response.status == .created, "\(response.body.string)")
        return try #require(response.problem?["id"] as? String)
    }

    /// Records a purchase through the API; its body.
    static func purchase(_ client: APIClient, _ base: String, supplier: String, date: String, lines: String) async throws -> [String: Any] {
        let response = try await client.send(.POST, "\(base)/purchases", json: #"{"supplierID":"\#(supplier)","date":"\#(date)","lines":\#(lines)}"#)
        #expect(response.status == .created, "\(response.body.string)")
        return try #require(response.problem)
    }

    /// A call with a body that is not JSON (a CSV file, an invoice's bytes), with the bearer token.
    static func sendRaw(_ client: APIClient, _ method: HTTPMethod, _ path: String, contentType: HTTPMediaType?, bytes: [UInt8],
                        headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var headers = extra
        headers.bearerAuthorization = BearerAuthorization(token: client.token)
        if let contentType { headers.contentType = contentType }
        return try await client.app.testing().sendRequest(method, path, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    static var csv: HTTPMediaType { HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"]) }

    static func sendCSV(_ client: APIClient, _ path: String, _ text: String) async throws -> TestingHTTPResponse {
        try await sendRaw(client, .POST, path, contentType: csv, bytes: Array(text.utf8))
    }

    // MARK: 1. Suppliers

    @Test func staffRecordASupplierWhoseTerritoryAndShortCircuitFollow() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = Self.base(coop)
            let staff = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let created = try await staff.send(.POST, "\(base)/suppliers", json: Self.restanques)
            #expect(created.status == .created)
            let body = try #require(created.problem)
            let id = try #require(body["id"] as? String)
            #expect(body["name"] as? String == "Ferme des Restanques")
            #expect(body["kind"] as? String == "producer")
            // Spaces typed in the SIRET are dropped.
            #expect(body["siret"] as? String == "52345678900016")
            // 13400 (Aubagne): the Bouches-du-Rhône, in Provence-Alpes-Côte d'Azur.
            #expect(body["departement"] as? String == "13")
            #expect(body["region"] as? String == "Provence-Alpes-Côte d'Azur")
            // No intermediary: a short circuit, and CIRCUIT_COURT joins its labels, in the standard's order.
            #expect(body["intermediaries"] as? Int == 0)
            #expect(body["shortCircuit"] as? Bool == true)
            #expect(body["labels"] as? [String] == ["BIO", "CIRCUIT_COURT", "LOCAL"])
            #expect((body["localDefinition"] as? [String: Any])?["kind"] as? String == "departement")
            #expect(body["inQpv"] as? Bool == false)
            #expect(body["defaultFamily"] as? String == "fruits-legumes")

            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            #expect(try await coordinator.json(.GET, "\(base)/suppliers/\(id)")["commune"] as? String == "Aubagne")
            let listed = Self.items(try await staff.json(.GET, "\(base)/suppliers"))
            #expect(listed.contains { $0["id"] as? String == id })

            // The same name twice: refused.
            let duplicate = try await staff.send(.POST, "\(base)/suppliers", json: #"{"name":"Ferme des Restanques","kind":"producer"}"#)
            #expect(duplicate.status == .unprocessableEntity)
            #expect(Set(Self.errors(duplicate).keys) == ["name"])
            // A SIRET whose key is wrong (Luhn), a kind that is not one, a 4-digit postal code.
            let bad = try await staff.send(.POST, "\(base)/suppliers", json: #"{"name":"Grossiste du MIN","siret":"12345678901234","kind":"grossiste","postalCode":"1340"}"#)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(Self.errors(bad).keys) == ["siret", "kind", "postalCode"])
            // Three intermediaries are no short circuit; LOCAL needs a definition.
            let inconsistent = try await staff.send(.POST, "\(base)/suppliers", json: #"{"name":"Centrale d'achat","kind":"wholesaler","intermediaries":3,"labels":["CIRCUIT_COURT","LOCAL"]}"#)
            #expect(Set(Self.errors(inconsistent).keys) == ["intermediaries", "localDefinition"])
            #expect(try await Supplier.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$name == "Grossiste du MIN").count() == 0)

            // A member does not buy for the cooperative; another cooperative does not see it.
            let member = try await APIClient.forDemo("societaire@maillage.example", app: app)
            #expect(try await member.send(.GET, "\(base)/suppliers").status == .forbidden)
            #expect(try await member.send(.POST, "\(base)/suppliers", json: #"{"name":"X","kind":"producer"}"#).status == .forbidden)
            let avignon = try await APIClient.forDemo("coordination.avignon@maillage.example", app: app)
            #expect(try await avignon.send(.GET, "\(base)/suppliers").status == .notFound)
            #expect(try await avignon.send(.GET, "\(base)/suppliers/\(id)").status == .notFound)
            let avignonBase = Self.base(try await Demo.cooperative(Demo.avignon, app: app))
            #expect(try await avignon.send(.GET, "\(avignonBase)/suppliers/\(id)").status == .notFound)
            let theirs = Self.items(try await avignon.json(.GET, "\(avignonBase)/suppliers"))
            #expect(!theirs.contains { $0["id"] as? String == id })
        }
    }

    // MARK: 2. Purchases

    @Test func aPurchaseLineWithoutCharacteristicsTakesTheSuppliers() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = Self.base(coop)
            let staff = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let farm = try await Self.supplier(staff, base, Self.restanques)
            let response = try await staff.send(.POST, "\(base)/purchases", json: #"""
            {"supplierID":"\#(farm)","date":"2019-03-12","reference":"FA-2019-0312","lines":[
              {"description":"Courgettes bio","priceCents":4800,"quantity":20,"unit":"kg"},
              {"description":"Poulet fermier Label rouge","family":"viandes-volailles","priceCents":6000,"quantity":4,"unit":"pièce","characteristics":["LABEL_ROUGE","FRANCE"]},
              {"description":"Huile de tournesol","family":"autres","priceCents":1200,"characteristics":[]}]}
            """#)
            #expect(response.status == .created, "\(response.body.string)")
            let body = try #require(response.problem)
            let id = try #require(body["id"] as? String)
            // 48,00 + 60,00 + 12,00 € HT.
            #expect(body["totalCents"] as? Int == 12_000)
            #expect(body["date"] as? String == "2019-03-12")
            #expect(body["reference"] as? String == "FA-2019-0312")
            #expect(body["supplierName"] as? String == "Ferme des Restanques")
            #expect(body["source"] as? String == "api")
            #expect(body["createdBy"] as? String == "Samir Ouali")
            let lines = Self.lines(body)
            try #require(lines.count == 3)
            // No characteristics and no family: the supplier's (organic, short circuit, local by département; vegetables).
            #expect(lines[0]["family"] as? String == "fruits-legumes")
            #expect(lines[0]["characteristics"] as? [String] == ["BIO", "CIRCUIT_COURT", "LOCAL"])
            #expect((lines[0]["localDefinition"] as? [String: Any])?["kind"] as? String == "departement")
            #expect(lines[0]["egalim"] as? String == "bio")
            #expect(Self.double(lines[0]["quantity"]) == 20)
            // Its own characteristics: an official quality sign, of French origin.
            #expect(lines[1]["characteristics"] as? [String] == ["LABEL_ROUGE", "FRANCE"])
            #expect(lines[1]["egalim"] as? String == "official-quality")
            #expect(lines[1]["localDefinition"] == nil)
            // An empty list is "none", not "the supplier's".
            #expect((lines[2]["characteristics"] as? [String])?.isEmpty == true)
            #expect(lines[2]["egalim"] as? String == "none")

            let recorded = try await Purchase.query(on: app.db).filter(\.$cooperativeID == coop.id!).count()
            let read = try await staff.json(.GET, "\(base)/purchases/\(id)")
            #expect(Self.lines(read).map { $0["description"] as? String ?? "" } == ["Courgettes bio", "Poulet fermier Label rouge", "Huile de tournesol"])
            let ofTheYear = Self.items(try await staff.json(.GET, "\(base)/purchases?year=2019"))
            #expect(ofTheYear.contains { $0["id"] as? String == id })

            // A purchase dated tomorrow, from an unknown supplier, with wrong lines: refused, nothing written.
            let tomorrow = CalendarDay.today.adding(days: 1)
            let future = try await staff.send(.POST, "\(base)/purchases", json: #"{"supplierID":"\#(farm)","date":"\#(tomorrow)","lines":[{"description":"Courgettes bio","priceCents":4800}]}"#)
            #expect(future.status == .unprocessableEntity)
            #expect(Set(Self.errors(future).keys) == ["date"])
            let stranger = try await staff.send(.POST, "\(base)/purchases", json: #"{"supplierID":"\#(UUID())","date":"2019-03-12","lines":[{"description":"Courgettes","family":"fruits-legumes","priceCents":4800}]}"#)
            #expect(stranger.status == .unprocessableEntity)
            #expect(Set(Self.errors(stranger).keys) == ["supplierID"])
            let notAnID = try await staff.send(.POST, "\(base)/purchases", json: #"{"supplierID":"ferme","date":"2019-03-12","lines":[{"description":"Courgettes","family":"fruits-legumes","priceCents":4800}]}"#)
            #expect(Set(Self.errors(notAnID).keys) == ["supplierID"])
            let wrongLines = try await staff.send(.POST, "\(base)/purchases", json: #"""
            {"supplierID":"\#(farm)","date":"2019-03-12","lines":[
              {"description":"Pain de campagne","family":"boulangerie","priceCents":300,"characteristics":["BIO","NATURE"]},
              {"description":"Lentilles","family":"legumineuses","priceCents":-5}]}
            """#)
            #expect(wrongLines.status == .unprocessableEntity)
            #expect(Set(Self.errors(wrongLines).keys) == ["lines[0].characteristics[1]", "lines[1].family", "lines[1].priceCents"])
            #expect(try await Purchase.query(on: app.db).filter(\.$cooperativeID == coop.id!).count() == recorded)

            // The funder reads figures, not invoices; other cooperatives see nothing.
            let funder = try await APIClient.forDemo("financeur@maillage.example", app: app)
            #expect(try await funder.send(.GET, "\(base)/purchases/\(id)").status == .forbidden)
            let member = try await APIClient.forDemo("societaire@maillage.example", app: app)
            #expect(try await member.send(.GET, "\(base)/purchases?year=2019").status == .forbidden)
            let avignon = try await APIClient.forDemo("coordination.avignon@maillage.example", app: app)
            #expect(try await avignon.send(.GET, "\(base)/purchases/\(id)").status == .notFound)
        }
    }

    // MARK: 3. Indicators

    @Test func theIndicatorsOfAPastYearAreTheOnesComputedByHand() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = Self.base(coop)
            let staff = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let farm = try await Self.supplier(staff, base, Self.restanques)
            let grocery = try await Self.supplier(staff, base, Self.solidarityGrocery)
            let butcherID = try await Self.supplier(staff, base, Self.butcher)
            // The farm: courgettes with its labels (organic, short circuit, local by département),
            // apples declared local by région only.
            _ = try await Self.purchase(staff, base, supplier: farm, date: "2019-03-12", lines: #"""
                [{"description":"Courgettes bio","priceCents":4800,"quantity":20,"unit":"kg"},
                 {"description":"Pommes","family":"fruits-legumes","priceCents":2000,"characteristics":["LOCAL"],"localDefinition":{"kind":"region"}}]
                """#)
            // The solidarity grocery (QPV, social economy): rice with an IGP, pasta without anything.
            _ = try await Self.purchase(staff, base, supplier: grocery, date: "2019-05-20", lines: #"""
                [{"description":"Riz de Camargue IGP","family":"autres","priceCents":2500,"characteristics":["IGP"]},
                 {"description":"Pâtes","family":"autres","priceCents":1500}]
                """#)
            // The butcher: Label rouge lamb local by its 30 km, sausages with its labels only,
            // sea bream with a sustainable fishing label.
            _ = try await Self.purchase(staff, base, supplier: butcherID, date: "2019-06-04", lines: #"""
                [{"description":"Agneau de Sisteron Label rouge","family":"viandes-volailles","priceCents":9000,"characteristics":["LABEL_ROUGE","CIRCUIT_COURT","LOCAL"]},
                 {"description":"Merguez","family":"viandes-volailles","priceCents":3000},
                 {"description":"Dorade","family":"produits-de-la-mer","priceCents":2600,"characteristics":["PECHE_DURABLE"]}]
                """#)

            let funder = try await APIClient.forDemo("financeur@maillage.example", app: app)
            let response = try await funder.send(.GET, "\(base)/sourcing/indicators?year=2019")
            #expect(response.status == .ok)
            let figures = try #require(response.problem)
            // Total: 48 + 20 + 25 + 15 + 90 + 30 + 26 = 254,00 € HT.
            let total = 25_400.0
            #expect(figures["from"] as? String == "2019-01-01")
            #expect(figures["to"] as? String == "2019-12-31")
            #expect(figures["totalCents"] as? Int == 25_400)
            // Organic: the courgettes, 48 €.
            #expect(figures["bioCents"] as? Int == 4_800)
            #expect(Self.close(figures["bioShare"], 4_800 / total))
            // Official signs: rice (IGP) 25 € + lamb (Label rouge) 90 €.
            #expect(figures["officialQualityCents"] as? Int == 11_500)
            // EGAlim: 48 + 115 + the sea bream (sustainable fishing) 26 = 189 €, 74,4 %.
            #expect(figures["egalimCents"] as? Int == 18_900)
            #expect(Self.close(figures["egalimShare"], 18_900 / total))
            // Meat and fish: 90 + 30 + 26 = 146 €, of which lamb and sea bream are EGAlim: 116 €.
            #expect(Self.close(figures["meatFishEgalimShare"], 11_600 / 14_600.0))
            // Local by the département (default): only the courgettes; the apples are local by région,
            // the butcher's lines by 30 km, neither fits a département.
            #expect((figures["localDefinition"] as? [String: Any])?["kind"] as? String == "departement")
            #expect(Self.close(figures["localShare"], 4_800 / total))
            // Short circuit: courgettes 48 + lamb 90 + merguez 30 = 168 €.
            #expect(Self.close(figures["shortCircuitShare"], 16_800 / total))
            // In a QPV and from the social economy: the grocery, 25 + 15 = 40 €.
            #expect(Self.close(figures["qpvShare"], 4_000 / total))
            #expect(Self.close(figures["essShare"], 4_000 / total))
            let targets = figures["targets"] as? [String: Any]
            #expect(Self.close(targets?["egalim"], 0.5))
            #expect(Self.close(targets?["bio"], 0.2))

            let families = try #require(figures["byFamily"] as? [[String: Any]])
            #expect(families.map { $0["key"] as? String ?? "" } == ["viandes-volailles", "produits-de-la-mer", "fruits-legumes", "autres"])
            #expect(families.map { $0["totalCents"] as? Int ?? -1 } == [12_000, 2_600, 6_800, 4_000])
            #expect(families.map { $0["egalimCents"] as? Int ?? -1 } == [9_000, 2_600, 4_800, 2_500])
            #expect(families.map { $0["bioCents"] as? Int ?? -1 } == [0, 0, 4_800, 0])
            #expect(families.map { $0["localCents"] as? Int ?? -1 } == [0, 0, 4_800, 0])
            #expect(families.first?["label"] as? String == "Viandes et volailles")
            #expect(Self.close(families.first { $0["key"] as? String == "fruits-legumes" }?["share"], 6_800 / total))
            // By supplier, the largest first: butcher 146 €, farm 68 €, grocery 40 €.
            let suppliers = try #require(figures["bySupplier"] as? [[String: Any]])
            #expect(suppliers.map { $0["key"] as? String ?? "" } == [butcherID, farm, grocery].map { $0.lowercased() })
            #expect(suppliers.map { $0["label"] as? String ?? "" } == ["Boucherie Saint-Julien", "Ferme des Restanques", "Épicerie solidaire des Caillols"])
            #expect(suppliers.map { $0["totalCents"] as? Int ?? -1 } == [14_600, 6_800, 4_000])
            #expect(suppliers.map { $0["egalimCents"] as? Int ?? -1 } == [11_600, 4_800, 2_500])
            #expect(Self.close(suppliers.first?["share"], 14_600 / total))

            // May only: the grocery's purchase, all in a QPV and in the social economy; 25 of 40 € EGAlim.
            let may = try await funder.json(.GET, "\(base)/sourcing/indicators?from=2019-05-01&to=2019-05-31")
            #expect(may["totalCents"] as? Int == 4_000)
            #expect(Self.close(may["qpvShare"], 1))
            #expect(Self.close(may["essShare"], 1))
            #expect(Self.close(may["egalimShare"], 0.625))
            #expect(may["meatFishEgalimShare"] == nil)
            // Nothing bought in 2018: no share at all (a share of nothing is not 0 %).
            let empty = try await funder.json(.GET, "\(base)/sourcing/indicators?year=2018")
            #expect(empty["totalCents"] as? Int == 0)
            #expect(Self.double(empty["egalimShare"]) == nil)
            #expect(Self.double(empty["bioShare"]) == nil)
            #expect((empty["byFamily"] as? [Any])?.isEmpty == true)
            #expect((empty["bySupplier"] as? [Any])?.isEmpty == true)
            #expect(try await funder.send(.GET, "\(base)/sourcing/indicators?year=1999").status == .unprocessableEntity)

            // Only the coordination says what "local" means.
            let member = try await APIClient.forDemo("societaire@maillage.example", app: app)
            #expect(try await member.send(.GET, "\(base)/sourcing/indicators?year=2019").status == .forbidden)
            #expect(try await staff.send(.PUT, "\(base)/sourcing-settings", json: #"{"localDefinition":{"kind":"km","km":50}}"#).status == .forbidden)
            let avignon = try await APIClient.forDemo("coordination.avignon@maillage.example", app: app)
            #expect(try await avignon.send(.PUT, "\(base)/sourcing-settings", json: #"{"localDefinition":{"kind":"km","km":50}}"#).status == .notFound)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let noDistance = try await coordinator.send(.PUT, "\(base)/sourcing-settings", json: #"{"localDefinition":{"kind":"km"}}"#)
            #expect(noDistance.status == .unprocessableEntity)
            #expect(Set(Self.errors(noDistance).keys) == ["localDefinition.km"])

            // The région: the courgettes (a département is in its région) and the apples, 68 €.
            #expect(try await coordinator.send(.PUT, "\(base)/sourcing-settings", json: #"{"localDefinition":{"kind":"region"}}"#).status == .ok)
            let region = try await funder.json(.GET, "\(base)/sourcing/indicators?year=2019")
            #expect(Self.close(region["localShare"], 6_800 / total))
            // Within 50 km: the butcher's lamb and merguez (30 km), 120 €; a département or a
            // région is no distance.
            let saved = try await coordinator.send(.PUT, "\(base)/sourcing-settings", json: #"{"localDefinition":{"kind":"km","km":50}}"#)
            #expect(saved.status == .ok)
            #expect((saved.problem?["localDefinition"] as? [String: Any])?["kind"] as? String == "km")
            #expect((saved.problem?["localDefinition"] as? [String: Any])?["km"] as? Int == 50)
            let settings = try await funder.json(.GET, "\(base)/sourcing-settings")
            #expect((settings["localDefinition"] as? [String: Any])?["km"] as? Int == 50)
            let km = try await funder.json(.GET, "\(base)/sourcing/indicators?year=2019")
            #expect((km["localDefinition"] as? [String: Any])?["kind"] as? String == "km")
            #expect(Self.close(km["localShare"], 12_000 / total))
            #expect((km["byFamily"] as? [[String: Any]])?.first?["localCents"] as? Int == 12_000)
            // The rest does not move.
            #expect(Self.close(km["egalimShare"], 18_900 / total))
        }
    }

    // MARK: 4. The purchases file

    /// A French spreadsheet's export: semicolons, a BOM, CRLF, decimal commas, a French date, a
    /// known supplier typed in lower case and a new one.
    static let purchasesFile = "\u{FEFF}" + """
    description;fournisseur;date;prix_ht;famille_produits;categories_egalim;origine;est_circuit_court;est_local;definition_local;definition_local_km
    Courgettes bio;Ferme des Restanques;2019-04-02;48,00;FRUITS_ET_LEGUMES;BIO;FRANCE;oui;oui;DEPARTEMENT;
    Fromage de chèvre AOP;ferme des restanques;02/04/2019;35,50;PRODUITS_LAITIERS;AOCAOP;FRANCE;oui;non;;
    Lentilles vertes;Épicerie paysanne du Prado;2019-04-15;12,30;autres;BIO,COMMERCE_EQUITABLE;;non;non;;
    Filets de merlu;Épicerie paysanne du Prado;2019-04-15;1 234,56;PRODUITS_DE_LA_MER;PECHE_DURABLE;EUROPE;non;oui;KM;80

    """.replacingOccurrences(of: "\n", with: "\r\n")

    static let exportHeader = "description,fournisseur,date,prix_ht,famille_produits,categories_egalim,origine,est_circuit_court,est_local,definition_local,definition_local_km"

    @Test func aPurchasesFileIsCheckedImportedExportedAndReadBack() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = Self.base(coop)
            let staff = try await APIClient.forDemo("caisse@maillage.example", app: app)
            _ = try await Self.supplier(staff, base, Self.restanques)
            let newName = "Épicerie paysanne du Prado"
            func savedLines() async throws -> Int { try await PurchaseLine.query(on: app.db).filter(\.$cooperativeID == coop.id!).count() }
            func newSupplierCount() async throws -> Int {
                try await Supplier.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$name == newName).count()
            }
            let before = try await savedLines()

            // A dry run reads every line and saves nothing.
            let dry = try await Self.sendCSV(staff, "\(base)/purchases/import?dryRun=true", Self.purchasesFile)
            #expect(dry.status == .ok, "\(dry.body.string)")
            let preview = try #require(dry.problem)
            #expect(preview["dryRun"] as? Bool == true)
            #expect(preview["imported"] as? Int == 4)
            // The farm on 2 April (two lines), the grocery on 15 April (two lines).
            #expect(preview["purchases"] as? Int == 2)
            #expect((preview["errors"] as? [Any])?.isEmpty == true)
            #expect(preview["newSuppliers"] as? [String] == [newName])
            #expect(try await savedLines() == before)
            #expect(try await newSupplierCount() == 0)

            // A price in words on line 3, a family that is not one on line 4 (the header is line 1).
            let wrong = Self.purchasesFile.replacingOccurrences(of: ";35,50;", with: ";trente-cinq;").replacingOccurrences(of: ";autres;", with: ";LEGUMINEUSES;")
            let checked = try await Self.sendCSV(staff, "\(base)/purchases/import?dryRun=true", wrong)
            #expect(checked.status == .ok)
            #expect((checked.problem?["errors"] as? [Any])?.count == 2)
            let refused = try await Self.sendCSV(staff, "\(base)/purchases/import?dryRun=false", wrong)
            #expect(refused.status == .unprocessableEntity)
            let problems = try #require(refused.problem?["errors"] as? [[String: Any]])
            #expect(problems.map { $0["line"] as? Int ?? 0 } == [3, 4])
            #expect(problems.map { $0["field"] as? String ?? "" } == ["prix_ht", "famille_produits"])
            #expect(problems.allSatisfy { !($0["message"] as? String ?? "").isEmpty })
            #expect(refused.problem?["imported"] as? Int == 0)
            // Nothing at all, not even the new supplier.
            #expect(try await savedLines() == before)
            #expect(try await newSupplierCount() == 0)

            // Corrected: every line, grouped by supplier and day; the new supplier is created, to complete.
            let imported = try await Self.sendCSV(staff, "\(base)/purchases/import?dryRun=false", Self.purchasesFile)
            #expect(imported.status == .ok, "\(imported.body.string)")
            let result = try #require(imported.problem)
            #expect(result["dryRun"] as? Bool == false)
            #expect(result["imported"] as? Int == 4)
            #expect(result["purchases"] as? Int == 2)
            #expect((result["errors"] as? [Any])?.isEmpty == true)
            #expect(result["newSuppliers"] as? [String] == [newName])
            #expect(try await savedLines() == before + 4)
            let suppliers = Self.items(try await staff.json(.GET, "\(base)/suppliers"))
            let created = try #require(suppliers.first { $0["name"] as? String == newName })
            #expect(created["kind"] == nil)
            #expect((created["labels"] as? [String])?.isEmpty == true)
            let purchases = Self.items(try await staff.json(.GET, "\(base)/purchases?year=2019"))
            let farmPurchase = try #require(purchases.first { $0["supplierName"] as? String == "Ferme des Restanques" })
            // 48,00 + 35,50 €.
            #expect(farmPurchase["totalCents"] as? Int == 8_350)
            #expect(farmPurchase["date"] as? String == "2019-04-02")
            #expect(farmPurchase["source"] as? String == "import")
            let groceryPurchase = try #require(purchases.first { $0["supplierName"] as? String == newName })
            // 12,30 + 1 234,56 €.
            #expect(groceryPurchase["totalCents"] as? Int == 124_686)
            #expect(groceryPurchase["date"] as? String == "2019-04-15")
            #expect(purchases.filter { $0["source"] as? String == "import" }.count == 2)
            let merlu = try #require(try await PurchaseLine.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$description == "Filets de merlu").first())
            #expect(merlu.egalim == "other-egalim")
            #expect(merlu.characteristics == "PECHE_DURABLE,EUROPE,LOCAL")
            #expect(merlu.localKind == "km")
            #expect(merlu.localKm == 80)

            // The export: ma-cantine's columns, comma-separated, prices with a point.
            let export = try await staff.send(.GET, "\(base)/purchases/export?year=2019")
            #expect(export.status == .ok)
            #expect(export.headers.contentType?.type == "text")
            #expect(export.headers.contentType?.subType == "csv")
            #expect(export.headers.first(name: .contentDisposition)?.contains("achats-2019.csv") == true)
            let text = export.body.string
            let rows = text.split(whereSeparator: { $0.isNewline }).map(String.init)
            #expect(rows.first == Self.exportHeader)
            #expect(Array(rows.dropFirst()) == [
                "Courgettes bio,Ferme des Restanques,2019-04-02,48.00,FRUITS_ET_LEGUMES,BIO,FRANCE,oui,oui,DEPARTEMENT,",
                "Fromage de chèvre AOP,Ferme des Restanques,2019-04-02,35.50,PRODUITS_LAITIERS,AOCAOP,FRANCE,oui,non,,",
                "Lentilles vertes,Épicerie paysanne du Prado,2019-04-15,12.30,AUTRES,\"BIO,COMMERCE_EQUITABLE\",,non,non,,",
                "Filets de merlu,Épicerie paysanne du Prado,2019-04-15,1234.56,PRODUITS_DE_LA_MER,PECHE_DURABLE,EUROPE,non,oui,KM,80",
            ])
            // Round trip: the exported file reads back without an error, every supplier known.
            let again = try await Self.sendCSV(staff, "\(base)/purchases/import?dryRun=true", text)
            #expect(again.status == .ok)
            #expect((again.problem?["errors"] as? [Any])?.isEmpty == true, "\(again.body.string)")
            #expect(again.problem?["imported"] as? Int == 4)
            #expect(again.problem?["purchases"] as? Int == 2)
            #expect((again.problem?["newSuppliers"] as? [String])?.isEmpty == true)
            #expect(try await savedLines() == before + 4)

            // The funder does not import.
            let funder = try await APIClient.forDemo("financeur@maillage.example", app: app)
            #expect(try await Self.sendCSV(funder, "\(base)/purchases/import?dryRun=true", Self.purchasesFile).status == .forbidden)
        }
    }

    // MARK: 5. Invoice files

    /// A tiny PDF: its magic number, a binary comment line, a catalogue and a trailer.
    static let pdf: [UInt8] = {
        var bytes: [UInt8] = Array("%PDF-1.4\n".utf8)
        bytes.append(contentsOf: [0x25, 0xE2, 0xE3, 0xCF, 0xD3, 0x0A])
        bytes.append(contentsOf: Array("1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".utf8))
        return bytes
    }()

    @Test func anInvoiceFileIsAttachedAndServedBack() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = Self.base(coop)
            let staff = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let farm = try await Self.supplier(staff, base, Self.restanques)
            let purchase = try await Self.purchase(staff, base, supplier: farm, date: "2019-03-12",
                                                   lines: #"[{"description":"Courgettes bio","priceCents":4800,"quantity":20,"unit":"kg"}]"#)
            let id = try #require(purchase["id"] as? String)
            #expect(purchase["attachment"] == nil)
            let path = "\(base)/purchases/\(id)/attachment"

            var named = HTTPHeaders()
            named.add(name: "X-Filename", value: "facture-FA-2019-0312.pdf")
            let attached = try await Self.sendRaw(staff, .PUT, path, contentType: HTTPMediaType(type: "application", subType: "pdf"), bytes: Self.pdf, headers: named)
            #expect(attached.status == .ok, "\(attached.body.string)")
            let attachment = try #require(attached.problem?["attachment"] as? [String: Any])
            #expect(attachment["name"] as? String == "facture-FA-2019-0312.pdf")
            #expect(attachment["contentType"] as? String == "application/pdf")
            #expect(attachment["url"] as? String == "/api/v1/coops/\(coop.id!.uuidString.lowercased())/purchases/\(id.lowercased())/attachment")

            let served = try await staff.send(.GET, path)
            #expect(served.status == .ok)
            #expect(served.headers.first(name: .contentType) == "application/pdf")
            #expect(Array(served.body.readableBytesView) == Self.pdf)

            // A text file, even one that claims to be a PDF, and an empty body: refused, the PDF stays.
            let text = Array("Facture n° 118 : 120,00 € HT".utf8)
            let plain = try await Self.sendRaw(staff, .PUT, path, contentType: .plainText, bytes: text)
            #expect(plain.status == .unprocessableEntity)
            #expect(Set(Self.errors(plain).keys) == ["file"])
            let disguised = try await Self.sendRaw(staff, .PUT, path, contentType: HTTPMediaType(type: "application", subType: "pdf"), bytes: text)
            #expect(Set(Self.errors(disguised).keys) == ["file"])
            let nothing = try await Self.sendRaw(staff, .PUT, path, contentType: HTTPMediaType(type: "application", subType: "pdf"), bytes: [])
            #expect(nothing.status == .unprocessableEntity)
            #expect(Self.errors(nothing)["file"] != nil)
            let kept = try await staff.send(.GET, path)
            #expect(Array(kept.body.readableBytesView) == Self.pdf)
            let read = try await staff.json(.GET, "\(base)/purchases/\(id)")
            #expect((read["attachment"] as? [String: Any])?["name"] as? String == "facture-FA-2019-0312.pdf")

            // Another cooperative's coordinator: neither through this cooperative nor through hers.
            let avignon = try await APIClient.forDemo("coordination.avignon@maillage.example", app: app)
            #expect(try await avignon.send(.GET, path).status == .notFound)
            let avignonBase = Self.base(try await Demo.cooperative(Demo.avignon, app: app))
            #expect(try await avignon.send(.GET, "\(avignonBase)/purchases/\(id)/attachment").status == .notFound)
            #expect(try await Self.sendRaw(avignon, .PUT, "\(avignonBase)/purchases/\(id)/attachment",
                                           contentType: HTTPMediaType(type: "application", subType: "pdf"), bytes: Self.pdf).status == .notFound)
        }
    }

    // MARK: 6. Portion cost

    @Test func aRecipeCostsItsPortionFromTheLatestPurchases() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = Self.base(coop)
            let staff = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let farm = try await Self.supplier(staff, base, Self.restanques)
            // June: courgettes at 60,00 € for 20 kg (3,00 €/kg), superseded in September.
            _ = try await Self.purchase(staff, base, supplier: farm, date: "2019-06-01",
                                        lines: #"[{"description":"Courgettes bio (Restanques)","priceCents":6000,"quantity":20,"unit":"kg"}]"#)
            // September: courgettes 48,00 € for 20 kg → 240 cents/kg; tomatoes 31,00 € for 10 kg → 310 cents/kg.
            _ = try await Self.purchase(staff, base, supplier: farm, date: "2019-09-10", lines: #"""
                [{"description":"Courgettes bio (Restanques)","priceCents":4800,"quantity":20,"unit":"kg"},
                 {"description":"Tomates (Restanques)","priceCents":3100,"quantity":10,"unit":"kg"}]
                """#)
            // October: a crate of courgettes without a quantity gives no unit price.
            _ = try await Self.purchase(staff, base, supplier: farm, date: "2019-10-01",
                                        lines: #"[{"description":"Courgettes (Restanques), cagette","priceCents":1500}]"#)

            let products = Self.items(try await staff.json(.GET, "\(base)/products"))
            let mealID = try #require(products.first { $0["name"] as? String == "Repas du midi" }?["id"] as? String)
            let created = try await staff.send(.POST, "\(base)/recipes", json: #"""
            {"name":"Ratatouille","portions":10,"productID":"\#(mealID)","ingredients":[
              {"name":"Courgettes","quantity":1500,"usageUnit":"g","usagePerPurchaseUnit":1000,"yieldPercent":90,"match":"courgettes restanques"},
              {"name":"Tomates","quantity":1000,"usageUnit":"g","usagePerPurchaseUnit":1000,"yieldPercent":95,"match":"tomates restanques"},
              {"name":"Basilic","quantity":20,"usageUnit":"g","usagePerPurchaseUnit":1000,"match":"basilic restanques"}]}
            """#)
            #expect(created.status == .created, "\(created.body.string)")
            let recipeID = try #require(created.problem?["id"] as? String)
            let stored = try #require(created.problem?["ingredients"] as? [[String: Any]])
            // Defaults filled: basil loses nothing.
            #expect(stored.last?["yieldPercent"] as? Int == 100)

            let again = try await staff.send(.POST, "\(base)/recipes", json: #"""
            {"name":"Ratatouille","portions":0,"productID":"\#(UUID())","ingredients":[{"name":"Courgettes","quantity":1500,"yieldPercent":0}]}
            """#)
            #expect(again.status == .unprocessableEntity)
            #expect(Set(Self.errors(again).keys) == ["name", "portions", "productID", "ingredients[0].yieldPercent"])

            let response = try await staff.send(.GET, "\(base)/recipes/\(recipeID)/cost")
            #expect(response.status == .ok, "\(response.body.string)")
            let cost = try #require(response.problem)
            // Courgettes: 1 500 g / 1 000 / 90 % × 240 = 400 cents.
            // Tomatoes: 1 000 g / 1 000 / 95 % × 310 = 326,3 cents.
            // Total 726,3 → 726 cents; a portion 72,63 → 73 cents; basil never bought.
            #expect(cost["totalCents"] as? Int == 726)
            #expect(cost["portionCents"] as? Int == 73)
            #expect(cost["portions"] as? Int == 10)
            #expect(cost["complete"] as? Bool == false)
            let ingredients = try #require(cost["ingredients"] as? [[String: Any]])
            try #require(ingredients.count == 3)
            #expect(ingredients[0]["costCents"] as? Int == 400)
            let courgettes = ingredients[0]["source"] as? [String: Any]
            #expect(courgettes?["date"] as? String == "2019-09-10")
            #expect(courgettes?["supplier"] as? String == "Ferme des Restanques")
            #expect(Self.close(courgettes?["unitPriceCents"], 240))
            #expect(ingredients[1]["costCents"] as? Int == 326)
            #expect(Self.close((ingredients[1]["source"] as? [String: Any])?["unitPriceCents"], 310))
            #expect(ingredients[2]["name"] as? String == "Basilic")
            #expect(ingredients[2]["costCents"] == nil)
            #expect(ingredients[2]["source"] == nil)
            #expect((cost["product"] as? [String: Any])?["name"] as? String == "Repas du midi")

            // What each tier pays for the meal under the grid in force, less the VAT (10 %) and the portion.
            // With the demo grid (25, 50, 75, 100 % of 9,00 €): T1 2,25 € → 2,05 € HT → margin 132;
            // T2 4,50 → 4,09 → 336; T3 6,75 → 6,14 → 541; T4 and public 9,00 → 8,18 → 745.
            let scope = try await TestActors.scope("coordination@maillage.example", coop: coop, app: app)
            let grid = try #require(try await TradeRepository(db: app.db, scope: scope).currentGrid(on: .today)).grid
            let meal = try #require(try await Product.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$name == "Repas du midi").first())
            let expectedTiers: [Tier] = grid.brackets.indices.map { Tier.bracket($0 + 1) } + [Tier.publicPrice]
            let prices = expectedTiers.map { TariffRules.price(publicCents: meal.publicPriceCents, category: meal.category, tier: $0, familyQuotient: nil, grid: grid) }
            let tiers = try #require(cost["tiers"] as? [[String: Any]])
            #expect(tiers.map { $0["tier"] as? String ?? "" } == expectedTiers.map(\.description))
            #expect(tiers.map { $0["priceCents"] as? Int ?? -1 } == prices)
            #expect(tiers.map { $0["marginCents"] as? Int ?? -1 } == prices.map { $0 - VATRate.intermediate.vatIncluded(in: $0) - 73 })
            // The public price does not depend on the grid: 9,00 € TTC, 8,18 € HT, 8,18 − 0,73.
            #expect(tiers.last?["tier"] as? String == "public")
            #expect(tiers.last?["priceCents"] as? Int == 900)
            #expect(tiers.last?["marginCents"] as? Int == 745)

            // The funder reads indicators, not recipes.
            let funder = try await APIClient.forDemo("financeur@maillage.example", app: app)
            #expect(try await funder.send(.GET, "\(base)/recipes/\(recipeID)/cost").status == .forbidden)
        }
    }

    // MARK: 7. Pages

    @Test func thePagesRecordASupplierAndAPurchase() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let page = "/coops/\(coop.id!.uuidString.lowercased())"
            var staff = Browser(app)
            try await staff.login("caisse@maillage.example")
            let suppliers = try await staff.get("\(page)/suppliers")
            #expect(suppliers.status == .ok)
            #expect(suppliers.body.string.contains("id=\"supplier-form\""))

            let form = ["name": "Primeur du Boulevard", "kind": "neighbourhood-shop", "postalCode": "1301", "commune": "Marseille", "intermediaries": "1"]
            let refused = try await staff.post("\(page)/suppliers", form: form)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Un code postal français compte 5 chiffres"))
            #expect(refused.body.string.contains("value=\"Primeur du Boulevard\""))
            var fixed = form
            fixed["postalCode"] = "13012"
            let created = try await staff.post("\(page)/suppliers", form: fixed)
            #expect(created.status == .seeOther)
            #expect(created.headers.first(name: .location) == "\(page)/suppliers")
            let supplier = try #require(try await Supplier.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$name == "Primeur du Boulevard").first())
            #expect(supplier.departement == "13")
            #expect(supplier.labels == "CIRCUIT_COURT")

            // The purchase form, with two ticked characteristics and LOCAL (the cooperative's definition).
            _ = try await staff.get("\(page)/purchases")
            let linesBefore = try await PurchaseLine.query(on: app.db).filter(\.$cooperativeID == coop.id!).count()
            let fields: [(String, String)] = [
                ("supplierID", supplier.id!.uuidString), ("date", "2019-11-05"), ("reference", ""),
                ("description1", "Pommes de terre"), ("family1", "fruits-legumes"), ("price1", "42,50"), ("quantity1", "25"), ("unit1", "kg"),
                ("char1[]", "BIO"), ("char1[]", "FRANCE"), ("char1[]", "LOCAL"),
            ]
            let badPrice = try await staff.postRepeating("\(page)/purchases", fields.map { $0.0 == "price1" ? ($0.0, "quarante") : $0 })
            #expect(badPrice.status == .unprocessableEntity)
            #expect(badPrice.body.string.contains("Un prix s&#39;écrit en euros") || badPrice.body.string.contains("Un prix s'écrit en euros"))
            #expect(try await PurchaseLine.query(on: app.db).filter(\.$cooperativeID == coop.id!).count() == linesBefore)
            let recorded = try await staff.postRepeating("\(page)/purchases", fields)
            #expect(recorded.status == .seeOther)
            let location = try #require(recorded.headers.first(name: .location))
            #expect(location.hasPrefix("\(page)/purchases/"))
            let line = try #require(try await PurchaseLine.query(on: app.db).filter(\.$cooperativeID == coop.id!).filter(\.$description == "Pommes de terre").first())
            #expect(line.priceCents == 4_250)
            #expect(line.quantity == 25)
            #expect(line.unit == "kg")
            #expect(line.characteristics == "BIO,FRANCE,LOCAL")
            #expect(line.localKind == "departement")
            #expect(line.egalim == "bio")
            let sheet = try await staff.get(location)
            #expect(sheet.status == .ok)
            #expect(sheet.body.string.contains("Pommes de terre"))
            #expect(sheet.body.string.contains("42,50 €"))
            #expect(sheet.body.string.contains("Primeur du Boulevard"))
            let list = try await staff.get("\(page)/purchases?year=2019")
            #expect(list.body.string.contains("42,50 €"))
            let importPage = try await staff.get("\(page)/purchases/import")
            #expect(importPage.status == .ok)
            #expect(importPage.body.string.contains("id=\"import-form\""))

            // The funder sees the indicators page, not the purchases nor the local definition form.
            var funder = Browser(app)
            try await funder.login("financeur@maillage.example")
            let sourcing = try await funder.get("\(page)/sourcing")
            #expect(sourcing.status == .ok)
            #expect(sourcing.body.string.contains("EGAlim"))
            #expect(!sourcing.body.string.contains("id=\"local-form\""))
            #expect(try await funder.get("\(page)/purchases").status == .forbidden)
        }
    }

    // MARK: 8. Completing a supplier

    @Test func aSupplierCreatedByAnImportIsCompletedLater() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = Self.base(coop)
            let cashier = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let restanques = try await Self.supplier(cashier, base, Self.restanques)
            let file = "description,fournisseur,date,prix_ht,famille_produits\nPoireaux,Primeurs de la Pomme,2019-03-04,18.40,FRUITS_ET_LEGUMES\n"
            #expect(try await Self.sendCSV(cashier, "\(base)/purchases/import?dryRun=false", file).status == .ok)
            let created = try #require(Self.items(try await cashier.json(.GET, "\(base)/suppliers")).first { $0["name"] as? String == "Primeurs de la Pomme" })
            #expect(created["kind"] == nil)
            let id = try #require(created["id"] as? String)

            // Only what is sent changes: the name stays.
            let completed = try await cashier.send(.PATCH, "\(base)/suppliers/\(id)", json: #"{"kind":"neighbourhood-shop","postalCode":"13005","intermediaries":1}"#)
            #expect(completed.status == .ok, "\(completed.body.string)")
            #expect(completed.problem?["kind"] as? String == "neighbourhood-shop")
            #expect(completed.problem?["name"] as? String == "Primeurs de la Pomme")
            #expect(completed.problem?["departement"] as? String == "13")
            #expect(completed.problem?["shortCircuit"] as? Bool == true)
            // Another supplier's name, whatever its capitals, is refused; so is an unknown kind.
            let clash = try await cashier.send(.PATCH, "\(base)/suppliers/\(id)", json: #"{"name":"ferme des restanques","kind":"shop"}"#)
            #expect(clash.status == .unprocessableEntity)
            #expect(Set(Self.errors(clash).keys) == ["name", "kind"])
            // Two intermediaries and still ticked short circuit: a contradiction named.
            let contradiction = try await cashier.send(.PATCH, "\(base)/suppliers/\(id)", json: #"{"intermediaries":2}"#)
            #expect(Self.errors(contradiction)["intermediaries"] != nil)
            #expect(try await cashier.send(.PATCH, "\(base)/suppliers/\(id)", json: #"{"intermediaries":2,"labels":[]}"#).status == .ok)

            let avignon = try await APIClient.forDemo("coordination.avignon@maillage.example", app: app)
            #expect(try await avignon.send(.PATCH, "\(base)/suppliers/\(id)", json: #"{"kind":"producer"}"#).status == .notFound)
            let member = try await APIClient.forDemo("societaire@maillage.example", app: app)
            #expect(try await member.send(.PATCH, "\(base)/suppliers/\(restanques)", json: #"{"kind":"producer"}"#).status == .forbidden)

            // The page's form, pre-filled, completes it too.
            var browser = Browser(app)
            try await browser.login("caisse@maillage.example")
            let page = try await browser.get("/coops/\(coop.id!)/suppliers/\(id)")
            #expect(page.body.string.contains("Modifier ce fournisseur"))
            #expect(page.body.string.contains("value=\"13005\""))
            let refused = try await browser.post("/coops/\(coop.id!)/suppliers/\(id)", form: ["name": "Primeurs de la Pomme", "kind": "producer", "postalCode": "abc"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Un code postal français compte 5 chiffres"))
            let saved = try await browser.post("/coops/\(coop.id!)/suppliers/\(id)", form: ["name": "Primeurs de la Pomme", "kind": "producer", "postalCode": "13005", "commune": "Marseille"])
            #expect(saved.status == .seeOther)
            let stored = try #require(try await Supplier.find(UUID(uuidString: id), on: app.db))
            #expect(stored.kind == "producer")
            #expect(stored.commune == "Marseille")
        }
    }
}

extension Browser {
    /// Posts a form whose keys may repeat (`char1[]` checkboxes), with the CSRF token.
    fileprivate mutating func postRepeating(_ path: String, _ pairs: [(String, String)]) async throws -> TestingHTTPResponse {
        var fields = pairs
        if let csrf { fields.append(("_csrf", csrf)) }
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        return try await send(.POST, path, headers: headers, body: ByteBuffer(string: body))
    }
}
