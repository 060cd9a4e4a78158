import MaillageCore
import Testing

@Suite("French identifiers")
struct IdentifierTests {
    @Test(arguments: ["73282932000074", "88412345000014", "35600000000048"])
    func validSirets(_ siret: String) {
        #expect(FrenchIdentifiers.isValidSiret(siret))
    }

    @Test(arguments: ["73282932000075", "7328293200007", "732829320000745", "7328293200007A", "", "７３２８２９３２００００７４"])
    func invalidSirets(_ siret: String) {
        #expect(!FrenchIdentifiers.isValidSiret(siret))
    }

    @Test func laPosteEstablishmentsUseTheirOwnKey() {
        // La Poste's establishments: the digits sum to a multiple of 5 (Luhn would refuse it).
        #expect(FrenchIdentifiers.isValidSiret("35600000000010"))
        #expect(!FrenchIdentifiers.isValidSiret("35600000000011"))
    }

    @Test func qpvCodes() {
        #expect(FrenchIdentifiers.isValidQpvCode("QN01306M"))
        #expect(FrenchIdentifiers.isValidQpvCode("QP013001"))
        #expect(FrenchIdentifiers.isValidQpvCode("QN02A01M"))
        #expect(!FrenchIdentifiers.isValidQpvCode("QX01306M"))
        #expect(!FrenchIdentifiers.isValidQpvCode("QN0130"))
        #expect(!FrenchIdentifiers.isValidQpvCode("qn01306m"))
    }

    @Test func inseeCommuneCodes() {
        #expect(FrenchIdentifiers.isValidInseeCommuneCode("13212"))
        #expect(FrenchIdentifiers.isValidInseeCommuneCode("84007"))
        #expect(FrenchIdentifiers.isValidInseeCommuneCode("2A004"))
        #expect(!FrenchIdentifiers.isValidInseeCommuneCode("1321"))
        #expect(!FrenchIdentifiers.isValidInseeCommuneCode("2C004"))
        #expect(!FrenchIdentifiers.isValidInseeCommuneCode("13 12"))
    }

    @Test func emails() {
        #expect(FrenchIdentifiers.isPlausibleEmail("claire.martin@centre-social.fr"))
        #expect(!FrenchIdentifiers.isPlausibleEmail("claire.martin"))
        #expect(!FrenchIdentifiers.isPlausibleEmail("claire@localhost"))
        #expect(!FrenchIdentifiers.isPlausibleEmail("claire martin@exemple.fr"))
    }
}

@Suite("Territory and cooperative cards")
struct DraftTests {
    @Test func aQpvTerritoryNeedsItsCode() throws {
        let error = #expect(throws: FieldErrors.self) {
            try TerritoryDraft(name: "Marseille 12e", kind: "qpv").validate()
        }
        #expect(error?["qpvCode"]?.contains("QN01306M") == true)
        let valid = try TerritoryDraft(name: " Marseille 12e ", kind: "qpv", qpvCode: "qn01306m", communeCodes: ["13212", "13212", " "]).validate()
        #expect(valid.name == "Marseille 12e")
        #expect(valid.qpvCode == "QN01306M")
        #expect(valid.communeCodes == ["13212"])
    }

    @Test func everyBadFieldGetsItsOwnFrenchMessage() {
        let error = #expect(throws: FieldErrors.self) {
            try TerritoryDraft(name: "", kind: "banlieue", qpvCode: "X", communeCodes: ["999"]).validate()
        }
        #expect(error?["name"] == "Ce champ est obligatoire.")
        #expect(error?["kind"] != nil)
        #expect(error?["qpvCode"] != nil)
        #expect(error?["communeCodes"]?.contains("999") == true)
    }

    @Test func cooperativeDefaultsToEmergenceAndChecksItsSiret() throws {
        let valid = try CooperativeDraft(name: "Coopérative d'habitants d'Avignon", territoryID: "T-84007", legalForm: "scic", siret: "884 123 450 00014").validate()
        #expect(valid.stage == .emergence)
        #expect(valid.siret == "88412345000014")
        let error = #expect(throws: FieldErrors.self) {
            try CooperativeDraft(name: "X", territoryID: "T", legalForm: "sarl", siret: "88412345000015", stage: "growth").validate()
        }
        #expect(error?["legalForm"] != nil)
        #expect(error?["siret"] == "Le SIRET doit compter 14 chiffres avec une clé valide.")
        #expect(error?["stage"] != nil)
    }

    @Test func stagesAreOrdered() {
        #expect(CooperativeStage.emergence < .prefiguration)
        #expect(CooperativeStage.creation < .consolidation)
    }
}

@Suite("Accounts")
struct AccountRuleTests {
    @Test func throttleAfterFiveFailuresInFifteenMinutes() {
        let throttle = LoginThrottle.standard
        let now = 10_000.0
        let four = [now - 600, now - 500, now - 400, now - 300]
        #expect(throttle.retryAfter(failures: four, now: now) == nil)
        let five = four + [now - 200]
        // Allowed again when the oldest of the five (600 s ago) leaves the 900 s window.
        #expect(throttle.retryAfter(failures: five, now: now) == 300)
        let old = five.map { $0 - 900 }
        #expect(throttle.retryAfter(failures: old, now: now) == nil)
    }

    @Test func passwordPolicy() {
        #expect(PasswordPolicy.problem(with: "court") != nil)
        #expect(PasswordPolicy.problem(with: "azertyuiop") != nil)
        #expect(PasswordPolicy.problem(with: "aaaaaaaaaaaa") != nil)
        #expect(PasswordPolicy.problem(with: "claire.martin", email: "claire.martin@exemple.fr") != nil)
        #expect(PasswordPolicy.problem(with: "la soupe du jeudi à 1 €") == nil)
    }
}

/// Rules the API fuzzing (schemathesis) found too lax.
@Suite struct FuzzFoundRulesTests {
    @Test func aWebAddressIsPrintableASCIIWithAHost() {
        #expect(TextRules.isWebAddress("https://visio.caillols.example/ag-2027?salle=1", maximumLength: 500))
        #expect(TextRules.isWebAddress("http://cs-caillols.example", maximumLength: 300))
        #expect(TextRules.isWebAddress("https://fr.wikipedia.org/wiki/Soci%C3%A9t%C3%A9", maximumLength: 300))
        for bad in ["https://\u{12}", "https://\u{1}é<>", "https://", "https:///chemin", "https://a b.fr", "ftp://a.fr", "https://a.fr/\"onfocus", "www.exemple.fr"] {
            #expect(!TextRules.isWebAddress(bad, maximumLength: 300), "\(bad)")
        }
        #expect(!TextRules.isWebAddress("https://" + String(repeating: "a", count: 300), maximumLength: 300))
    }

    @Test func hoursThatRoundToNoQuarterAreRefused() {
        let today = CalendarDay(year: 2026, month: 11, day: 30)
        for hours in [0.00001, Double.leastNonzeroMagnitude, 0.1] {
            #expect(throws: FieldErrors.self) { try HoursDraft(week: "2026-11-23", role: "kitchen", hours: hours).validate(alreadyThatWeek: 0, today: today) }
        }
        #expect((try? HoursDraft(week: "2026-11-23", role: "kitchen", hours: 0.25).validate(alreadyThatWeek: 0, today: today)) != nil)
    }

    @Test func daysAreWrittenWithAFourDigitYear() {
        // Year 62 is written 0062 (a day built from a date); typed, it is out of range (issue 21).
        #expect(CalendarDay(year: 62, month: 3, day: 4).description == "0062-03-04")
        #expect(CalendarDay("0062-03-04") == nil)
        #expect(CalendarDay(year: 192, month: 4, day: 23).description == "0192-04-23")
        #expect(CalendarDay(year: 2026, month: 12, day: 2).description == "2026-12-02")
    }
}
