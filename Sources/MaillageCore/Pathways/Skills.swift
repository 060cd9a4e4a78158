/// A level on the competence grid, learnt by doing.
public enum SkillLevel: String, CaseIterable, Codable, Sendable, Comparable {
    case discovered
    case practisedWithHelp = "practised_with_help"
    case autonomous
    case canPassOn = "can_pass_on"

    public var frenchLabel: String {
        switch self {
        case .discovered: "Découvert"
        case .practisedWithHelp: "Pratiqué avec aide"
        case .autonomous: "Autonome"
        case .canPassOn: "Peut transmettre"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Who assessed: the coordination, or the cooperant about themselves.
public enum SkillSource: String, CaseIterable, Codable, Sendable {
    case coordinator
    case selfAssessment = "self"
}

/// The competence grid of a person: for each competence, the latest assessment by the
/// coordination and the latest self-assessment, side by side.
public enum SkillGrid {
    public struct Assessment: Sendable, Equatable {
        public var competence: String
        public var source: SkillSource
        public var level: SkillLevel
        public var day: CalendarDay
        /// Order of recording, to break ties between two assessments of the same day.
        public var sequence: Int

        public init(competence: String, source: SkillSource, level: SkillLevel, day: CalendarDay, sequence: Int) {
            self.competence = competence
            self.source = source
            self.level = level
            self.day = day
            self.sequence = sequence
        }
    }

    public struct Row: Sendable, Equatable {
        public var competence: String
        public var coordinator: Assessment?
        public var selfAssessment: Assessment?
        /// The two views differ by more than one level: worth talking about.
        public var needsDiscussion: Bool {
            guard let coordinator, let selfAssessment else { return false }
            let gap = SkillLevel.allCases.firstIndex(of: coordinator.level)! - SkillLevel.allCases.firstIndex(of: selfAssessment.level)!
            return abs(gap) > 1
        }
    }

    /// One row per competence of `grid` (in its order), even when nothing is assessed yet.
    public static func rows(grid: [String], assessments: [Assessment]) -> [Row] {
        func latest(_ competence: String, _ source: SkillSource) -> Assessment? {
            assessments.filter { $0.competence == competence && $0.source == source }
                .max { ($0.day, $0.sequence) < ($1.day, $1.sequence) }
        }
        return grid.map { Row(competence: $0, coordinator: latest($0, .coordinator), selfAssessment: latest($0, .selfAssessment)) }
    }
}

/// What a trainee took from a training, at its end (Qualiopi keeps it).
public enum TrainingEvaluation: String, CaseIterable, Codable, Sendable {
    case acquired
    case partiallyAcquired = "partially_acquired"
    case notAcquired = "not_acquired"

    public var frenchLabel: String {
        switch self {
        case .acquired: "Acquis"
        case .partiallyAcquired: "Partiellement acquis"
        case .notAcquired: "Non acquis"
        }
    }
}

public enum TrainingRules {
    /// Satisfaction is a score from 1 (pas du tout satisfait·e) to 5 (très satisfait·e).
    public static let satisfactionRange = 1...5

    /// Hours of training a person followed: the sessions where they signed in.
    public static func hours(sessions: [(minutes: Int, status: AttendanceStatus)]) -> Double {
        Double(sessions.filter { $0.status == .attended }.reduce(0) { $0 + $1.minutes }) / 60
    }

    /// Mean satisfaction of those who answered, nil when nobody did.
    public static func meanSatisfaction(_ scores: [Int]) -> Double? {
        scores.isEmpty ? nil : Double(scores.reduce(0, +)) / Double(scores.count)
    }
}
