/// What a local partner is.
public enum PartnerKind: String, CaseIterable, Codable, Sendable {
    case state = "etat"
    case region
    case departement
    case metropole
    case commune
    case caisseDesDepots = "caisse-des-depots"
    case maisonEmploi = "maison-emploi"
    case missionLocale = "mission-locale"
    case franceTravail = "france-travail"
    case socialCentre = "centre-social"
    case association
    case business = "entreprise"
    case socialLandlord = "bailleur-social"
    case school = "ecole-universite"
    case other

    public var frenchLabel: String {
        switch self {
        case .state: "État, préfecture"
        case .region: "Région"
        case .departement: "Département"
        case .metropole: "Métropole"
        case .commune: "Commune"
        case .caisseDesDepots: "Caisse des Dépôts"
        case .maisonEmploi: "Maison de l'Emploi"
        case .missionLocale: "Mission Locale"
        case .franceTravail: "France Travail"
        case .socialCentre: "Centre social"
        case .association: "Association"
        case .business: "Entreprise"
        case .socialLandlord: "Bailleur social"
        case .school: "École, université"
        case .other: "Autre"
        }
    }
}

/// The themes of the services a partner offers (data·inclusion's thematic families, simplified).
public enum ServiceTheme: String, CaseIterable, Codable, Sendable {
    case mobility
    case childcare
    case housing
    case health
    case french
    case digital
    case rights
    case training
    case employment
    case businessCreation = "business-creation"

    public var frenchLabel: String {
        switch self {
        case .mobility: "Mobilité"
        case .childcare: "Garde d'enfants"
        case .housing: "Logement"
        case .health: "Santé"
        case .french: "Apprendre le français"
        case .digital: "Numérique"
        case .rights: "Accès aux droits"
        case .training: "Formation"
        case .employment: "Emploi"
        case .businessCreation: "Création d'activité"
        }
    }
}

/// What a partner is to a cooperative.
public enum PartnerRoleKind: String, CaseIterable, Codable, Sendable {
    case referrer
    case funder
    case supplier
    case member
    case host

    public var frenchLabel: String {
        switch self {
        case .referrer: "Oriente des habitant·es"
        case .funder: "Finance"
        case .supplier: "Fournit"
        case .member: "Associé"
        case .host: "Accueille (locaux)"
        }
    }
}

/// A person to contact at a partner; shown in the directory only when they agreed to be listed.
public struct PartnerContactDraft: Sendable, Equatable {
    public var name: String?
    public var function: String?
    public var email: String?
    public var phone: String?
    public var listed: Bool

    public init(name: String?, function: String? = nil, email: String? = nil, phone: String? = nil, listed: Bool = false) {
        self.name = name
        self.function = function
        self.email = email
        self.phone = phone
        self.listed = listed
    }

    public struct Valid: Sendable, Equatable {
        public var name: String
        public var function: String?
        public var email: String?
        public var phone: String?
        public var listed: Bool
    }

    public func validate(field: String, into errors: inout FieldErrors) -> Valid? {
        let before = errors.messages.count
        let name = TextRules.requireName(name, field: field + ".name", max: 120, into: &errors)
        let function = TextRules.clean(function)
        if let function, function.count > 120 { errors.add(field + ".function", "La fonction compte au plus 120 caractères.") }
        let email = TextRules.clean(email)?.lowercased()
        if let email, !FrenchIdentifiers.isPlausibleEmail(email) { errors.add(field + ".email", "Cette adresse électronique n'a pas la forme nom@domaine.fr.") }
        let phone = TextRules.clean(phone)
        if let phone, phone.count > 30 || !phone.allSatisfy({ $0.isNumber || " +.()-".contains($0) }) {
            errors.add(field + ".phone", "Un numéro de téléphone s'écrit avec des chiffres, par exemple 04 91 00 00 00.")
        }
        guard errors.messages.count == before else { return nil }
        return Valid(name: name, function: function, email: email, phone: phone, listed: listed)
    }
}

/// A partner organisation as typed.
public struct PartnerDraft: Sendable, Equatable {
    public var name: String?
    public var kind: String?
    public var siret: String?
    public var address: String?
    public var postalCode: String?
    public var commune: String?
    public var website: String?
    public var description: String?
    public var services: [String]
    public var contacts: [PartnerContactDraft]

    public init(name: String?, kind: String?, siret: String? = nil, address: String? = nil, postalCode: String? = nil, commune: String? = nil,
                website: String? = nil, description: String? = nil, services: [String] = [], contacts: [PartnerContactDraft] = []) {
        self.name = name
        self.kind = kind
        self.siret = siret
        self.address = address
        self.postalCode = postalCode
        self.commune = commune
        self.website = website
        self.description = description
        self.services = services
        self.contacts = contacts
    }

    public struct Valid: Sendable, Equatable {
        public var name: String
        public var kind: PartnerKind
        public var siret: String?
        public var address: String?
        public var postalCode: String?
        public var commune: String?
        public var website: String?
        public var description: String?
        public var services: [ServiceTheme]
        public var contacts: [PartnerContactDraft.Valid]
    }

    public func validate() throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let name = TextRules.requireName(name, field: "name", max: 160, into: &errors)
        let kind = PartnerKind(rawValue: TextRules.clean(kind) ?? "")
        if kind == nil { errors.add("kind", "Choisissez ce qu'est le partenaire : " + PartnerKind.allCases.map(\.rawValue).joined(separator: ", ") + ".") }
        let siret = TextRules.clean(siret)?.filter { !$0.isWhitespace }
        if let siret, !FrenchIdentifiers.isValidSiret(siret) { errors.add("siret", "Ce SIRET n'est pas valide : 14 chiffres dont le dernier est une clé.") }
        let address = TextRules.clean(address)
        if let address, address.count > 200 { errors.add("address", "L'adresse compte au plus 200 caractères.") }
        let postalCode = TextRules.clean(postalCode)
        if let postalCode, postalCode.count != 5 || !postalCode.allSatisfy(\.isNumber) { errors.add("postalCode", "Un code postal compte cinq chiffres.") }
        let commune = TextRules.clean(commune)
        if let commune, commune.count > 120 { errors.add("commune", "La commune compte au plus 120 caractères.") }
        let website = TextRules.clean(website)
        if let website, !TextRules.isWebAddress(website, maximumLength: 300) {
            errors.add("website", "Le site est une adresse web complète (https://…).")
        }
        let description = TextRules.clean(description)
        if let description, description.count > 2_000 { errors.add("description", "La présentation compte au plus 2 000 caractères.") }
        var services: [ServiceTheme] = []
        for raw in self.services.compactMap(TextRules.clean) {
            guard let theme = ServiceTheme(rawValue: raw) else {
                errors.add("services", "« \(raw) » n'est pas un thème : " + ServiceTheme.allCases.map(\.rawValue).joined(separator: ", ") + ".")
                continue
            }
            if !services.contains(theme) { services.append(theme) }
        }
        if contacts.count > 20 { errors.add("contacts", "Au plus 20 contacts par partenaire.") }
        let validContacts = contacts.enumerated().compactMap { $0.element.validate(field: "contacts[\($0.offset)]", into: &errors) }
        try errors.throwIfAny()
        return Valid(name: name, kind: kind!, siret: siret, address: address, postalCode: postalCode, commune: commune, website: website,
                     description: description, services: services, contacts: validContacts)
    }
}
