/// A supplier as typed in the form or the API.
public struct SupplierDraft: Sendable, Equatable {
    public var name: String?
    public var siret: String?
    public var kind: String?
    public var address: String?
    public var postalCode: String?
    public var commune: String?
    public var distanceKm: Double?
    public var latitude: Double?
    public var longitude: Double?
    public var qpvCode: String?
    public var intermediaries: Int?
    /// Characteristic codes the supplier's products carry: they pre-fill its purchase lines.
    public var labels: [String]
    public var localDefinition: LocalDefinitionDraft?
    public var defaultFamily: String?
    public var contactName: String?
    public var contactEmail: String?
    public var contactPhone: String?

    public init(name: String?, siret: String? = nil, kind: String?, address: String? = nil, postalCode: String? = nil, commune: String? = nil,
                distanceKm: Double? = nil, latitude: Double? = nil, longitude: Double? = nil, qpvCode: String? = nil, intermediaries: Int? = nil,
                labels: [String] = [], localDefinition: LocalDefinitionDraft? = nil, defaultFamily: String? = nil,
                contactName: String? = nil, contactEmail: String? = nil, contactPhone: String? = nil) {
        self.name = name
        self.siret = siret
        self.kind = kind
        self.address = address
        self.postalCode = postalCode
        self.commune = commune
        self.distanceKm = distanceKm
        self.latitude = latitude
        self.longitude = longitude
        self.qpvCode = qpvCode
        self.intermediaries = intermediaries
        self.labels = labels
        self.localDefinition = localDefinition
        self.defaultFamily = defaultFamily
        self.contactName = contactName
        self.contactEmail = contactEmail
        self.contactPhone = contactPhone
    }

    public struct Valid: Sendable, Equatable {
        public var name: String
        public var siret: String?
        public var kind: SupplierKind
        public var address: String?
        public var postalCode: String?
        public var commune: String?
        public var departement: String?
        public var region: String?
        public var distanceKm: Double?
        public var latitude: Double?
        public var longitude: Double?
        public var qpvCode: String?
        public var intermediaries: Int?
        /// The labels in the standard's order, with CIRCUIT_COURT when at most one intermediary.
        public var labels: [PurchaseCharacteristic]
        public var localDefinition: LocalDefinition?
        public var defaultFamily: ProductFamily?
        public var contactName: String?
        public var contactEmail: String?
        public var contactPhone: String?

        /// Short circuit: at most one intermediary between the producer and the cooperative.
        public var isShortCircuit: Bool { intermediaries.map { $0 <= 1 } ?? false }
    }

    public func validate() throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let name = TextRules.requireName(name, field: "name", max: 120, into: &errors)
        let siret = TextRules.clean(siret)?.filter { !$0.isWhitespace }
        if let siret, !FrenchIdentifiers.isValidSiret(siret) {
            errors.add("siret", "Ce SIRET n'est pas valable : 14 chiffres dont le dernier est une clé de contrôle.")
        }
        let kind = SupplierKind(rawValue: TextRules.clean(kind) ?? "")
        if kind == nil { errors.add("kind", "Choisissez le type de fournisseur (" + TextRules.choices(SupplierKind.allCases) + ").") }
        let address = TextRules.clean(address)
        if let address, address.count > 300 { errors.add("address", "L'adresse compte au plus 300 caractères.") }
        let postalCode = TextRules.clean(postalCode)
        var departement: String?
        if let postalCode {
            departement = FrenchGeography.departement(postalCode: postalCode)
            if departement == nil { errors.add("postalCode", "Un code postal français compte 5 chiffres, par exemple 13012.") }
        }
        let commune = TextRules.clean(commune)
        if let commune, commune.count > 120 { errors.add("commune", "La commune compte au plus 120 caractères.") }
        if let distanceKm, !(0...2_000).contains(distanceKm) || distanceKm.isNaN { errors.add("distanceKm", "La distance va de 0 à 2 000 km.") }
        if (latitude == nil) != (longitude == nil) {
            errors.add("latitude", "Donnez la latitude et la longitude ensemble.")
        } else if let latitude, let longitude, !(-90...90).contains(latitude) || !(-180...180).contains(longitude) {
            errors.add("latitude", "La latitude va de -90 à 90 et la longitude de -180 à 180.")
        }
        let qpvCode = TextRules.clean(qpvCode)?.uppercased()
        if let qpvCode, !FrenchIdentifiers.isValidQpvCode(qpvCode) {
            errors.add("qpvCode", "Un code QPV s'écrit comme QN01306M (QN ou QP, le département, trois caractères).")
        }
        if let intermediaries, !(0...10).contains(intermediaries) { errors.add("intermediaries", "Le nombre d'intermédiaires va de 0 à 10.") }
        var labels = Set<PurchaseCharacteristic>()
        for (index, code) in self.labels.enumerated() {
            guard let label = PurchaseCharacteristic(code: code) else {
                errors.add("labels[\(index)]", "« \(code) » n'est pas une caractéristique connue (" + PurchaseCharacteristic.allCases.map(\.rawValue).joined(separator: ", ") + ").")
                continue
            }
            labels.insert(label)
        }
        if let intermediaries, intermediaries <= 1 { labels.insert(.shortCircuit) }
        if let intermediaries, intermediaries > 1, labels.contains(.shortCircuit) {
            errors.add("intermediaries", "Avec plus d'un intermédiaire, ce n'est pas un circuit court : retirez CIRCUIT_COURT ou corrigez le nombre.")
        }
        let local = localDefinition.flatMap { $0.validate(field: "localDefinition", into: &errors) }
        if labels.contains(.local), local == nil, localDefinition == nil {
            errors.add("localDefinition", "Ce fournisseur est marqué LOCAL : dites selon quelle définition (km, commune, département, région, PAT).")
        }
        if !labels.contains(.local), TextRules.clean(localDefinition?.kind) != nil {
            errors.add("localDefinition", "Une définition du local va avec la caractéristique LOCAL : cochez-la ou retirez la définition.")
        }
        var family: ProductFamily?
        if let raw = TextRules.clean(defaultFamily) {
            family = ProductFamily(code: raw)
            if family == nil { errors.add("defaultFamily", "Choisissez une famille de produits (" + TextRules.choices(ProductFamily.allCases) + ").") }
        }
        let email = TextRules.clean(contactEmail)
        if let email, !FrenchIdentifiers.isPlausibleEmail(email) { errors.add("contactEmail", "Cette adresse e-mail n'est pas valable.") }
        let contactName = TextRules.clean(contactName)
        if let contactName, contactName.count > 120 { errors.add("contactName", "Le nom du contact compte au plus 120 caractères.") }
        let phone = TextRules.clean(contactPhone)
        if let phone, phone.count > 30 || !phone.allSatisfy({ $0.isNumber || " +.()-".contains($0) }) {
            errors.add("contactPhone", "Un numéro de téléphone s'écrit avec des chiffres, par exemple 04 91 00 00 00.")
        }
        try errors.throwIfAny()
        return Valid(name: name, siret: siret, kind: kind!, address: address, postalCode: postalCode, commune: commune,
                     departement: departement, region: departement.flatMap(FrenchGeography.region(departement:)),
                     distanceKm: distanceKm, latitude: latitude, longitude: longitude, qpvCode: qpvCode, intermediaries: intermediaries,
                     labels: PurchaseCharacteristic.allCases.filter(labels.contains), localDefinition: local, defaultFamily: family,
                     contactName: contactName, contactEmail: email, contactPhone: phone)
    }
}

/// `{kind, km?}` as typed.
public struct LocalDefinitionDraft: Sendable, Equatable {
    public var kind: String?
    public var km: Int?

    public init(kind: String?, km: Int? = nil) {
        self.kind = kind
        self.km = km
    }

    /// Maillage's kinds (`departement`), a file's codes (`DEPARTEMENT`), and ma-cantine's
    /// `AUTOUR_SERVICE` (200 km).
    public func validate(field: String, into errors: inout FieldErrors) -> LocalDefinition? {
        let raw = (TextRules.clean(kind) ?? "").lowercased().replacingOccurrences(of: "_", with: "-")
        if raw == "autour-service" { return .maCantineAroundService }
        guard let kind = LocalDefinitionKind(rawValue: raw) else {
            errors.add(field + ".kind", "Choisissez la définition du local (" + TextRules.choices(LocalDefinitionKind.allCases) + ").")
            return nil
        }
        if kind == .km {
            guard let km, (1...1_000).contains(km) else {
                errors.add(field + ".km", "Pour une définition en kilomètres, donnez une distance de 1 à 1 000 km.")
                return nil
            }
        }
        return LocalDefinition(kind: kind, km: km)
    }
}

/// One line of a supplier's invoice.
public struct PurchaseLineDraft: Sendable, Equatable {
    public var description: String?
    public var family: String?
    public var priceCents: Int?
    public var quantity: Double?
    public var unit: String?
    /// Nil: the supplier's labels.
    public var characteristics: [String]?
    public var localDefinition: LocalDefinitionDraft?

    public init(description: String?, family: String?, priceCents: Int?, quantity: Double? = nil, unit: String? = nil,
                characteristics: [String]? = nil, localDefinition: LocalDefinitionDraft? = nil) {
        self.description = description
        self.family = family
        self.priceCents = priceCents
        self.quantity = quantity
        self.unit = unit
        self.characteristics = characteristics
        self.localDefinition = localDefinition
    }

    public struct Valid: Sendable, Equatable {
        public var description: String
        public var family: ProductFamily
        /// Excluding VAT, for the whole line.
        public var priceCents: Int
        public var quantity: Double?
        public var unit: String?
        public var characteristics: [PurchaseCharacteristic]
        public var localDefinition: LocalDefinition?
        public var egalim: EgalimClass { EgalimClass.classify(Set(characteristics)) }

        public init(description: String, family: ProductFamily, priceCents: Int, quantity: Double?, unit: String?,
                    characteristics: [PurchaseCharacteristic], localDefinition: LocalDefinition?) {
            self.description = description
            self.family = family
            self.priceCents = priceCents
            self.quantity = quantity
            self.unit = unit
            self.characteristics = characteristics
            self.localDefinition = localDefinition
        }
    }

    /// A million euros excluding VAT: beyond, a typing slip.
    public static let maximumPriceCents = 100_000_000

    /// `defaults`: the supplier's, used when the line names no characteristic and no family.
    public func validate(field: String, defaults: SupplierDefaults = .none, into errors: inout FieldErrors) -> Valid? {
        let before = errors.messages.count
        let description = TextRules.clean(description)
        if description == nil { errors.add(field + ".description", "Décrivez ce qui a été acheté.") }
        if let description, description.count > 200 { errors.add(field + ".description", "La description compte au plus 200 caractères.") }
        let family = TextRules.clean(family).flatMap(ProductFamily.init(code:)) ?? (TextRules.clean(family) == nil ? defaults.family : nil)
        if family == nil { errors.add(field + ".family", "Choisissez la famille de produits (" + TextRules.choices(ProductFamily.allCases) + ").") }
        if let priceCents {
            if !(0...Self.maximumPriceCents).contains(priceCents) { errors.add(field + ".priceCents", "Le prix HT va de 0 à 1 000 000 €.") }
        } else {
            errors.add(field + ".priceCents", "Indiquez le prix hors taxes de la ligne.")
        }
        if let quantity, !(quantity > 0 && quantity <= 1_000_000) { errors.add(field + ".quantity", "La quantité est un nombre positif.") }
        let unit = TextRules.clean(unit)
        if let unit, unit.count > 20 { errors.add(field + ".unit", "L'unité compte au plus 20 caractères (kg, L, pièce…).") }
        var characteristics = Set<PurchaseCharacteristic>()
        for (index, code) in (self.characteristics ?? defaults.labels.map(\.rawValue)).enumerated() {
            guard !code.trimmingWhitespace().isEmpty else { continue }
            guard let characteristic = PurchaseCharacteristic(code: code) else {
                errors.add(field + ".characteristics[\(index)]", "« \(code) » n'est pas une caractéristique connue (" + PurchaseCharacteristic.allCases.map(\.rawValue).joined(separator: ", ") + ").")
                continue
            }
            characteristics.insert(characteristic)
        }
        if characteristics.contains(.france) && characteristics.contains(.europe) {
            errors.add(field + ".characteristics", "Une origine est soit FRANCE, soit EUROPE.")
        }
        var local: LocalDefinition?
        if characteristics.contains(.local) {
            if let draft = localDefinition {
                local = draft.validate(field: field + ".localDefinition", into: &errors)
            } else if let supplierDefinition = defaults.localDefinition {
                local = supplierDefinition
            } else {
                errors.add(field + ".localDefinition", "La caractéristique LOCAL est choisie : dites selon quelle définition (km, commune, département, région, PAT).")
            }
        } else if localDefinition != nil && TextRules.clean(localDefinition?.kind) != nil {
            errors.add(field + ".localDefinition", "Une définition du local va avec la caractéristique LOCAL.")
        }
        guard errors.messages.count == before else { return nil }
        return Valid(description: description!, family: family!, priceCents: priceCents!, quantity: quantity, unit: unit,
                     characteristics: PurchaseCharacteristic.allCases.filter(characteristics.contains), localDefinition: local)
    }
}

/// What a supplier's lines start from.
public struct SupplierDefaults: Sendable, Equatable {
    public var labels: [PurchaseCharacteristic]
    public var localDefinition: LocalDefinition?
    public var family: ProductFamily?

    public init(labels: [PurchaseCharacteristic], localDefinition: LocalDefinition?, family: ProductFamily?) {
        self.labels = labels
        self.localDefinition = localDefinition
        self.family = family
    }

    public static let none = SupplierDefaults(labels: [], localDefinition: nil, family: nil)
}

/// A supplier's invoice.
public struct PurchaseDraft: Sendable, Equatable {
    public var date: String?
    public var reference: String?
    public var lines: [PurchaseLineDraft]

    public init(date: String?, reference: String? = nil, lines: [PurchaseLineDraft]) {
        self.date = date
        self.reference = reference
        self.lines = lines
    }

    public struct Valid: Sendable, Equatable {
        public var date: CalendarDay
        public var reference: String?
        public var lines: [PurchaseLineDraft.Valid]
        public var totalCents: Int { lines.reduce(0) { $0 + $1.priceCents } }

        public init(date: CalendarDay, reference: String?, lines: [PurchaseLineDraft.Valid]) {
            self.date = date
            self.reference = reference
            self.lines = lines
        }
    }

    public static let maximumLines = 200

    public func validate(today: CalendarDay, defaults: SupplierDefaults) throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let day = CalendarDay.parse(date, field: "date", subject: "La date d'achat", fallback: nil, latest: today, into: &errors)
        let reference = TextRules.clean(reference)
        if let reference, reference.count > 60 { errors.add("reference", "Le numéro de facture compte au plus 60 caractères.") }
        if lines.isEmpty { errors.add("lines", "Une facture a au moins une ligne.") }
        if lines.count > Self.maximumLines { errors.add("lines", "Une facture a au plus \(Self.maximumLines) lignes.") }
        var valid: [PurchaseLineDraft.Valid] = []
        for (index, line) in lines.prefix(Self.maximumLines).enumerated() {
            if let checked = line.validate(field: "lines[\(index)]", defaults: defaults, into: &errors) { valid.append(checked) }
        }
        try errors.throwIfAny()
        return Valid(date: day!, reference: reference, lines: valid)
    }
}
