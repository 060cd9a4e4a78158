/// A fraction of members or votes (1/5, 2/3), kept exact.
public struct Fraction: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var numerator: Int
    public var denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    public var description: String { "\(numerator)/\(denominator)" }

    /// Whether `part` out of `whole` reaches this fraction (part/whole ≥ n/d), in integers.
    public func isReached(by part: Int, of whole: Int) -> Bool { part * denominator >= numerator * whole }

    /// Whether `part` out of `whole` is more than this fraction (part/whole > n/d).
    public func isExceeded(by part: Int, of whole: Int) -> Bool { part * denominator > numerator * whole }
}

public enum AssemblyKind: String, CaseIterable, Codable, Sendable {
    case ordinary
    case extraordinary

    public var frenchLabel: String { self == .ordinary ? "Assemblée générale ordinaire" : "Assemblée générale extraordinaire" }
}

public enum Convocation: String, CaseIterable, Codable, Sendable {
    case first
    case second

    public var frenchLabel: String { self == .first ? "Première convocation" : "Deuxième convocation" }
}

/// Quorum and majority, from the Code de commerce for a cooperative in SA form (art. L225-96
/// and L225-98) unless the statutes say otherwise.
public struct AssemblyRules: Sendable, Equatable, Codable {
    /// Nil: no quorum (an ordinary assembly on second convocation).
    public var ordinaryFirstQuorum: Fraction?
    public var ordinarySecondQuorum: Fraction?
    public var extraordinaryFirstQuorum: Fraction?
    public var extraordinarySecondQuorum: Fraction?
    /// Adopted when "for" is more than this share of votes cast.
    public var ordinaryMajority: Fraction
    /// Adopted when "for" is at least this share of votes cast.
    public var extraordinaryMajority: Fraction

    public init(ordinaryFirstQuorum: Fraction?, ordinarySecondQuorum: Fraction?, extraordinaryFirstQuorum: Fraction?, extraordinarySecondQuorum: Fraction?,
                ordinaryMajority: Fraction, extraordinaryMajority: Fraction) {
        self.ordinaryFirstQuorum = ordinaryFirstQuorum
        self.ordinarySecondQuorum = ordinarySecondQuorum
        self.extraordinaryFirstQuorum = extraordinaryFirstQuorum
        self.extraordinarySecondQuorum = extraordinarySecondQuorum
        self.ordinaryMajority = ordinaryMajority
        self.extraordinaryMajority = extraordinaryMajority
    }

    /// Ordinary: 1/5 on first convocation, none on second, more than half of votes cast.
    /// Extraordinary: 1/4 then 1/5, two thirds of votes cast.
    public static let codeDeCommerce = AssemblyRules(ordinaryFirstQuorum: Fraction(1, 5), ordinarySecondQuorum: nil,
                                                     extraordinaryFirstQuorum: Fraction(1, 4), extraordinarySecondQuorum: Fraction(1, 5),
                                                     ordinaryMajority: Fraction(1, 2), extraordinaryMajority: Fraction(2, 3))

    public func quorum(_ kind: AssemblyKind, _ convocation: Convocation) -> Fraction? {
        switch (kind, convocation) {
        case (.ordinary, .first): ordinaryFirstQuorum
        case (.ordinary, .second): ordinarySecondQuorum
        case (.extraordinary, .first): extraordinaryFirstQuorum
        case (.extraordinary, .second): extraordinarySecondQuorum
        }
    }

    /// Whether the members present, represented, remote or voting by post reach the quorum
    /// among the members with a vote.
    public func quorumReached(_ kind: AssemblyKind, _ convocation: Convocation, participating: Int, members: Int) -> Bool {
        guard let quorum = quorum(kind, convocation) else { return true }
        guard members > 0 else { return false }
        return quorum.isReached(by: participating, of: members)
    }

    /// Whether a resolution with `forVotes` out of `cast` (abstentions and blank votes are not
    /// cast) passes: more than half for an ordinary one, at least two thirds for an
    /// extraordinary one.
    public func adopted(_ kind: AssemblyKind, forVotes: Int, cast: Int) -> Bool {
        guard cast > 0 else { return false }
        switch kind {
        case .ordinary: return ordinaryMajority.isExceeded(by: forVotes, of: cast)
        case .extraordinary: return extraordinaryMajority.isReached(by: forVotes, of: cast)
        }
    }
}

/// A voting college and its weight, in whole percents.
public struct CollegeWeight: Sendable, Equatable, Hashable, Codable {
    public var id: String
    public var name: String
    public var weightPercent: Int

    public init(id: String, name: String, weightPercent: Int) {
        self.id = id
        self.name = name
        self.weightPercent = weightPercent
    }
}

public enum CollegeRules {
    public static let minimumWeight = 10
    public static let maximumWeight = 50

    /// In a SCIC with colleges, each weighs 10 to 50 % of the votes and all sum to 100 %
    /// (art. 19 octies of the law of 10 September 1947); at least three colleges follow.
    public static func problems(_ colleges: [CollegeWeight]) -> FieldErrors {
        var errors = FieldErrors()
        for (index, college) in colleges.enumerated() where !(minimumWeight...maximumWeight).contains(college.weightPercent) {
            errors.add("colleges[\(index)].weightPercent", "Le collège « \(college.name) » pèse \(college.weightPercent) % : chaque collège pèse de 10 à 50 % des voix.")
        }
        if !colleges.isEmpty && colleges.count < 3 {
            errors.add("colleges", "Une SCIC qui vote par collège en a au moins trois ; il y en a \(colleges.count).")
        }
        let total = colleges.reduce(0) { $0 + $1.weightPercent }
        if !colleges.isEmpty && total != 100 {
            errors.add("colleges", "Les collèges pèsent ensemble \(total) % des voix : il faut 100 %.")
        }
        return errors
    }
}

/// What a member category is, for the SCIC's rule of three.
public enum MemberCategoryKind: String, CaseIterable, Codable, Sendable {
    case employees
    case producers
    case beneficiaries
    case publicBodies = "public-bodies"
    case volunteers
    case supporters
    case other

    public var frenchLabel: String {
        switch self {
        case .employees: "Salarié·es"
        case .producers: "Producteurs et productrices"
        case .beneficiaries: "Bénéficiaires (usagers, habitants)"
        case .publicBodies: "Collectivités publiques"
        case .volunteers: "Bénévoles"
        case .supporters: "Soutiens (associations, centres sociaux, entreprises)"
        case .other: "Autre catégorie"
        }
    }
}

public enum StatutesRules {
    /// What a SCIC still lacks: at least three categories of associates, among them the
    /// employees (or producers) and the beneficiaries. A warning while it is not met, not a
    /// refusal: a cooperative in préfiguration gets there step by step.
    public static func scicWarnings(categories: Set<MemberCategoryKind>) -> [String] {
        var warnings: [String] = []
        if categories.count < 3 {
            warnings.append("Une SCIC réunit au moins trois catégories d'associés ; il y en a \(categories.count).")
        }
        if categories.isDisjoint(with: [.employees, .producers]) {
            warnings.append("Il manque les salarié·es (ou les producteurs) parmi les catégories d'associés.")
        }
        if !categories.contains(.beneficiaries) {
            warnings.append("Il manque les bénéficiaires parmi les catégories d'associés.")
        }
        return warnings
    }
}

/// How members took part in an assembly.
public enum AttendanceMode: String, CaseIterable, Codable, Sendable {
    case present
    case remote
    case postal
    case represented
}

public enum ProxyRules {
    public enum Problem: Error, Equatable {
        case holderAbsent
        case holderIsGiver
        case capReached(Int)
        case otherCollege
    }

    /// A proxy is valid when its holder is present in the room, is not the giver, holds fewer
    /// than `cap` proxies already, and belongs to the giver's college when the statutes ask.
    public static func check(holderMode: AttendanceMode?, holderIsGiver: Bool, proxiesHeld: Int, cap: Int,
                             sameCollegeRequired: Bool, holderCollege: String?, giverCollege: String?) -> Problem? {
        if holderIsGiver { return .holderIsGiver }
        guard holderMode == .present else { return .holderAbsent }
        if proxiesHeld >= cap { return .capReached(cap) }
        if sameCollegeRequired && holderCollege != giverCollege { return .otherCollege }
        return nil
    }

    public static func message(_ problem: Problem) -> String {
        switch problem {
        case .holderAbsent: "Le mandataire doit être présent dans la salle pour porter un pouvoir."
        case .holderIsGiver: "On ne se donne pas pouvoir à soi-même."
        case .capReached(let cap): cap == 0 ? "Les statuts ne permettent pas de porter un pouvoir." : "Ce mandataire porte déjà \(cap) pouvoir(s), le plafond des statuts."
        case .otherCollege: "Les statuts demandent que le mandataire soit du même collège."
        }
    }
}

public enum VoteChoice: String, CaseIterable, Codable, Sendable {
    case `for`
    case against
    case abstain
}

/// The result of a resolution: by head count, and weighted by college.
public struct Tally: Sendable, Equatable {
    public struct College: Sendable, Equatable {
        public var college: CollegeWeight
        public var forVotes: Int
        public var against: Int
        public var abstain: Int
        public var cast: Int { forVotes + against }
        /// "For" among the college's votes cast; nil when it cast none.
        public var forShare: Double? { cast == 0 ? nil : Double(forVotes) / Double(cast) }
        /// Its weight once the colleges that cast no vote are left out.
        public var effectiveWeight: Double
    }

    public var forVotes: Int
    public var against: Int
    public var abstain: Int
    public var cast: Int { forVotes + against }
    public var byCollege: [College]
    /// Σ weight × share of "for" among each college's votes cast; nil without colleges.
    public var weightedForShare: Double?

    /// `votes`: each voter's college (nil without colleges) and choice.
    public init(votes: [(college: String?, choice: VoteChoice)], colleges: [CollegeWeight]) {
        forVotes = votes.filter { $0.choice == .for }.count
        against = votes.filter { $0.choice == .against }.count
        abstain = votes.filter { $0.choice == .abstain }.count
        var parts = colleges.map { college -> College in
            let own = votes.filter { $0.college == college.id }
            return College(college: college, forVotes: own.filter { $0.choice == .for }.count, against: own.filter { $0.choice == .against }.count,
                           abstain: own.filter { $0.choice == .abstain }.count, effectiveWeight: 0)
        }
        // A college that cast no vote is left out and the others' weights are scaled up to
        // 100 %, as SCIC statutes usually provide.
        let voting = parts.filter { $0.cast > 0 }.reduce(0) { $0 + $1.college.weightPercent }
        for index in parts.indices where parts[index].cast > 0 && voting > 0 {
            parts[index].effectiveWeight = Double(parts[index].college.weightPercent) / Double(voting)
        }
        byCollege = parts
        weightedForShare = colleges.isEmpty || voting == 0 ? nil
            : parts.reduce(0.0) { $0 + $1.effectiveWeight * ($1.forShare ?? 0) }
    }

    /// Adopted on the weighted result where there are colleges, on the head count otherwise.
    public func adopted(_ kind: AssemblyKind, rules: AssemblyRules) -> Bool {
        guard let weighted = weightedForShare else { return rules.adopted(kind, forVotes: forVotes, cast: cast) }
        // The weighted share is a sum of quotients: compared with the majority's fraction
        // within a rounding error far below any real vote's step.
        let tolerance = 1e-9
        switch kind {
        case .ordinary:
            let majority = rules.ordinaryMajority
            return weighted * Double(majority.denominator) > Double(majority.numerator) + tolerance
        case .extraordinary:
            let majority = rules.extraordinaryMajority
            return weighted * Double(majority.denominator) >= Double(majority.numerator) - tolerance
        }
    }

    /// What the head count alone would say.
    public func adoptedByHeadCount(_ kind: AssemblyKind, rules: AssemblyRules) -> Bool {
        rules.adopted(kind, forVotes: forVotes, cast: cast)
    }
}

public enum CapitalRules {
    /// Public bodies together hold at most half of a SCIC's capital (art. 19 septies of the
    /// law of 10 September 1947).
    public static let publicBodiesCap = Fraction(1, 2)

    /// Whether public bodies stay within their cap once `publicCents` of the `totalCents` is theirs.
    public static func publicBodiesWithinCap(publicCents: Int, totalCents: Int) -> Bool {
        totalCents == 0 || !publicBodiesCap.isExceeded(by: publicCents, of: totalCents)
    }

    /// The register's numbers run 1, 2, 3… without a gap: the number expected where the
    /// sorted sequence first breaks (a missing or a repeated number); nil when it does not.
    public static func firstGap(in numbers: [Int]) -> Int? {
        for (index, number) in numbers.sorted().enumerated() where number != index + 1 { return index + 1 }
        return nil
    }
}

public enum CapitalOperationKind: String, CaseIterable, Codable, Sendable {
    case subscription
    case transfer
    case reimbursement
    /// Shares of one class exchanged for shares of another of the same total value.
    case conversion

    public var frenchLabel: String {
        switch self {
        case .subscription: "Souscription"
        case .transfer: "Cession"
        case .reimbursement: "Remboursement"
        case .conversion: "Conversion"
        }
    }
}

/// The capital register's arithmetic: who holds how many shares of each class, and whether an
/// operation may be written.
public enum CapitalRegister {
    public struct Entry: Sendable, Equatable {
        public var kind: CapitalOperationKind
        public var member: String
        public var toMember: String?
        public var shareClass: String
        public var quantity: Int
        /// A conversion's class and quantity received.
        public var toShareClass: String?
        public var toQuantity: Int?

        public init(kind: CapitalOperationKind, member: String, toMember: String? = nil, shareClass: String, quantity: Int,
                    toShareClass: String? = nil, toQuantity: Int? = nil) {
            self.kind = kind
            self.member = member
            self.toMember = toMember
            self.shareClass = shareClass
            self.quantity = quantity
            self.toShareClass = toShareClass
            self.toQuantity = toQuantity
        }
    }

    public struct Holding: Hashable, Sendable {
        public var member: String
        public var shareClass: String

        public init(member: String, shareClass: String) {
            self.member = member
            self.shareClass = shareClass
        }
    }

    /// Shares held after the entries, by member and class (zeros left out).
    public static func holdings(_ entries: [Entry]) -> [Holding: Int] {
        var held: [Holding: Int] = [:]
        for entry in entries {
            let from = Holding(member: entry.member, shareClass: entry.shareClass)
            switch entry.kind {
            case .subscription: held[from, default: 0] += entry.quantity
            case .reimbursement: held[from, default: 0] -= entry.quantity
            case .transfer:
                held[from, default: 0] -= entry.quantity
                if let to = entry.toMember { held[Holding(member: to, shareClass: entry.shareClass), default: 0] += entry.quantity }
            case .conversion:
                held[from, default: 0] -= entry.quantity
                if let toClass = entry.toShareClass { held[Holding(member: entry.member, shareClass: toClass), default: 0] += entry.toQuantity ?? 0 }
            }
        }
        return held.filter { $0.value != 0 }
    }

    /// Why `entry` may not be written after `entries`: a member giving or taking back more than
    /// they hold, a holding left under the class's minimum (other than none), a transfer to
    /// oneself, a conversion that does not keep the value, public bodies over half of the capital. `nominal` and `minimum` by class;
    /// `publicBodies`: the members who are public bodies.
    public static func problems(_ entry: Entry, after entries: [Entry], nominalCents: [String: Int], minimumQuantity: [String: Int],
                                publicBodies: Set<String>) -> FieldErrors {
        var errors = FieldErrors()
        if !(1...1_000_000).contains(entry.quantity) { errors.add("quantity", "Le nombre de parts va de 1 à 1 000 000.") }
        let held = holdings(entries)
        let own = held[Holding(member: entry.member, shareClass: entry.shareClass)] ?? 0
        let minimum = minimumQuantity[entry.shareClass] ?? 1
        switch entry.kind {
        case .subscription:
            if own + entry.quantity < minimum { errors.add("quantity", "Cette catégorie de parts se souscrit par \(minimum) au moins.") }
        case .transfer, .reimbursement, .conversion:
            if entry.quantity > own {
                errors.add("quantity", "L'associé·e détient \(own) part(s) de cette catégorie : on ne peut en céder ou en rembourser plus.")
            } else if own - entry.quantity > 0 && own - entry.quantity < minimum {
                errors.add("quantity", "Il lui resterait \(own - entry.quantity) part(s), sous le minimum de \(minimum) : cédez ou remboursez tout, ou moins.")
            }
            if entry.kind == .transfer {
                if entry.toMember == nil { errors.add("toMemberID", "Une cession a un·e associé·e qui reçoit les parts.") }
                if entry.toMember == entry.member { errors.add("toMemberID", "On ne se cède pas des parts à soi-même.") }
                if let to = entry.toMember {
                    let theirs = held[Holding(member: to, shareClass: entry.shareClass)] ?? 0
                    if theirs + entry.quantity < minimum { errors.add("quantity", "L'associé·e qui reçoit en aurait \(theirs + entry.quantity), sous le minimum de \(minimum).") }
                }
            }
            if entry.kind == .conversion {
                if let toClass = entry.toShareClass, let toNominal = nominalCents[toClass], let fromNominal = nominalCents[entry.shareClass] {
                    let value = entry.quantity * fromNominal
                    if toClass == entry.shareClass {
                        errors.add("toShareClassID", "Une conversion change de catégorie de parts.")
                    } else if value % toNominal != 0 || entry.toQuantity != value / toNominal {
                        errors.add("quantity", "\(entry.quantity) part(s) valent " + Euros.french(value) + " : ce n'est pas un nombre entier de parts de l'autre catégorie.")
                    } else {
                        let after = (held[Holding(member: entry.member, shareClass: toClass)] ?? 0) + value / toNominal
                        if after < (minimumQuantity[toClass] ?? 1) {
                            errors.add("quantity", "Il aurait \(after) part(s) de l'autre catégorie, sous son minimum de \(minimumQuantity[toClass] ?? 1).")
                        }
                    }
                } else {
                    errors.add("toShareClassID", "Une conversion nomme la catégorie de parts reçue.")
                }
            }
        }
        if errors.isEmpty {
            let after = holdings(entries + [entry])
            let total = after.reduce(0) { $0 + $1.value * (nominalCents[$1.key.shareClass] ?? 0) }
            let publicCents = after.filter { publicBodies.contains($0.key.member) }.reduce(0) { $0 + $1.value * (nominalCents[$1.key.shareClass] ?? 0) }
            if !CapitalRules.publicBodiesWithinCap(publicCents: publicCents, totalCents: total) {
                errors.add("memberID", "Les collectivités publiques détiendraient plus de la moitié du capital : refusé (SCIC, art. 19 septies de la loi de 1947).")
            }
        }
        return errors
    }
}
