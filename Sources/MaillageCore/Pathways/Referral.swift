/// Where a referral (orientation) stands. A social-centre worker sends it; the cooperative's
/// coordinator receives it, meets the person, then accepts or refuses. A referral nobody
/// touches for 30 days expires.
public enum ReferralStatus: String, CaseIterable, Codable, Sendable {
    case sent
    case received
    case interview
    case accepted
    case refused
    case expired

    public var isFinal: Bool { self == .accepted || self == .refused || self == .expired }

    public var frenchLabel: String {
        switch self {
        case .sent: "Envoyée"
        case .received: "Reçue"
        case .interview: "Entretien"
        case .accepted: "Acceptée"
        case .refused: "Refusée"
        case .expired: "Expirée"
        }
    }

    public var englishLabel: String {
        switch self {
        case .sent: "Sent"
        case .received: "Received"
        case .interview: "Interview"
        case .accepted: "Accepted"
        case .refused: "Refused"
        case .expired: "Expired"
        }
    }
}

/// The referral state machine: `sent → received → interview → accepted | refused`, refusal
/// possible at any open step, expiry after 30 days without a transition.
public enum ReferralWorkflow {
    public static let expiryDays = 30

    /// The steps a person may take from `status` (expiry is the system's, not a person's).
    public static func allowedTargets(from status: ReferralStatus) -> [ReferralStatus] {
        switch status {
        case .sent: [.received, .refused]
        case .received: [.interview, .refused]
        case .interview: [.accepted, .refused]
        case .accepted, .refused, .expired: []
        }
    }

    public enum Refusal: Error, Equatable, Sendable {
        /// The state machine does not go from `from` to `to` (HTTP 409).
        case impossible(from: ReferralStatus, to: ReferralStatus)
        /// Refusing needs a reason (HTTP 422).
        case reasonRequired
    }

    /// Checks a transition asked by a person. Returns the cleaned reason to store.
    public static func check(from: ReferralStatus, to: ReferralStatus, reason: String?) throws(Refusal) -> String? {
        guard allowedTargets(from: from).contains(to) else { throw .impossible(from: from, to: to) }
        let cleaned = TextRules.clean(reason)
        if to == .refused && cleaned == nil { throw .reasonRequired }
        return cleaned
    }

    /// The French message for a refused transition.
    public static func message(for refusal: Refusal) -> String {
        switch refusal {
        case .impossible(let from, let to):
            if from.isFinal {
                return "Cette orientation est déjà « \(from.frenchLabel.lowercased()) » : elle ne peut plus changer."
            }
            let next = allowedTargets(from: from).map { "« \($0.frenchLabel.lowercased()) »" }.joined(separator: " ou ")
            return "Une orientation « \(from.frenchLabel.lowercased()) » ne peut pas passer à « \(to.frenchLabel.lowercased()) » : étape suivante possible : \(next)."
        case .reasonRequired:
            return "Indiquez le motif du refus."
        }
    }

    /// Whether an open referral last changed at `lastChange` has expired at `now` (both in
    /// seconds since the same origin).
    public static func hasExpired(status: ReferralStatus, lastChange: Double, now: Double) -> Bool {
        !status.isFinal && now - lastChange >= Double(expiryDays) * 86_400
    }
}

/// The person's situation when referred, the categories funders count.
public enum SituationAtEntry: String, CaseIterable, Codable, Sendable {
    case rsa, ass, aah, rqth
    /// Demandeur d'emploi de longue durée.
    case longTermJobSeeker = "deld"
    case noneOfThese = "none"

    public var frenchLabel: String {
        switch self {
        case .rsa: "Allocataire du RSA"
        case .ass: "Allocataire de l'ASS"
        case .aah: "Allocataire de l'AAH"
        case .rqth: "Reconnaissance de travailleur handicapé (RQTH)"
        case .longTermJobSeeker: "Demandeur d'emploi de longue durée"
        case .noneOfThese: "Aucune de ces situations"
        }
    }
}

/// Highest level of education reached (French nomenclature of diploma levels).
public enum EducationLevel: String, CaseIterable, Codable, Sendable {
    case noDiploma = "none"
    case level3 = "cap_bep"
    case level4 = "bac"
    case level5 = "bac_plus_2"
    case level6Plus = "bac_plus_3"

    public var frenchLabel: String {
        switch self {
        case .noDiploma: "Sans diplôme"
        case .level3: "CAP, BEP (niveau 3)"
        case .level4: "Baccalauréat (niveau 4)"
        case .level5: "Bac + 2 (niveau 5)"
        case .level6Plus: "Bac + 3 ou plus (niveau 6 et plus)"
        }
    }
}

/// Peripheral barriers to employment (freins périphériques).
public enum Barrier: String, CaseIterable, Codable, Sendable {
    case mobility, childcare, housing, health
    case frenchLanguage = "french_language"
    case digital
    case administrativeRights = "administrative_rights"
    case finances, justice
    case overIndebtedness = "over_indebtedness"

    public var frenchLabel: String {
        switch self {
        case .mobility: "Mobilité"
        case .childcare: "Garde d'enfants"
        case .housing: "Logement"
        case .health: "Santé"
        case .frenchLanguage: "Langue française"
        case .digital: "Numérique"
        case .administrativeRights: "Accès aux droits"
        case .finances: "Finances"
        case .justice: "Justice"
        case .overIndebtedness: "Surendettement"
        }
    }
}
