/// How much a barrier weighs on the person's pathway, as the coordinator assesses it.
public enum BarrierLevel: String, CaseIterable, Codable, Sendable, Comparable {
    case none
    case light
    case moderate
    case severe

    public var frenchLabel: String {
        switch self {
        case .none: "Aucun frein"
        case .light: "Léger"
        case .moderate: "Important"
        case .severe: "Bloquant"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The barrier diagnostic: dated assessments, never overwritten, so that the history shows
/// what was resolved.
public enum BarrierDiagnostic {
    public struct Assessment: Sendable, Equatable {
        public var barrier: Barrier
        public var level: BarrierLevel
        public var day: CalendarDay
        /// Order of recording, to break ties between two assessments of the same day.
        public var sequence: Int

        public init(barrier: Barrier, level: BarrierLevel, day: CalendarDay, sequence: Int) {
            self.barrier = barrier
            self.level = level
            self.day = day
            self.sequence = sequence
        }
    }

    /// The latest assessment of each barrier, in the order of `Barrier.allCases`.
    public static func current(_ assessments: [Assessment]) -> [Assessment] {
        var latest: [Barrier: Assessment] = [:]
        for assessment in assessments {
            if let known = latest[assessment.barrier], (known.day, known.sequence) > (assessment.day, assessment.sequence) { continue }
            latest[assessment.barrier] = assessment
        }
        return Barrier.allCases.compactMap { latest[$0] }
    }

    /// Barriers assessed as present at some point and whose latest assessment says none.
    public static func resolved(_ assessments: [Assessment]) -> [Barrier] {
        let present = Set(assessments.filter { $0.level > .none }.map(\.barrier))
        return current(assessments).filter { $0.level == .none && present.contains($0.barrier) }.map(\.barrier)
    }
}
