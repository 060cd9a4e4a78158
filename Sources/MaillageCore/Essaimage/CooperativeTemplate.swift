/// A cooperative's setup saved by the network as a template, to start a new cooperative in a
/// new territory from it: what the founders would otherwise type again (categories and
/// colleges, share classes, statutes settings, tariff grids, catalogue, competence grid), the
/// indicators it reports on, and the road from a residents' collective to a registered SCIC.
public struct TemplateSetup: Codable, Sendable, Equatable {
    public struct Category: Codable, Sendable, Equatable {
        public var name: String
        public var kind: String
        public init(name: String, kind: String) { self.name = name; self.kind = kind }
    }
    public struct College: Codable, Sendable, Equatable {
        public var name: String
        public var weightPercent: Int
        public init(name: String, weightPercent: Int) { self.name = name; self.weightPercent = weightPercent }
    }
    public struct ShareClass: Codable, Sendable, Equatable {
        public var name: String
        public var nominalCents: Int
        public var minimumQuantity: Int
        /// Names of the categories that may hold it; empty: all.
        public var eligibleCategories: [String]
        public init(name: String, nominalCents: Int, minimumQuantity: Int, eligibleCategories: [String]) {
            self.name = name; self.nominalCents = nominalCents; self.minimumQuantity = minimumQuantity; self.eligibleCategories = eligibleCategories
        }
    }
    public struct Statutes: Codable, Sendable, Equatable {
        public var collegesEnabled: Bool
        public var maxProxies: Int
        public var proxySameCollege: Bool
        public var ordinaryFirstQuorum: String?
        public var ordinarySecondQuorum: String?
        public var extraordinaryFirstQuorum: String?
        public var extraordinarySecondQuorum: String?
        public var ordinaryMajority: String?
        public var extraordinaryMajority: String?
        public init(collegesEnabled: Bool, maxProxies: Int, proxySameCollege: Bool, ordinaryFirstQuorum: String?, ordinarySecondQuorum: String?,
                    extraordinaryFirstQuorum: String?, extraordinarySecondQuorum: String?, ordinaryMajority: String?, extraordinaryMajority: String?) {
            self.collegesEnabled = collegesEnabled; self.maxProxies = maxProxies; self.proxySameCollege = proxySameCollege
            self.ordinaryFirstQuorum = ordinaryFirstQuorum; self.ordinarySecondQuorum = ordinarySecondQuorum
            self.extraordinaryFirstQuorum = extraordinaryFirstQuorum; self.extraordinarySecondQuorum = extraordinarySecondQuorum
            self.ordinaryMajority = ordinaryMajority; self.extraordinaryMajority = extraordinaryMajority
        }
    }
    public struct TariffGrid: Codable, Sendable, Equatable {
        public var name: String
        /// The brackets as the trade area stores them (JSON).
        public var brackets: String
        public var effortPermille: Int?
        public var effortMinCents: Int?
        public var effortMaxCents: Int?
        public var funderName: String?
        public init(name: String, brackets: String, effortPermille: Int?, effortMinCents: Int?, effortMaxCents: Int?, funderName: String?) {
            self.name = name; self.brackets = brackets; self.effortPermille = effortPermille
            self.effortMinCents = effortMinCents; self.effortMaxCents = effortMaxCents; self.funderName = funderName
        }
    }
    public struct Product: Codable, Sendable, Equatable {
        public var name: String
        public var category: String
        public var publicPriceCents: Int
        public var vatRate: Int
        public init(name: String, category: String, publicPriceCents: Int, vatRate: Int) {
            self.name = name; self.category = category; self.publicPriceCents = publicPriceCents; self.vatRate = vatRate
        }
    }

    public var categories: [Category] = []
    public var colleges: [College] = []
    public var shareClasses: [ShareClass] = []
    public var statutes: Statutes?
    public var tariffGrids: [TariffGrid] = []
    public var products: [Product] = []
    public var competences: [String] = []
    /// The indicators the cooperative reports on (keys of the catalogue).
    public var indicators: [String] = Indicator.allCases.map(\.rawValue)
    public var onboarding: [OnboardingStep] = OnboardingStep.fromCollectiveToSCIC

    public init() {}
}

/// One step of the road from a residents' collective to a registered SCIC: who does it, and
/// how many weeks after the start it is due.
public struct OnboardingStep: Codable, Sendable, Equatable {
    public var key: String
    public var title: String
    public var who: String
    public var weeksAfterStart: Int

    public init(key: String, title: String, who: String, weeksAfterStart: Int) {
        self.key = key
        self.title = title
        self.who = who
        self.weeksAfterStart = weeksAfterStart
    }

    /// The field article's road: an opportunity study, the residents mobilised, a préfiguration
    /// period, statutes written, the registration, the first general assembly.
    public static let fromCollectiveToSCIC: [OnboardingStep] = [
        .init(key: "opportunity-study", title: "Étude d'opportunité", who: "Tête de réseau, avec le centre social", weeksAfterStart: 8),
        .init(key: "mobilisation", title: "Mobilisation des habitant·es", who: "Centre social et premiers habitant·es", weeksAfterStart: 20),
        .init(key: "prefiguration", title: "Préfiguration (activité test, association de préfiguration)", who: "Coordination et collectif d'habitant·es", weeksAfterStart: 44),
        .init(key: "statutes", title: "Rédaction des statuts de la SCIC", who: "Collectif, tête de réseau et juriste", weeksAfterStart: 56),
        .init(key: "registration", title: "Immatriculation au registre du commerce", who: "Coordination", weeksAfterStart: 64),
        .init(key: "first-assembly", title: "Première assemblée générale", who: "Les associé·es", weeksAfterStart: 68),
    ]
}

/// Where a cooperative stands on its road: steps done, the next one, and whether it is late.
public struct OnboardingProgress: Sendable, Equatable {
    public var done: Int
    public var total: Int
    /// The first step not done, with its due day.
    public var next: (title: String, dueOn: CalendarDay)?
    public var late: Bool

    public static func == (lhs: OnboardingProgress, rhs: OnboardingProgress) -> Bool {
        lhs.done == rhs.done && lhs.total == rhs.total && lhs.late == rhs.late && lhs.next?.title == rhs.next?.title && lhs.next?.dueOn == rhs.next?.dueOn
    }

    /// `steps` in their order.
    public init(_ steps: [(title: String, dueOn: CalendarDay, doneOn: CalendarDay?)], today: CalendarDay) {
        done = steps.filter { $0.doneOn != nil }.count
        total = steps.count
        let first = steps.first { $0.doneOn == nil }
        next = first.map { ($0.title, $0.dueOn) }
        late = first.map { $0.dueOn < today } ?? false
    }

    /// "3 / 6 étapes".
    public var french: String { "\(done) / \(total) étapes" }
}

/// A template's name and description as typed.
public struct TemplateDraft: Sendable, Equatable {
    public var name: String?
    public var description: String?

    public init(name: String?, description: String?) {
        self.name = name
        self.description = description
    }

    public func validate() throws(FieldErrors) -> (name: String, description: String?) {
        var errors = FieldErrors()
        let name = TextRules.requireName(name, field: "name", max: 120, into: &errors)
        let description = TextRules.clean(description)
        if let description, description.count > 2_000 { errors.add("description", "La description compte au plus 2 000 caractères.") }
        try errors.throwIfAny()
        return (name, description)
    }
}
