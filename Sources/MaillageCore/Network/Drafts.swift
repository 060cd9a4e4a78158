/// A territory as typed in a form or an API body, before validation. Every field is
/// optional text so that bad input reaches the validator instead of failing to decode.
public struct TerritoryDraft: Sendable, Equatable {
    public var name: String?
    public var kind: String?
    public var qpvCode: String?
    public var communeCodes: [String]?

    public init(name: String? = nil, kind: String? = nil, qpvCode: String? = nil, communeCodes: [String]? = nil) {
        self.name = name
        self.kind = kind
        self.qpvCode = qpvCode
        self.communeCodes = communeCodes
    }

    public struct Valid: Sendable, Equatable {
        public var name: String
        public var kind: TerritoryKind
        public var qpvCode: String?
        public var communeCodes: [String]
    }

    public func validate() throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let name = TextRules.requireName(name, into: &errors)
        let kind: TerritoryKind
        if let raw = TextRules.clean(self.kind), let parsed = TerritoryKind(rawValue: raw) {
            kind = parsed
        } else {
            errors.add("kind", "Choisissez le type de territoire : QPV, rural ou urbain.")
            kind = .urban
        }
        let qpvCode = TextRules.clean(self.qpvCode)?.uppercased()
        if let qpvCode, !FrenchIdentifiers.isValidQpvCode(qpvCode) {
            errors.add("qpvCode", "Le code QPV doit ressembler à QN01306M (QN ou QP, le département, trois caractères).")
        } else if kind == .qpv && qpvCode == nil {
            errors.add("qpvCode", "Un territoire QPV doit avoir son code QPV (par exemple QN01306M).")
        }
        var codes: [String] = []
        for raw in communeCodes ?? [] {
            guard let code = TextRules.clean(raw)?.uppercased() else { continue }
            if !FrenchIdentifiers.isValidInseeCommuneCode(code) {
                errors.add("communeCodes", "« \(code) » n'est pas un code commune INSEE (cinq caractères, par exemple 13212).")
            } else if !codes.contains(code) {
                codes.append(code)
            }
        }
        if codes.count > 500 {
            errors.add("communeCodes", "Un territoire compte au plus 500 communes.")
        }
        try errors.throwIfAny()
        return Valid(name: name, kind: kind, qpvCode: qpvCode, communeCodes: codes)
    }
}

/// A cooperative's card as typed in a form or an API body. For a change (PATCH), a nil field
/// keeps the stored value, and `clearSiret` / `clearAddress` erase one.
public struct CooperativeDraft: Sendable, Equatable {
    public var name: String?
    public var territoryID: String?
    public var legalForm: String?
    public var siret: String?
    public var address: String?
    public var stage: String?
    /// `la`, `le`, `l'` or `les`; empty for none.
    public var nameArticle: String?

    public init(name: String? = nil, territoryID: String? = nil, legalForm: String? = nil, siret: String? = nil, address: String? = nil, stage: String? = nil,
                nameArticle: String? = nil) {
        self.nameArticle = nameArticle
        self.name = name
        self.territoryID = territoryID
        self.legalForm = legalForm
        self.siret = siret
        self.address = address
        self.stage = stage
    }

    public struct Valid: Sendable, Equatable {
        public var name: String
        public var territoryID: String
        public var legalForm: LegalForm
        public var siret: String?
        public var address: String?
        public var stage: CooperativeStage
        public var nameArticle: NameArticle?
    }

    /// Validates a complete card (creation, or the merge of a change with the stored card).
    public func validate() throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let name = TextRules.requireName(name, into: &errors)
        let territoryID = TextRules.clean(territoryID) ?? ""
        if territoryID.isEmpty { errors.add("territoryID", "Choisissez le territoire de la coopérative.") }
        let legalForm = LegalForm(rawValue: TextRules.clean(self.legalForm) ?? "")
        if legalForm == nil { errors.add("legalForm", "Choisissez la forme juridique : SCIC, SCOP ou association.") }
        let stageText = TextRules.clean(self.stage)
        let stage = stageText.map { CooperativeStage(rawValue: $0) } ?? .emergence
        if stage == nil {
            errors.add("stage", "L'étape doit être émergence, préfiguration, création ou consolidation.")
        }
        let siret = TextRules.clean(self.siret)?.filter { $0 != " " }
        if let siret, !FrenchIdentifiers.isValidSiret(siret) {
            errors.add("siret", "Le SIRET doit compter 14 chiffres avec une clé valide.")
        }
        let address = TextRules.clean(self.address)
        if let address, address.count > 500 {
            errors.add("address", "L'adresse ne doit pas dépasser 500 caractères.")
        }
        let articleText = TextRules.clean(nameArticle)?.replacingOccurrences(of: "’", with: "'").lowercased()
        let article = articleText.flatMap(NameArticle.init(rawValue:))
        if articleText != nil, article == nil { errors.add("nameArticle", "L'article devant le nom est la, le, l' ou les (ou rien).") }
        try errors.throwIfAny()
        return Valid(name: name, territoryID: territoryID, legalForm: legalForm!, siret: siret, address: address, stage: stage!, nameArticle: article)
    }
}
