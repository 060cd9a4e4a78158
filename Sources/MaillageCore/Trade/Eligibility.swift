/// What a household showed to get a reduced price. Maillage keeps the kind, the dates and who
/// verified, never the document nor (unless the cooperative must report it) the income.
public enum ProofKind: String, CaseIterable, Codable, Sendable {
    case cafCertificate = "caf_certificate"
    case msaCertificate = "msa_certificate"
    case taxNotice = "tax_notice"
    case socialWorkerReferral = "social_worker_referral"
    case minimumBenefits = "minimum_benefits"

    public var frenchLabel: String {
        switch self {
        case .cafCertificate: "Attestation de quotient familial CAF"
        case .msaCertificate: "Attestation MSA"
        case .taxNotice: "Avis d'imposition"
        case .socialWorkerReferral: "Orientation par un·e travailleur·se social·e"
        case .minimumBenefits: "Minima sociaux (RSA, ASS, AAH…)"
        }
    }

    /// A CAF or MSA certificate is accepted only when less than 3 months old.
    public var isCertificate: Bool { self == .cafCertificate || self == .msaCertificate }

    /// Kinds that state a quotient familial.
    public var carriesFamilyQuotient: Bool { self == .cafCertificate || self == .msaCertificate || self == .taxNotice }
}

public struct ProofDraft: Sendable, Equatable {
    public var kind: String?
    public var familyQuotient: Int?
    public var issuedOn: String?
    public var validUntil: String?

    public init(kind: String?, familyQuotient: Int?, issuedOn: String?, validUntil: String? = nil) {
        self.kind = kind
        self.familyQuotient = familyQuotient
        self.issuedOn = issuedOn
        self.validUntil = validUntil
    }

    public struct Valid: Sendable, Equatable {
        public var kind: ProofKind
        public var familyQuotient: Int?
        public var issuedOn: CalendarDay
        public var validUntil: CalendarDay
    }

    public static let certificateMaxAgeMonths = 3
    public static let defaultValidityMonths = 12

    public func validate(today: CalendarDay) throws(FieldErrors) -> Valid {
        var errors = FieldErrors()
        let kind = ProofKind(rawValue: kind ?? "")
        if kind == nil {
            errors.add("proof.kind", "Choisissez le justificatif dans la liste (" + TextRules.choices(ProofKind.allCases, lowercased: false) + ").")
        }
        let issued = CalendarDay.parse(issuedOn, field: "proof.issuedOn", subject: "La date du justificatif", fallback: nil, latest: today, into: &errors)
        if let kind, let issued, kind.isCertificate, issued.adding(months: Self.certificateMaxAgeMonths) <= today {
            errors.add("proof.issuedOn", "Une attestation n'est acceptée que si elle a moins de 3 mois : demandez-en une plus récente.")
        }
        if let qf = familyQuotient, qf < 0 || qf > 100_000 {
            errors.add("proof.familyQuotient", "Le quotient familial va de 0 à 100 000.")
        }
        if let kind, kind.carriesFamilyQuotient, familyQuotient == nil {
            errors.add("proof.familyQuotient", "Indiquez le quotient familial porté sur le justificatif.")
        }
        var until = issued.map { $0.adding(months: Self.defaultValidityMonths) }
        if TextRules.clean(validUntil) != nil {
            until = CalendarDay.parse(validUntil, field: "proof.validUntil", subject: "La fin de validité", fallback: nil, latest: nil, into: &errors)
        }
        if let until, until < today { errors.add("proof.validUntil", "Ce justificatif n'est déjà plus valable.") }
        if let until, let issued, until < issued { errors.add("proof.validUntil", "La fin de validité précède la date du justificatif.") }
        try errors.throwIfAny()
        return Valid(kind: kind!, familyQuotient: kind!.carriesFamilyQuotient ? familyQuotient : nil, issuedOn: issued!, validUntil: until!)
    }
}

public enum Eligibility {
    /// The tier a household gets on `day`: its own while its proof is valid, the public price
    /// after (the till says why).
    public static func tier(stored: Tier, validUntil: CalendarDay?, on day: CalendarDay) -> (tier: Tier, expired: Bool) {
        guard let validUntil else { return (.publicPrice, false) }
        return day <= validUntil ? (stored, false) : (.publicPrice, true)
    }
}
