import Foundation

/// One indicator's figure for a cooperative, or for several added together. A share keeps its
/// part and its whole so that cooperatives add up (never an average of percentages).
public struct IndicatorFigure: Sendable, Equatable {
    public var indicator: Indicator
    /// The count or amount; for a share, its part.
    public var amount: Double
    /// For a share, its base (people accompanied, all purchases…); nil otherwise.
    public var whole: Double?
    /// The breakdown (by referrer kind, by barrier, by tier…), key → amount, when the indicator has one.
    public var parts: [String: Double]

    public init(_ indicator: Indicator, amount: Double, whole: Double? = nil, parts: [String: Double] = [:]) {
        self.indicator = indicator
        self.amount = amount
        self.whole = whole
        self.parts = parts
    }

    /// The figure as shown: the amount, or the share in percent (nil for a share of nothing).
    public var value: Double? {
        guard indicator.unit == .percent else { return amount }
        guard let whole, whole > 0 else { return nil }
        return amount * 100 / whole
    }

    /// Several cooperatives' figures of one indicator together.
    public static func total(_ figures: [IndicatorFigure], of indicator: Indicator) -> IndicatorFigure {
        var total = IndicatorFigure(indicator, amount: 0, whole: indicator.unit == .percent ? 0 : nil)
        for figure in figures where figure.indicator == indicator {
            total.amount += figure.amount
            if let whole = figure.whole { total.whole = (total.whole ?? 0) + whole }
            for (key, amount) in figure.parts { total.parts[key, default: 0] += amount }
        }
        // Full-time equivalents are hours over a period's legal duration: they add as they are.
        return total
    }
}

/// What the records of one cooperative say, gathered by the app for one period; pure data so
/// every indicator is computed, and tested, here.
public struct ImpactFacts: Sendable {
    public struct Referral: Sendable {
        public var sentOn: CalendarDay
        /// The referrer's organisation's kind when sent (`PartnerKind` raw value); nil without one.
        public var referrerKind: String?
        public init(sentOn: CalendarDay, referrerKind: String?) { self.sentOn = sentOn; self.referrerKind = referrerKind }
    }

    public struct BarrierCheck: Sendable {
        public var barrier: Barrier
        public var level: BarrierLevel
        public var day: CalendarDay
        public init(_ barrier: Barrier, _ level: BarrierLevel, on day: CalendarDay) { self.barrier = barrier; self.level = level; self.day = day }
    }

    public struct Pathway: Sendable {
        public var openedOn: CalendarDay
        public var exit: (day: CalendarDay, destination: ExitDestination)?
        public var qpvCode: String?
        public var barriersAtEntry: [Barrier]
        public var barrierChecks: [BarrierCheck]
        public init(openedOn: CalendarDay, exit: (day: CalendarDay, destination: ExitDestination)? = nil, qpvCode: String? = nil,
                    barriersAtEntry: [Barrier] = [], barrierChecks: [BarrierCheck] = []) {
            self.openedOn = openedOn
            self.exit = exit
            self.qpvCode = qpvCode
            self.barriersAtEntry = barriersAtEntry
            self.barrierChecks = barrierChecks
        }
    }

    public struct SkillCheck: Sendable {
        /// Who was assessed (a pathway's id) and on what.
        public var person: String
        public var competence: String
        public var level: SkillLevel
        public var day: CalendarDay
        public init(person: String, competence: String, level: SkillLevel, day: CalendarDay) {
            self.person = person; self.competence = competence; self.level = level; self.day = day
        }
    }

    public struct Purchase: Sendable {
        public var household: String
        public var tier: String
        public init(household: String, tier: String) { self.household = household; self.tier = tier }
    }

    public struct Assembly: Sendable {
        public var day: CalendarDay
        /// Associates present, remote, voting by post or represented.
        public var attendees: Int
        /// Associates who had a vote that day.
        public var voters: Int
        public init(day: CalendarDay, attendees: Int, voters: Int) { self.day = day; self.attendees = attendees; self.voters = voters }
    }

    public struct CapitalMove: Sendable {
        public var day: CalendarDay
        public var kind: CapitalOperationKind
        public var cents: Int
        public init(day: CalendarDay, kind: CapitalOperationKind, cents: Int) { self.day = day; self.kind = kind; self.cents = cents }
    }

    public var referrals: [Referral] = []
    public var pathways: [Pathway] = []
    public var hours: [(week: CalendarDay, minutes: Int, status: HoursStatus)] = []
    public var trainingSessions: [(day: CalendarDay, minutes: Int, status: AttendanceStatus)] = []
    public var skills: [SkillCheck] = []
    /// The solidarity trade over the period (already for the period).
    public var trade: TradeFigures.Summary?
    /// Sales with a household card during the period, oldest first.
    public var householdPurchases: [Purchase] = []
    /// Purchases of the period (already for the period).
    public var purchases: SourcingIndicators?
    /// Associates with a vote on the period's last day: their category and college names.
    public var membersAtEnd: [(category: String, college: String?)] = []
    public var capitalMoves: [CapitalMove] = []
    public var assemblies: [Assembly] = []
    /// Kinds of the partners with a role toward the cooperative (one entry per partner).
    public var partnerKinds: [String] = []
    /// First days of the cooperative's bookings of pooled resources.
    public var bookings: [CalendarDay] = []

    public init() {}
}

public enum ImpactFigures {
    /// A full-time job's legal hours in a year (35 h × 52 weeks − holidays and bank holidays + solidarity day).
    public static let fullTimeHoursPerYear = 1_607.0
    public static let withoutOrganisation = "sans-structure"
    public static let withoutCollege = "sans-collège"

    /// Every indicator of the catalogue for one cooperative over `period`.
    public static func compute(_ facts: ImpactFacts, period: DayPeriod) -> [IndicatorFigure] {
        let summary = PathwaySummary.compute(
            referrals: [], pathways: facts.pathways.map { .init(openedOn: $0.openedOn, exit: $0.exit, qpvCode: $0.qpvCode, barriers: $0.barriersAtEntry) },
            period: period, hoursWorked: PathwaySummary.hoursWorked(facts.hours, in: period),
            trainingHours: PathwaySummary.trainingHours(facts.trainingSessions, in: period))
        let open = facts.pathways.filter { $0.openedOn <= period.to && ($0.exit.map { $0.day >= period.from } ?? true) }
        var figures: [IndicatorFigure] = []

        var byKind: [String: Double] = [:]
        for referral in facts.referrals where period.contains(referral.sentOn) { byKind[referral.referrerKind ?? withoutOrganisation, default: 0] += 1 }
        figures.append(IndicatorFigure(.peopleReferred, amount: byKind.values.reduce(0, +), parts: byKind))
        figures.append(IndicatorFigure(.peopleAccompanied, amount: Double(summary.accompanied)))
        figures.append(IndicatorFigure(.qpvShare, amount: Double(open.filter { $0.qpvCode != nil }.count), whole: Double(open.count)))

        var atEntry: [String: Double] = [:]
        for pathway in open { for barrier in Set(pathway.barriersAtEntry) { atEntry[barrier.rawValue, default: 0] += 1 } }
        figures.append(IndicatorFigure(.barriersAtEntry, amount: Double(open.filter { !$0.barriersAtEntry.isEmpty }.count), parts: atEntry))
        var resolved: [String: Double] = [:]
        for pathway in open {
            let noted = Set(pathway.barriersAtEntry).union(pathway.barrierChecks.filter { $0.level > .none }.map(\.barrier))
            for barrier in noted {
                // The latest assessment of the barrier up to the period's end (the last recorded of a day wins).
                guard let latest = pathway.barrierChecks.enumerated().filter({ $0.element.barrier == barrier && $0.element.day <= period.to })
                    .max(by: { ($0.element.day, $0.offset) < ($1.element.day, $1.offset) })?.element else { continue }
                if latest.level == .none, period.contains(latest.day) { resolved[barrier.rawValue, default: 0] += 1 }
            }
        }
        figures.append(IndicatorFigure(.barriersResolved, amount: resolved.values.reduce(0, +), parts: resolved))
        figures.append(IndicatorFigure(.hoursWorked, amount: summary.hoursWorked))
        figures.append(IndicatorFigure(.trainingHours, amount: summary.trainingHours))
        figures.append(skillsGained(facts.skills, period: period))

        let exitParts = summary.exitsByCategory.mapValues(Double.init)
        let exits = exitParts.values.reduce(0, +)
        figures.append(IndicatorFigure(.exits, amount: exits, parts: exitParts))
        figures.append(IndicatorFigure(.dynamicExitRate, amount: exitParts.filter { ExitCategory(rawValue: $0.key)?.isDynamic == true }.values.reduce(0, +), whole: exits))
        let days = Double(period.to.daysSinceEpoch - period.from.daysSinceEpoch + 1)
        figures.append(IndicatorFigure(.fteJobs, amount: (summary.hoursWorked / (fullTimeHoursPerYear * days / 365) * 100).rounded() / 100))

        var lastTier: [String: String] = [:]
        for purchase in facts.householdPurchases { lastTier[purchase.household] = purchase.tier }
        var byTier: [String: Double] = [:]
        for tier in lastTier.values { byTier[tier, default: 0] += 1 }
        figures.append(IndicatorFigure(.householdsServed, amount: Double(lastTier.count), parts: byTier))
        let tiers = facts.trade?.byTier ?? []
        let reduced = tiers.filter { $0.tier != Tier.publicPrice.description }
        figures.append(IndicatorFigure(.reducedPriceMeals, amount: Double(reduced.reduce(0) { $0 + $1.meals }),
                                       parts: Dictionary(reduced.map { ($0.tier, Double($0.meals)) }, uniquingKeysWith: +)))
        var funders: [String: Double] = [:]
        for funding in facts.trade?.funding ?? [] { funders[funding.name, default: 0] += Double(funding.cents) }
        figures.append(IndicatorFigure(.solidarityValue, amount: Double(facts.trade?.solidarityCents ?? 0), parts: funders))

        let purchases = facts.purchases
        let whole = Double(purchases?.totalCents ?? 0)
        figures.append(IndicatorFigure(.localPurchaseShare, amount: Double(purchases?.localCents ?? 0), whole: whole))
        figures.append(IndicatorFigure(.shortCircuitShare, amount: Double(purchases?.shortCircuitCents ?? 0), whole: whole))
        figures.append(IndicatorFigure(.qpvPurchaseShare, amount: Double(purchases?.qpvCents ?? 0), whole: whole))
        figures.append(IndicatorFigure(.egalimShare, amount: Double(purchases?.egalimCents ?? 0), whole: whole))
        figures.append(IndicatorFigure(.organicShare, amount: Double(purchases?.bioCents ?? 0), whole: whole))

        var byCategory: [String: Double] = [:], byCollege: [String: Double] = [:]
        for member in facts.membersAtEnd {
            byCategory[member.category, default: 0] += 1
            byCollege[member.college ?? withoutCollege, default: 0] += 1
        }
        figures.append(IndicatorFigure(.members, amount: Double(facts.membersAtEnd.count), parts: byCategory))
        figures.append(IndicatorFigure(.membersByCollege, amount: Double(facts.membersAtEnd.count), parts: byCollege))
        let capital = facts.capitalMoves.filter { $0.day <= period.to }.reduce(0) { total, move in
            switch move.kind {
            case .subscription: total + move.cents
            case .reimbursement: total - move.cents
            case .transfer, .conversion: total
            }
        }
        figures.append(IndicatorFigure(.capital, amount: Double(capital)))
        let held = facts.assemblies.filter { period.contains($0.day) }
        figures.append(IndicatorFigure(.assembliesHeld, amount: Double(held.count)))
        figures.append(IndicatorFigure(.attendanceRate, amount: Double(held.reduce(0) { $0 + $1.attendees }), whole: Double(held.reduce(0) { $0 + $1.voters })))

        var partnerKinds: [String: Double] = [:]
        for kind in facts.partnerKinds { partnerKinds[kind, default: 0] += 1 }
        figures.append(IndicatorFigure(.partners, amount: Double(facts.partnerKinds.count), parts: partnerKinds))
        figures.append(IndicatorFigure(.resourceBookings, amount: Double(facts.bookings.filter(period.contains).count)))
        // In the catalogue's order, whatever the order above.
        return Indicator.allCases.compactMap { indicator in figures.first { $0.indicator == indicator } }
    }

    /// The calendar months the period touches, each clipped to the period; the last `limit`.
    public static func months(of period: DayPeriod, limit: Int = 12) -> [DayPeriod] {
        var months: [DayPeriod] = []
        var first = CalendarDay(year: period.from.year, month: period.from.month, day: 1)
        while first <= period.to {
            let next = first.adding(months: 1)
            months.append(DayPeriod(from: max(first, period.from), to: min(next.adding(days: -1), period.to)))
            first = next
        }
        return Array(months.suffix(limit))
    }

    /// The indicators drawn month by month on a dashboard.
    public static let monthlySeries: [Indicator] = [.peopleAccompanied, .hoursWorked, .reducedPriceMeals]

    /// Assessments of the period that raise a person's level on a competence, by level reached;
    /// a first assessment counts as a gain from nothing.
    static func skillsGained(_ checks: [ImpactFacts.SkillCheck], period: DayPeriod) -> IndicatorFigure {
        var best: [String: SkillLevel] = [:]
        var byLevel: [String: Double] = [:]
        for check in checks.enumerated().sorted(by: { ($0.element.day, $0.offset) < ($1.element.day, $1.offset) }).map(\.element) where check.day <= period.to {
            let key = check.person + "\u{1F}" + check.competence
            if best[key].map({ check.level > $0 }) ?? true {
                if period.contains(check.day) { byLevel[check.level.rawValue, default: 0] += 1 }
                best[key] = check.level
            }
        }
        return IndicatorFigure(.skillsGained, amount: byLevel.values.reduce(0, +), parts: byLevel)
    }
}
