@testable import MaillageCore
import Testing

private func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

/// Shares that are not binary fractions are compared to a billionth.
private func isClose(_ value: Double?, _ expected: Double) -> Bool {
    guard let value else { return false }
    return abs(value - expected) < 1e-9
}

private typealias Part = SourcingIndicators.Part

private func line(_ cents: Int, _ family: ProductFamily, _ characteristics: Set<PurchaseCharacteristic>, _ local: LocalDefinition? = nil,
                  from supplier: SourcingIndicators.Supplier) -> SourcingIndicators.Line {
    SourcingIndicators.Line(priceCents: cents, family: family, characteristics: characteristics, localDefinition: local, supplier: supplier)
}

/// The restaurant's suppliers: producers, a wholesaler, shops and social economy structures.
private let garlaban = SourcingIndicators.Supplier(id: "S-garlaban", name: "Ferme du Garlaban (Aubagne)", inQpv: false, kind: .producer)
private let durance = SourcingIndicators.Supplier(id: "S-durance", name: "Vergers de la Durance (Cavaillon)", inQpv: false, kind: .producer)
private let drome = SourcingIndicators.Supplier(id: "S-drome", name: "Volailles de la Drôme provençale", inQpv: false, kind: .producer)
private let sainteBaume = SourcingIndicators.Supplier(id: "S-baume", name: "Ferme de la Sainte-Baume", inQpv: false, kind: .producer)
private let wholesaler = SourcingIndicators.Supplier(id: "S-prd", name: "Provence Restauration Distribution", inQpv: false, kind: .wholesaler)
private let fishers = SourcingIndicators.Supplier(id: "S-port", name: "Pêcheurs du Vieux-Port", inQpv: false, kind: .producer)
private let bakery = SourcingIndicators.Supplier(id: "S-plan-aou", name: "Boulangerie du Plan d'Aou", inQpv: true, kind: .neighbourhoodShop)
private let roaster = SourcingIndicators.Supplier(id: "S-scop", name: "Scop Torréfaction du Sud", inQpv: false, kind: .socialEconomy)
private let garden = SourcingIndicators.Supplier(id: "S-busserine", name: "Jardin d'insertion de la Busserine", inQpv: true, kind: .socialEconomy)

@Suite("EGAlim: each line counted once")
struct EgalimClassTests {
    @Test func organicComesFirstThenOfficialSignsThenTheOthers() {
        #expect(EgalimClass.classify([.bio, .labelRouge]) == .bio)
        #expect(EgalimClass.classify([.labelRouge, .hve]) == .officialQuality)
        #expect(EgalimClass.classify([.hve]) == .otherEgalim)
        #expect(EgalimClass.classify([.bio, .hve, .france, .local]) == .bio)
        #expect(EgalimClass.classify([.igp, .sustainableFishing]) == .officialQuality)
    }

    @Test func theOfficialSignsAreLabelRougeAocIgpAndStg() {
        for sign: PurchaseCharacteristic in [.labelRouge, .aocAop, .igp, .stg] {
            #expect(EgalimClass.classify([sign]) == .officialQuality)
        }
        for sign: PurchaseCharacteristic in [.hve, .sustainableFishing, .rup, .farm, .externalities, .performance] {
            #expect(EgalimClass.classify([sign]) == .otherEgalim)
        }
    }

    /// Fair trade, origin, short circuit and local are followed, but EGAlim does not count them.
    @Test func fairTradeOriginShortCircuitAndLocalAreNotEgalim() {
        for followed: PurchaseCharacteristic in [.fairTrade, .france, .europe, .local, .shortCircuit] {
            #expect(EgalimClass.classify([followed]) == EgalimClass.none)
        }
        #expect(EgalimClass.classify([.fairTrade, .france, .local, .shortCircuit]) == EgalimClass.none)
        #expect(EgalimClass.classify([]) == EgalimClass.none)
        #expect(!EgalimClass.none.isEgalim)
        #expect(EgalimClass.otherEgalim.isEgalim)
    }
}

@Suite("Sourcing indicators: a year of a solidarity restaurant in Marseille")
struct SourcingIndicatorsTests {
    /// Thirteen lines, 6 974,35 € excluding VAT:
    /// 124 000 + 68 050 + 93 520 + 31 200 + 42 680 + 57 300 + 88 410 + 21 990 + 64 525 + 47 450
    /// + 18 960 + 15 600 + 23 750 = 697 435 cents.
    let year: [SourcingIndicators.Line] = [
        // 1. Organic vegetables from Aubagne, in the Métropole Aix-Marseille-Provence.
        line(124_000, .fruitsVegetables, [.bio, .shortCircuit, .local], LocalDefinition(kind: .communeEpci), from: garlaban),
        // 2. HVE fruit from Vaucluse: local for the région only.
        line(68_050, .fruitsVegetables, [.hve, .shortCircuit, .local], LocalDefinition(kind: .region), from: durance),
        // 3. Label Rouge chicken from the Drôme, 150 km away.
        line(93_520, .meatPoultry, [.labelRouge, .france, .local], LocalDefinition(kind: .km, km: 150), from: drome),
        // 4. Farm eggs from the Sainte-Baume, 50 km away.
        line(31_200, .dairy, [.farm, .shortCircuit, .local], LocalDefinition(kind: .km, km: 50), from: sainteBaume),
        // 5. Tomme de Savoie IGP from the wholesaler.
        line(42_680, .dairy, [.igp, .france], from: wholesaler),
        // 6. Sustainably fished catch of the Vieux-Port, local for the département.
        line(57_300, .seafood, [.sustainableFishing, .shortCircuit, .local], LocalDefinition(kind: .departement), from: fishers),
        // 7. Conventional minced beef.
        line(88_410, .meatPoultry, [.france], from: wholesaler),
        // 8. Conventional frozen hake.
        line(21_990, .seafood, [.europe], from: wholesaler),
        // 9. Pasta, rice, oil.
        line(64_525, .other, [], from: wholesaler),
        // 10. Bread from the neighbourhood bakery, inside the QPV.
        line(47_450, .bakery, [.shortCircuit, .local], LocalDefinition(kind: .communeEpci), from: bakery),
        // 11. Fair trade coffee from a cooperative (SCOP).
        line(18_960, .drinks, [.fairTrade], from: roaster),
        // 12. Organic vegetables from an integration garden inside a QPV.
        line(15_600, .fruitsVegetables, [.bio, .shortCircuit, .local], LocalDefinition(kind: .communeEpci), from: garden),
        // 13. Label Rouge ham: EGAlim, but charcuterie is not meat for the meat and fish share.
        line(23_750, .charcuterie, [.labelRouge], from: wholesaler),
    ]

    @Test func totalsByEgalimClass() {
        let figures = SourcingIndicators(lines: year, local: .departement)
        #expect(figures.totalCents == 697_435)
        #expect(figures.bioCents == 139_600) // 124 000 + 15 600
        #expect(figures.officialQualityCents == 159_950) // 93 520 + 42 680 + 23 750
        #expect(figures.otherEgalimCents == 156_550) // 68 050 + 31 200 + 57 300
        #expect(figures.egalimCents == 456_100)
        // 456 100 / 697 435 ≈ 65,4 %: above the 50 % target.
        #expect(isClose(figures.egalimShare, 456_100.0 / 697_435.0))
        #expect((figures.egalimShare ?? 0) > SourcingIndicators.egalimTarget)
        // 139 600 / 697 435 ≈ 20,02 %: just above the 20 % target.
        #expect(isClose(figures.bioShare, 139_600.0 / 697_435.0))
        #expect((figures.bioShare ?? 0) > SourcingIndicators.bioTarget)
    }

    @Test func meatAndFishAreFollowedApart() {
        let figures = SourcingIndicators(lines: year, local: .departement)
        // Meat 93 520 + 88 410, fish 57 300 + 21 990; the ham is charcuterie.
        #expect(figures.meatFishCents == 261_220)
        #expect(figures.meatFishEgalimCents == 150_820) // the chicken and the catch
        #expect(isClose(figures.meatFishEgalimShare, 150_820.0 / 261_220.0)) // ≈ 57,7 %
    }

    /// A line is local when it is declared LOCAL under a definition that fits the cooperative's.
    @Test func localForTheDepartement() {
        let figures = SourcingIndicators(lines: year, local: .departement)
        // Aubagne 124 000 + catch 57 300 + bread 47 450 + garden 15 600; not the région's
        // fruit, not the km lines.
        #expect(figures.localCents == 244_350)
        #expect(isClose(figures.localShare, 244_350.0 / 697_435.0)) // ≈ 35,0 %
    }

    @Test func localForTheRegion() {
        let figures = SourcingIndicators(lines: year, local: LocalDefinition(kind: .region))
        // The same, plus the Durance's fruit 68 050; still not the km lines.
        #expect(figures.localCents == 312_400)
        #expect(isClose(figures.localShare, 312_400.0 / 697_435.0)) // ≈ 44,8 %
        #expect(figures.byFamily[.fruitsVegetables]?.localCents == 207_650)
    }

    @Test func localWithinAHundredKilometres() {
        let figures = SourcingIndicators(lines: year, local: LocalDefinition(kind: .km, km: 100))
        // Only the eggs from 50 km; the chicken from 150 km and the territories do not count.
        #expect(figures.localCents == 31_200)
        #expect(isClose(figures.localShare, 31_200.0 / 697_435.0)) // ≈ 4,5 %
        #expect(figures.bySupplier[sainteBaume]?.localCents == 31_200)
        #expect(figures.bySupplier[garlaban]?.localCents == 0)
    }

    @Test func noLineIsLocalForAFoodProject() {
        let figures = SourcingIndicators(lines: year, local: LocalDefinition(kind: .pat))
        #expect(figures.localCents == 0)
        #expect(figures.localShare == 0) // bought nothing local, which is not "nothing bought"
    }

    @Test func shortCircuitQpvAndSocialEconomy() {
        let figures = SourcingIndicators(lines: year, local: .departement)
        // 124 000 + 68 050 + 31 200 + 57 300 + 47 450 + 15 600
        #expect(figures.shortCircuitCents == 343_600)
        #expect(isClose(figures.shortCircuitShare, 343_600.0 / 697_435.0)) // ≈ 49,3 %
        // The bakery 47 450 and the garden 15 600.
        #expect(figures.qpvCents == 63_050)
        #expect(isClose(figures.qpvShare, 63_050.0 / 697_435.0)) // ≈ 9,0 %
        // The roaster 18 960 and the garden 15 600.
        #expect(figures.essCents == 34_560)
        #expect(isClose(figures.essShare, 34_560.0 / 697_435.0)) // ≈ 5,0 %
    }

    @Test func partsByFamily() {
        let figures = SourcingIndicators(lines: year, local: .departement)
        #expect(figures.byFamily.count == ProductFamily.allCases.count)
        // 124 000 + 68 050 + 15 600, all EGAlim; the région's fruit is not local for the département.
        #expect(figures.byFamily[.fruitsVegetables] == Part(totalCents: 207_650, egalimCents: 207_650, bioCents: 139_600, localCents: 139_600))
        #expect(figures.byFamily[.meatPoultry] == Part(totalCents: 181_930, egalimCents: 93_520, bioCents: 0, localCents: 0))
        #expect(figures.byFamily[.dairy] == Part(totalCents: 73_880, egalimCents: 73_880, bioCents: 0, localCents: 0))
        #expect(figures.byFamily[.seafood] == Part(totalCents: 79_290, egalimCents: 57_300, bioCents: 0, localCents: 57_300))
        #expect(figures.byFamily[.bakery] == Part(totalCents: 47_450, egalimCents: 0, bioCents: 0, localCents: 47_450))
        #expect(figures.byFamily[.drinks] == Part(totalCents: 18_960, egalimCents: 0, bioCents: 0, localCents: 0))
        #expect(figures.byFamily[.charcuterie] == Part(totalCents: 23_750, egalimCents: 23_750, bioCents: 0, localCents: 0))
        #expect(figures.byFamily[.other] == Part(totalCents: 64_525, egalimCents: 0, bioCents: 0, localCents: 0))
        #expect(figures.byFamily.values.reduce(0) { $0 + $1.totalCents } == figures.totalCents)
    }

    @Test func partsBySupplier() {
        let figures = SourcingIndicators(lines: year, local: .departement)
        #expect(figures.bySupplier.count == 9)
        // 42 680 + 88 410 + 21 990 + 64 525 + 23 750; the cheese and the ham are EGAlim.
        #expect(figures.bySupplier[wholesaler] == Part(totalCents: 241_355, egalimCents: 66_430, bioCents: 0, localCents: 0))
        #expect(figures.bySupplier[garlaban] == Part(totalCents: 124_000, egalimCents: 124_000, bioCents: 124_000, localCents: 124_000))
        #expect(figures.bySupplier[garden] == Part(totalCents: 15_600, egalimCents: 15_600, bioCents: 15_600, localCents: 15_600))
        #expect(figures.bySupplier[durance] == Part(totalCents: 68_050, egalimCents: 68_050, bioCents: 0, localCents: 0))
        #expect(figures.bySupplier[bakery] == Part(totalCents: 47_450, egalimCents: 0, bioCents: 0, localCents: 47_450))
        #expect(figures.bySupplier.values.reduce(0) { $0 + $1.totalCents } == figures.totalCents)
    }

    /// A share of nothing is not 0 %.
    @Test func nothingBoughtGivesNoShare() {
        let figures = SourcingIndicators(lines: [], local: .departement)
        #expect(figures.totalCents == 0)
        #expect(figures.egalimCents == 0)
        #expect(figures.egalimShare == nil)
        #expect(figures.bioShare == nil)
        #expect(figures.meatFishEgalimShare == nil)
        #expect(figures.localShare == nil)
        #expect(figures.shortCircuitShare == nil)
        #expect(figures.qpvShare == nil)
        #expect(figures.essShare == nil)
        #expect(figures.byFamily.isEmpty)
        #expect(figures.bySupplier.isEmpty)
    }

    @Test func noMeatOrFishGivesNoMeatShare() {
        let figures = SourcingIndicators(lines: [line(5_000, .bakery, [.bio], from: bakery)], local: .departement)
        #expect(figures.bioShare == 1)
        #expect(figures.meatFishEgalimShare == nil)
    }

    /// LOCAL without a definition, or a definition without LOCAL, is not local.
    @Test func localNeedsTheCharacteristicAndADefinition() {
        let figures = SourcingIndicators(lines: [
            line(3_000, .bakery, [.local], from: bakery),
            line(1_000, .bakery, [.bio], .departement, from: bakery),
            line(4_000, .fruitsVegetables, [.local], LocalDefinition(kind: .communeEpci), from: garden),
        ], local: .departement)
        #expect(figures.localCents == 4_000)
        #expect(figures.localShare == 0.5) // 4 000 / 8 000, exact
        #expect(figures.bioShare == 0.125) // 1 000 / 8 000, exact
    }
}

@Suite("What local means")
struct LocalDefinitionTests {
    let commune = LocalDefinition(kind: .communeEpci)
    let departement = LocalDefinition(kind: .departement)
    let region = LocalDefinition(kind: .region)
    let pat = LocalDefinition(kind: .pat)

    /// From the same commune is also from the same département and région, not the reverse.
    @Test func aNarrowerTerritoryFitsABroaderOne() {
        #expect(commune.fits(commune))
        #expect(commune.fits(departement))
        #expect(commune.fits(region))
        #expect(departement.fits(departement))
        #expect(departement.fits(region))
        #expect(!departement.fits(commune))
        #expect(region.fits(region))
        #expect(!region.fits(departement))
    }

    @Test func aShorterDistanceFitsALongerOne() {
        #expect(LocalDefinition(kind: .km, km: 50).fits(LocalDefinition(kind: .km, km: 100)))
        #expect(LocalDefinition(kind: .km, km: 100).fits(LocalDefinition(kind: .km, km: 100)))
        #expect(!LocalDefinition(kind: .km, km: 150).fits(LocalDefinition(kind: .km, km: 100)))
        #expect(LocalDefinition(kind: .km, km: 150).fits(.maCantineAroundService))
        // A distance nobody gave fits nothing.
        #expect(!LocalDefinition(kind: .km).fits(LocalDefinition(kind: .km, km: 100)))
        #expect(!LocalDefinition(kind: .km, km: 50).fits(LocalDefinition(kind: .km)))
    }

    @Test func aFoodProjectFitsOnlyAFoodProject() {
        #expect(pat.fits(pat))
        #expect(!pat.fits(region))
        #expect(!commune.fits(pat))
        #expect(!pat.fits(LocalDefinition(kind: .km, km: 200)))
    }

    /// 5 km may cross a département's border: a distance never fits a territory, nor the reverse.
    @Test func aDistanceNeverFitsATerritory() {
        #expect(!LocalDefinition(kind: .km, km: 5).fits(commune))
        #expect(!LocalDefinition(kind: .km, km: 5).fits(region))
        #expect(!commune.fits(LocalDefinition(kind: .km, km: 200)))
    }

    @Test func onlyADistanceKeepsItsKilometres() {
        #expect(LocalDefinition(kind: .departement, km: 30).km == nil)
        #expect(LocalDefinition(kind: .departement, km: 30) == .departement)
        #expect(LocalDefinition.maCantineAroundService == LocalDefinition(kind: .km, km: 200))
        #expect(LocalDefinitionKind.communeEpci.fileCode == "COMMUNE_EPCI")
    }
}

@Suite("Départements and régions")
struct FrenchGeographyTests {
    @Test func metropolitanPostalCodes() {
        #expect(FrenchGeography.departement(postalCode: "13012") == "13")
        #expect(FrenchGeography.region(departement: "13") == "Provence-Alpes-Côte d'Azur")
        #expect(FrenchGeography.departement(postalCode: "41100") == "41") // Vendôme
        #expect(FrenchGeography.region(departement: "41") == "Centre-Val de Loire")
        #expect(FrenchGeography.departement(postalCode: "84000") == "84") // Avignon
        #expect(FrenchGeography.region(departement: "84") == "Provence-Alpes-Côte d'Azur")
        #expect(FrenchGeography.departement(postalCode: " 13400 ") == "13") // Aubagne, with spaces
    }

    /// Corsica's postal codes start with 20: 200xx and 201xx for Corse-du-Sud, 202xx and
    /// above for Haute-Corse.
    @Test func corsicaHasTwoDepartements() {
        #expect(FrenchGeography.departement(postalCode: "20090") == "2A") // Ajaccio
        #expect(FrenchGeography.departement(postalCode: "20200") == "2B") // Bastia
        #expect(FrenchGeography.region(departement: "2A") == "Corse")
        #expect(FrenchGeography.region(departement: "2B") == "Corse")
    }

    @Test func overseasDepartementsHaveThreeDigits() {
        #expect(FrenchGeography.departement(postalCode: "97411") == "974") // Saint-Paul
        #expect(FrenchGeography.region(departement: "974") == "La Réunion")
        #expect(FrenchGeography.departement(postalCode: "97600") == "976")
        #expect(FrenchGeography.region(departement: "976") == "Mayotte")
    }

    @Test func whatIsNotAPostalCode() {
        #expect(FrenchGeography.departement(postalCode: "1301") == nil)
        #expect(FrenchGeography.departement(postalCode: "ABCDE") == nil)
        #expect(FrenchGeography.departement(postalCode: "00100") == nil)
        #expect(FrenchGeography.departement(postalCode: "98000") == nil) // Monaco
        #expect(FrenchGeography.departement(postalCode: "") == nil)
        #expect(FrenchGeography.region(departement: "99") == nil)
    }
}

@Suite("Supplier form")
struct SupplierDraftTests {
    private func fieldsInError(_ draft: SupplierDraft) -> [String]? {
        let error = #expect(throws: FieldErrors.self) { try draft.validate() }
        return error?.messages.keys.sorted()
    }

    @Test func aProducerFromAubagne() throws {
        let valid = try SupplierDraft(
            name: " Ferme du Garlaban ", siret: "842 123 456 00019", kind: "producer", address: "Chemin de la Font de Mai",
            postalCode: "13400", commune: "Aubagne", distanceKm: 18, latitude: 43.2927, longitude: 5.5708, intermediaries: 0,
            labels: ["local", "BIO"], localDefinition: LocalDefinitionDraft(kind: "commune-epci"), defaultFamily: "FRUITS_ET_LEGUMES",
            contactName: "Mireille Arnaud", contactEmail: "contact@ferme-garlaban.fr", contactPhone: "04 42 00 00 00"
        ).validate()
        #expect(valid.name == "Ferme du Garlaban")
        #expect(valid.siret == "84212345600019")
        #expect(valid.kind == .producer)
        #expect(valid.postalCode == "13400")
        #expect(valid.departement == "13")
        #expect(valid.region == "Provence-Alpes-Côte d'Azur")
        // No intermediary: a short circuit. Labels come back in the standard's order.
        #expect(valid.labels == [.bio, .shortCircuit, .local])
        #expect(valid.isShortCircuit)
        #expect(valid.localDefinition == LocalDefinition(kind: .communeEpci))
        #expect(valid.defaultFamily == .fruitsVegetables)
        #expect(valid.contactEmail == "contact@ferme-garlaban.fr")
    }

    @Test func aWholesalerWithIntermediariesIsNoShortCircuit() throws {
        let valid = try SupplierDraft(name: "Provence Restauration Distribution", kind: "wholesaler", intermediaries: 2, labels: ["FRANCE"]).validate()
        #expect(valid.kind == .wholesaler)
        #expect(valid.labels == [.france])
        #expect(!valid.isShortCircuit)
        #expect(valid.departement == nil)
        #expect(valid.region == nil)
        let unknown = try SupplierDraft(name: "Marché de gros", kind: "wholesaler").validate()
        #expect(!unknown.isShortCircuit) // nobody said how many intermediaries
        #expect(unknown.labels.isEmpty)
    }

    @Test func aQpvCodeIsKeptInCapitals() throws {
        let valid = try SupplierDraft(name: "Boulangerie du Plan d'Aou", kind: "neighbourhood-shop", qpvCode: " qn01306m ").validate()
        #expect(valid.qpvCode == "QN01306M")
        #expect(valid.kind == .neighbourhoodShop)
    }

    @Test func eachProblemIsNamedByItsField() {
        #expect(fieldsInError(SupplierDraft(name: "Ferme", siret: "84212345600018", kind: "producer")) == ["siret"])
        #expect(fieldsInError(SupplierDraft(name: "Ferme", kind: "grossiste")) == ["kind"])
        #expect(fieldsInError(SupplierDraft(name: "Ferme", kind: nil)) == ["kind"])
        #expect(fieldsInError(SupplierDraft(name: "Ferme", kind: "producer", postalCode: "1340")) == ["postalCode"])
        #expect(fieldsInError(SupplierDraft(name: "Ferme", kind: "producer", latitude: 43.29)) == ["latitude"])
        #expect(fieldsInError(SupplierDraft(name: "Ferme", kind: "producer", qpvCode: "QN13")) == ["qpvCode"])
        #expect(fieldsInError(SupplierDraft(name: "Ferme", kind: "producer", labels: ["BIO", "BIOLOGIQUE"])) == ["labels[1]"])
        #expect(fieldsInError(SupplierDraft(name: "Ferme", kind: "producer", labels: ["LOCAL"])) == ["localDefinition"])
        #expect(fieldsInError(SupplierDraft(name: "Ferme", kind: "producer", contactEmail: "mireille.arnaud@ferme")) == ["contactEmail"])
        #expect(fieldsInError(SupplierDraft(name: " ", kind: "producer")) == ["name"])
    }

    /// A LOCAL label with a definition that is wrong names the definition's own field.
    @Test func aWrongLocalDefinitionIsNamedInside() {
        let draft = SupplierDraft(name: "Ferme", kind: "producer", labels: ["LOCAL"], localDefinition: LocalDefinitionDraft(kind: "km", km: 0))
        #expect(fieldsInError(draft) == ["localDefinition.km"])
    }

    @Test func allProblemsAtOnce() {
        let draft = SupplierDraft(name: "Ferme", siret: "84212345600018", kind: "ferme", postalCode: "ABCDE", latitude: 43.29,
                                  qpvCode: "QX01306M", labels: ["LOCAL", "BIOLOGIQUE"], contactEmail: "mireille.arnaud@ferme")
        #expect(fieldsInError(draft) == ["contactEmail", "kind", "labels[1]", "latitude", "localDefinition", "postalCode", "qpvCode", "siret"])
    }
}

@Suite("Purchase form")
struct PurchaseDraftTests {
    let today = day("2026-03-14")
    /// The Ferme du Garlaban's: organic, short circuit, local for the intercommunality; vegetables.
    let garlabanDefaults = SupplierDefaults(labels: [.bio, .shortCircuit, .local], localDefinition: LocalDefinition(kind: .communeEpci), family: .fruitsVegetables)

    private func lineErrors(_ line: PurchaseLineDraft, defaults: SupplierDefaults = .none) -> [String] {
        var errors = FieldErrors()
        let valid = line.validate(field: "lines[0]", defaults: defaults, into: &errors)
        #expect(valid == nil)
        return errors.messages.keys.sorted()
    }

    /// The line checked alone, as the first of an invoice, when it is expected to pass.
    private func checked(_ line: PurchaseLineDraft, defaults: SupplierDefaults = .none) -> PurchaseLineDraft.Valid? {
        var errors = FieldErrors()
        let valid = line.validate(field: "lines[0]", defaults: defaults, into: &errors)
        #expect(errors.isEmpty)
        return valid
    }

    private func fieldsInError(_ draft: PurchaseDraft, defaults: SupplierDefaults = .none) -> [String]? {
        let error = #expect(throws: FieldErrors.self) { try draft.validate(today: today, defaults: defaults) }
        return error?.messages.keys.sorted()
    }

    @Test func theSuppliersDefaultsFillALineThatSaysNothing() throws {
        let valid = try #require(checked(PurchaseLineDraft(description: "Courgettes", family: nil, priceCents: 4_800, quantity: 20, unit: "kg"),
                                         defaults: garlabanDefaults))
        #expect(valid.family == .fruitsVegetables)
        #expect(valid.characteristics == [.bio, .shortCircuit, .local])
        #expect(valid.localDefinition == LocalDefinition(kind: .communeEpci))
        #expect(valid.egalim == .bio)
        #expect(valid.quantity == 20)
        #expect(valid.unit == "kg")
    }

    /// An empty list is a choice: nothing about this line, whatever the supplier usually sells.
    @Test func anEmptyListOverridesTheDefaults() throws {
        let valid = try #require(checked(PurchaseLineDraft(description: "Cagettes consignées", family: "autres", priceCents: 300, characteristics: []),
                                         defaults: garlabanDefaults))
        #expect(valid.family == .other)
        #expect(valid.characteristics.isEmpty)
        #expect(valid.localDefinition == nil)
        #expect(valid.egalim == EgalimClass.none)
    }

    @Test func aLineMayNameItsOwnDefinition() throws {
        let valid = try #require(checked(PurchaseLineDraft(description: "Miel de garrigue", family: " ", priceCents: 2_400,
                                                           characteristics: ["BIO", "local", ""], localDefinition: LocalDefinitionDraft(kind: "km", km: 30)),
                                         defaults: garlabanDefaults))
        #expect(valid.family == .fruitsVegetables) // a blank family is the supplier's
        #expect(valid.characteristics == [.bio, .local]) // the blank code is skipped
        #expect(valid.localDefinition == LocalDefinition(kind: .km, km: 30))
    }

    @Test func lineProblems() {
        // An unknown family is not silently replaced by the supplier's.
        #expect(lineErrors(PurchaseLineDraft(description: "Courgettes", family: "légumes", priceCents: 4_800), defaults: garlabanDefaults) == ["lines[0].family"])
        #expect(lineErrors(PurchaseLineDraft(description: "Courgettes", family: nil, priceCents: 4_800)) == ["lines[0].family"])
        #expect(lineErrors(PurchaseLineDraft(description: "Pommes", family: "fruits-legumes", priceCents: 2_000, characteristics: ["FRANCE", "EUROPE"]))
                == ["lines[0].characteristics"])
        #expect(lineErrors(PurchaseLineDraft(description: "Pommes", family: "fruits-legumes", priceCents: 2_000, characteristics: ["BIO", "BIOO"]))
                == ["lines[0].characteristics[1]"])
        #expect(lineErrors(PurchaseLineDraft(description: "Pommes", family: "fruits-legumes", priceCents: 2_000, characteristics: ["LOCAL"]))
                == ["lines[0].localDefinition"])
        #expect(lineErrors(PurchaseLineDraft(description: "Pommes", family: "fruits-legumes", priceCents: 2_000, characteristics: ["BIO"],
                                             localDefinition: LocalDefinitionDraft(kind: "departement"))) == ["lines[0].localDefinition"])
        #expect(lineErrors(PurchaseLineDraft(description: "Pommes", family: "fruits-legumes", priceCents: 2_000, characteristics: ["LOCAL"],
                                             localDefinition: LocalDefinitionDraft(kind: "quartier"))) == ["lines[0].localDefinition.kind"])
        #expect(lineErrors(PurchaseLineDraft(description: "Pommes", family: "fruits-legumes", priceCents: nil)) == ["lines[0].priceCents"])
        #expect(lineErrors(PurchaseLineDraft(description: "Pommes", family: "fruits-legumes", priceCents: -100)) == ["lines[0].priceCents"])
        #expect(lineErrors(PurchaseLineDraft(description: "Pommes", family: "fruits-legumes", priceCents: 2_000, quantity: 0)) == ["lines[0].quantity"])
    }

    @Test func aDistanceGoesFromOneToAThousandKilometres() {
        func local(_ km: Int?) -> PurchaseLineDraft {
            PurchaseLineDraft(description: "Pommes", family: "fruits-legumes", priceCents: 2_000, characteristics: ["LOCAL"],
                              localDefinition: LocalDefinitionDraft(kind: "km", km: km))
        }
        #expect(lineErrors(local(0)) == ["lines[0].localDefinition.km"])
        #expect(lineErrors(local(1_001)) == ["lines[0].localDefinition.km"])
        #expect(lineErrors(local(nil)) == ["lines[0].localDefinition.km"])
        for km in [1, 1_000] {
            #expect(checked(local(km))?.localDefinition == LocalDefinition(kind: .km, km: km))
        }
    }

    @Test func anInvoiceFromTheFarm() throws {
        let valid = try PurchaseDraft(date: "2026-03-14", reference: " FA-2026-0312 ", lines: [
            PurchaseLineDraft(description: "Courgettes", family: nil, priceCents: 4_800, quantity: 20, unit: "kg"),
            PurchaseLineDraft(description: "Cagettes consignées", family: "autres", priceCents: 300, characteristics: []),
        ]).validate(today: today, defaults: garlabanDefaults)
        #expect(valid.date == today) // today is not the future
        #expect(valid.reference == "FA-2026-0312")
        #expect(valid.lines.map(\.family) == [.fruitsVegetables, .other])
        #expect(valid.totalCents == 5_100)
    }

    @Test func invoiceProblems() {
        let line = PurchaseLineDraft(description: "Courgettes", family: "fruits-legumes", priceCents: 4_800)
        #expect(fieldsInError(PurchaseDraft(date: "2026-03-15", lines: [line])) == ["date"])
        #expect(fieldsInError(PurchaseDraft(date: "14 mars 2026", lines: [line])) == ["date"])
        #expect(fieldsInError(PurchaseDraft(date: nil, lines: [line])) == ["date"])
        #expect(fieldsInError(PurchaseDraft(date: "2026-03-14", lines: [])) == ["lines"])
        #expect(fieldsInError(PurchaseDraft(date: "2026-03-14", lines: Array(repeating: line, count: 201))) == ["lines"])
        let twoBadLines = PurchaseDraft(date: "2026-03-14", lines: [
            PurchaseLineDraft(description: "Courgettes", family: "légumes", priceCents: 4_800),
            PurchaseLineDraft(description: " ", family: nil, priceCents: nil),
        ])
        #expect(fieldsInError(twoBadLines) == ["lines[0].family", "lines[1].description", "lines[1].family", "lines[1].priceCents"])
    }

    @Test func aFutureDateSaysSo() {
        let draft = PurchaseDraft(date: "2026-03-15", lines: [PurchaseLineDraft(description: "Pain", family: "boulangerie", priceCents: 4_745)])
        let error = #expect(throws: FieldErrors.self) { try draft.validate(today: today, defaults: .none) }
        #expect(error?["date"]?.contains("futur") == true)
    }
}

@Suite("Purchases file in ma-cantine's layout")
struct PurchaseFileTests {
    let today = day("2026-03-14")

    @Test func theHeaderNamesMissingAndUnknownColumns() {
        #expect(PurchaseFile.checkHeader(PurchaseFile.columns).isEmpty)
        #expect(PurchaseFile.checkHeader([" Description ", "FOURNISSEUR", "date", "prix_ht", "famille_produits"]).isEmpty)
        let problems = PurchaseFile.checkHeader(["description", "fournisseur", "date", "famille_produits", "siret"])
        #expect(problems.map(\.field) == ["prix_ht", "siret"])
        #expect(problems.allSatisfy { $0.line == 1 })
        #expect(problems.first?.message.contains("manque") == true)
    }

    @Test func readingRowsAsASpreadsheetWritesThem() throws {
        let (rows, problems) = PurchaseFile.read(header: PurchaseFile.columns, rows: [
            ["Courgettes bio", "Ferme du Garlaban", "14/03/2026", "90,11", "FRUITS_ET_LEGUMES", "BIO", "France", "oui", "oui", "DEPARTEMENT", ""],
            ["", " ", "", "", "", "", "", "", "", "", ""],
            ["Œufs bio Label rouge", "Ferme de la Sainte-Baume", "2026-03-02", "1234.5", "bof", "BIO,LABEL_ROUGE", "", "true", "Oui", "AUTOUR_SERVICE", ""],
            ["Café équitable", "Scop Torréfaction du Sud", "2026-02-27", "189,60", "BOISSONS", "COMMERCE_EQUITABLE", "", "non", "non", "", ""],
            ["Riz", "Provence Restauration Distribution", "2026-01-20", "64,5", "autres"],
        ], today: today)
        #expect(problems.isEmpty)
        try #require(rows.count == 4)
        #expect(rows.map(\.line) == [2, 4, 5, 6]) // the blank line 3 is skipped, the numbering is kept
        #expect(rows.first == PurchaseFile.Row(line: 2, supplierName: "Ferme du Garlaban", date: day("2026-03-14"), purchase: PurchaseLineDraft.Valid(
            description: "Courgettes bio", family: .fruitsVegetables, priceCents: 9_011, quantity: nil, unit: nil,
            characteristics: [.bio, .france, .shortCircuit, .local], localDefinition: .departement)))
        #expect(rows.map(\.purchase.priceCents) == [9_011, 123_450, 18_960, 6_450])
        #expect(rows.map(\.purchase.family) == [.fruitsVegetables, .dairy, .drinks, .other])
        #expect(rows[1].purchase.characteristics == [.bio, .labelRouge, .shortCircuit, .local])
        #expect(rows[1].purchase.localDefinition == LocalDefinition(kind: .km, km: 200)) // ma-cantine's "around the service"
        #expect(rows[2].purchase.characteristics == [.fairTrade])
        #expect(rows[2].purchase.localDefinition == nil)
        #expect(rows[3].purchase.characteristics.isEmpty) // a short row: the missing cells are blank
        #expect(rows[3].date == day("2026-01-20"))
    }

    @Test func badRowsAreNamedByLineAndColumn() {
        let (rows, problems) = PurchaseFile.read(header: PurchaseFile.columns, rows: [
            ["Poisson du jour", "Pêcheurs du Vieux-Port", "2026-03-14", "douze euros", "POISSONS", "", "", "non", "oui", "", ""],
            ["Pain", "Boulangerie du Plan d'Aou", "15/03/2026", "47,45", "BOULANGERIE", "", "", "oui", "non", "", ""],
            ["Tomates", "", "2026-03-10", "52,00", "fruits-legumes", "", "ESPAGNE", "non", "peut-être", "", ""],
            ["Agneau", "Bergerie des Alpilles", "2026-03-10", "310", "VIANDES_VOLAILLES", "LABEL_ROUGE", "FRANCE", "oui", "oui", "KM", "quatre-vingts"],
            ["Pommes", "Vergers de la Durance", "2026-13-01", "68,05", "FRUITS_ET_LEGUMES", "HVE", "", "oui", "non", "REGION", ""],
            ["Agneau", "Bergerie des Alpilles", "2026-03-10", "310", "VIANDES_VOLAILLES", "LABEL_ROUGE", "FRANCE", "oui", "oui", "KM", "80"],
        ], today: today)
        #expect(problems.map { "\($0.line) \($0.field)" } == [
            "2 prix_ht", "2 famille_produits", "2 definition_local",
            "3 date",
            "4 fournisseur", "4 origine", "4 est_local",
            "5 definition_local_km",
            "6 date", // its definition_local is left aside: the line is not local
        ])
        #expect(problems.first(where: { $0.line == 3 })?.message.contains("futur") == true)
        // The good row is still read.
        #expect(rows.map(\.line) == [7])
        #expect(rows.first?.purchase.localDefinition == LocalDefinition(kind: .km, km: 80))
    }

    @Test func aMissingPriceColumnIsAProblemOnEachRow() {
        let (rows, problems) = PurchaseFile.read(header: ["description", "fournisseur", "date", "famille_produits"],
                                                 rows: [["Pain", "Boulangerie du Plan d'Aou", "2026-03-14", "BOULANGERIE"]], today: today)
        #expect(rows.isEmpty)
        #expect(problems == [PurchaseFile.Problem(line: 2, field: "prix_ht", message: "Indiquez le prix hors taxes.")])
    }

    @Test func eurosWithAPointOrAComma() {
        #expect(PurchaseFile.parseEuros("90.11") == 9_011)
        #expect(PurchaseFile.parseEuros("90,1") == 9_010)
        #expect(PurchaseFile.parseEuros("1 234,50") == 123_450)
        #expect(PurchaseFile.parseEuros("1\u{202F}234,50 €") == 123_450)
        #expect(PurchaseFile.parseEuros("42") == 4_200)
        // Half up past the cent.
        #expect(PurchaseFile.parseEuros("1234.99999") == 123_500)
        #expect(PurchaseFile.parseEuros("0.005") == 1)
        #expect(PurchaseFile.parseEuros("0.0049") == 0)
        #expect(PurchaseFile.parseEuros("abc") == nil)
        #expect(PurchaseFile.parseEuros("") == nil)
        #expect(PurchaseFile.parseEuros("1.2.3") == nil)
        #expect(PurchaseFile.parseEuros("-5") == nil)
        #expect(PurchaseFile.parseEuros("12.") == nil)
    }

    /// What Maillage exports, ma-cantine and Maillage read back the same.
    @Test func aWrittenRowReadsBackTheSame() throws {
        let (read, problems) = PurchaseFile.read(header: PurchaseFile.columns, rows: [
            ["Courgettes bio", "Ferme du Garlaban", "14/03/2026", "90,11", "FRUITS_ET_LEGUMES", "BIO", "FRANCE", "oui", "oui", "DEPARTEMENT", ""],
            ["Œufs bio Label rouge", "Ferme de la Sainte-Baume", "2026-03-02", "1234.5", "bof", "BIO,LABEL_ROUGE", "", "true", "oui", "AUTOUR_SERVICE", ""],
        ], today: today)
        #expect(problems.isEmpty)
        let courgettes = try #require(read.first)
        let written = PurchaseFile.row(supplierName: courgettes.supplierName, date: courgettes.date, line: courgettes.purchase)
        #expect(written == ["Courgettes bio", "Ferme du Garlaban", "2026-03-14", "90.11", "FRUITS_ET_LEGUMES", "BIO", "FRANCE", "oui", "oui", "DEPARTEMENT", ""])
        let eggs = try #require(read.last)
        let writtenEggs = PurchaseFile.row(supplierName: eggs.supplierName, date: eggs.date, line: eggs.purchase)
        #expect(writtenEggs == ["Œufs bio Label rouge", "Ferme de la Sainte-Baume", "2026-03-02", "1234.50", "PRODUITS_LAITIERS", "BIO,LABEL_ROUGE", "", "oui", "oui", "KM", "200"])

        let again = PurchaseFile.read(header: PurchaseFile.columns, rows: [written, writtenEggs], today: today)
        #expect(again.problems.isEmpty)
        #expect(again.rows == read)
    }
}

@Suite("Cost of a portion")
struct PortionCostTests {
    /// A ratatouille for 10 portions, at the latest prices excluding VAT.
    let ratatouille = [
        // 1 500 g of courgettes at 2,40 €/kg, 90 % kept: 1,5 / 0,9 × 240 = 400 cents.
        PortionCost.Ingredient(quantity: 1_500, usagePerPurchaseUnit: 1_000, yieldPercent: 90, purchaseUnitPriceCents: 240),
        // 1 000 g of tomatoes at 3,10 €/kg, 95 % kept: 310 / 0,95 ≈ 326,32 cents.
        PortionCost.Ingredient(quantity: 1_000, usagePerPurchaseUnit: 1_000, yieldPercent: 95, purchaseUnitPriceCents: 310),
        // 400 g of onions at 1,80 €/kg, 85 % kept: 0,4 × 180 / 0,85 = 72 / 0,85 ≈ 84,71 cents.
        PortionCost.Ingredient(quantity: 400, usagePerPurchaseUnit: 1_000, yieldPercent: 85, purchaseUnitPriceCents: 180),
        // 20 cL of olive oil at 9,50 €/L: 0,2 × 950 = 190 cents.
        PortionCost.Ingredient(quantity: 20, usagePerPurchaseUnit: 100, yieldPercent: 100, purchaseUnitPriceCents: 950),
    ]

    @Test func eachIngredientCostsWhatIsBoughtWithItsLosses() {
        #expect(isClose(ratatouille[0].costCents, 400))
        #expect(isClose(ratatouille[1].costCents, 310.0 / 0.95))
        #expect(isClose(ratatouille[2].costCents, 72.0 / 0.85))
        #expect(isClose(ratatouille[3].costCents, 190))
    }

    @Test func aRatatouilleForTen() {
        // 400 + 326,32 + 84,71 + 190 = 1 001,02 cents: 10,01 €, 1,00 € a portion.
        let cost = PortionCost.cost(ratatouille, portions: 10)
        #expect(cost.totalCents == 1_001)
        #expect(cost.portionCents == 100)
        #expect(cost.unpriced.isEmpty)
    }

    /// Herbs never bought: the cost is a lower bound, and says which ingredient is missing.
    @Test func anIngredientNeverBoughtIsListed() {
        let herbs = PortionCost.Ingredient(quantity: 10, usagePerPurchaseUnit: 1_000, yieldPercent: 100, purchaseUnitPriceCents: nil)
        #expect(herbs.costCents == nil)
        let cost = PortionCost.cost(ratatouille + [herbs], portions: 10)
        #expect(cost.totalCents == 1_001)
        #expect(cost.portionCents == 100)
        #expect(cost.unpriced == [4])
        #expect(PortionCost.cost(ratatouille, portions: 0).portionCents == 0)
    }

    @Test func theUnitPriceOfAPurchaseLine() {
        #expect(PortionCost.unitPrice(lineCents: 4_800, quantity: 20) == 240) // 20 kg of courgettes for 48,00 €
        #expect(PortionCost.unitPrice(lineCents: 4_750, quantity: 5) == 950) // a 5 L can of oil for 47,50 €
        #expect(PortionCost.unitPrice(lineCents: 4_800, quantity: nil) == nil)
        #expect(PortionCost.unitPrice(lineCents: 4_800, quantity: 0) == nil)
        #expect(PortionCost.unitPrice(lineCents: 4_800, quantity: -2) == nil)
    }
}

@Suite("Purchases file: cells a spreadsheet would run")
struct PurchaseFileFormulaTests {
    @Test func aFormulaLikeDescriptionIsWrittenAfterAnApostropheAndReadBackAsTyped() throws {
        let line = PurchaseLineDraft.Valid(description: "=SOMME(A1:A9) pommes", family: .fruitsVegetables, priceCents: 1_250, quantity: nil, unit: nil,
                                           characteristics: [], localDefinition: nil)
        let row = PurchaseFile.row(supplierName: "@Primeur", date: CalendarDay("2026-03-02")!, line: line)
        #expect(row[0] == "'=SOMME(A1:A9) pommes")
        #expect(row[1] == "'@Primeur")
        let (rows, problems) = PurchaseFile.read(header: PurchaseFile.columns, rows: [row], today: CalendarDay("2026-12-01")!)
        #expect(problems.isEmpty)
        #expect(rows.first?.purchase.description == "=SOMME(A1:A9) pommes")
        #expect(rows.first?.supplierName == "@Primeur")
        // An apostrophe typed before an ordinary word stays.
        #expect(PurchaseFile.restored("'Pommes") == "'Pommes")
    }

    @Test func aSupplierDefinesLocalOnlyWhenItIsLocal() {
        let draft = SupplierDraft(name: "Boucherie", kind: "neighbourhood-shop", labels: ["FRANCE"], localDefinition: .init(kind: "departement"))
        let error = #expect(throws: FieldErrors.self) { try draft.validate() }
        #expect(error?.messages.keys.sorted() == ["localDefinition"])
    }
}
