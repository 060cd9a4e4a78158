/// A period of whole days, both ends included.
public struct DayPeriod: Sendable, Equatable {
    public var from: CalendarDay
    public var to: CalendarDay

    public init(from: CalendarDay, to: CalendarDay) {
        self.from = from
        self.to = to
    }

    public func contains(_ day: CalendarDay) -> Bool { from <= day && day <= to }
}

/// The figures of a cooperative's pathways over a period, computed from the records, never
/// typed in.
public struct PathwaySummary: Sendable, Equatable {
    public struct ReferralFact: Sendable {
        public var status: ReferralStatus
        public var sentOn: CalendarDay
        public init(status: ReferralStatus, sentOn: CalendarDay) {
            self.status = status
            self.sentOn = sentOn
        }
    }

    public struct PathwayFact: Sendable {
        public var openedOn: CalendarDay
        public var exit: (day: CalendarDay, destination: ExitDestination)?
        public var qpvCode: String?
        public var barriers: [Barrier]
        public init(openedOn: CalendarDay, exit: (day: CalendarDay, destination: ExitDestination)?, qpvCode: String?, barriers: [Barrier]) {
            self.openedOn = openedOn
            self.exit = exit
            self.qpvCode = qpvCode
            self.barriers = barriers
        }
    }

    /// Referrals sent in the period, by their current status (every status present).
    public var referralsByStatus: [String: Int]
    /// People whose pathway was open on at least one day of the period.
    public var accompanied: Int
    /// Among them, how many had each barrier noted (every barrier present).
    public var byBarrier: [String: Int]
    /// Among them, how many live in each QPV; `none` for those living outside any QPV.
    public var byQpv: [String: Int]
    public var hoursWorked: Double
    public var trainingHours: Double
    /// Exits dated in the period, by category (every category present).
    public var exitsByCategory: [String: Int]
    /// Dynamic exits over all exits of the period, 0 to 1; nil when nobody left.
    public var dynamicExitRate: Double?

    public static func compute(
        referrals: [ReferralFact], pathways: [PathwayFact], period: DayPeriod,
        hoursWorked: Double = 0, trainingHours: Double = 0
    ) -> PathwaySummary {
        var byStatus = Dictionary(uniqueKeysWithValues: ReferralStatus.allCases.map { ($0.rawValue, 0) })
        for referral in referrals where period.contains(referral.sentOn) {
            byStatus[referral.status.rawValue, default: 0] += 1
        }
        let open = pathways.filter { pathway in
            pathway.openedOn <= period.to && (pathway.exit.map { $0.day >= period.from } ?? true)
        }
        var byBarrier = Dictionary(uniqueKeysWithValues: Barrier.allCases.map { ($0.rawValue, 0) })
        var byQpv: [String: Int] = [:]
        for pathway in open {
            for barrier in Set(pathway.barriers) { byBarrier[barrier.rawValue, default: 0] += 1 }
            byQpv[pathway.qpvCode ?? "none", default: 0] += 1
        }
        let exits = pathways.compactMap(\.exit).filter { period.contains($0.day) }.map(\.destination)
        var byCategory = Dictionary(uniqueKeysWithValues: ExitCategory.allCases.map { ($0.rawValue, 0) })
        for destination in exits { byCategory[ExitClassification.category(of: destination).rawValue, default: 0] += 1 }
        return PathwaySummary(
            referralsByStatus: byStatus, accompanied: open.count, byBarrier: byBarrier, byQpv: byQpv,
            hoursWorked: hoursWorked, trainingHours: trainingHours, exitsByCategory: byCategory,
            dynamicExitRate: ExitClassification.dynamicExitRate(exits)
        )
    }
}

extension PathwaySummary {
    /// Validated hours of the weeks that start in the period; hours awaiting validation do
    /// not count.
    public static func hoursWorked(_ entries: [(week: CalendarDay, minutes: Int, status: HoursStatus)], in period: DayPeriod) -> Double {
        Double(entries.filter { $0.status == .validated && period.contains($0.week) }.reduce(0) { $0 + $1.minutes }) / 60
    }

    /// Hours of training sessions of the period where people signed in.
    public static func trainingHours(_ sessions: [(day: CalendarDay, minutes: Int, status: AttendanceStatus)], in period: DayPeriod) -> Double {
        TrainingRules.hours(sessions: sessions.filter { period.contains($0.day) }.map { ($0.minutes, $0.status) })
    }
}
