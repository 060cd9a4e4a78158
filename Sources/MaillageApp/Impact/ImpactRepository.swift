import Fluent
import Foundation
import SQLKit
import MaillageCore
import Vapor

/// One cooperative's figures over a period and the period before, as the viewer may see them.
struct CooperativeFigures: Sendable {
    var cooperative: Cooperative
    var territoryName: String
    /// The viewer works in the cooperative: the figures are exact, not under the statistical secret.
    var exact: Bool
    var current: [IndicatorFigure]
    var previous: [IndicatorFigure]
    /// Its road from the residents' collective to the SCIC, when it has one.
    var onboarding: OnboardingProgress? = nil
}

/// The impact figures of cooperatives the viewer may read (`viewImpact`), over a chosen
/// period, each computed from the records of the other areas.
struct ImpactRepository: Sendable {
    let db: any Database
    let principal: Principal

    /// `?from=YYYY-MM-DD&to=YYYY-MM-DD`: the current calendar year up to today by default.
    static func period(from rawFrom: String?, to rawTo: String?, today: CalendarDay) throws -> DayPeriod {
        var errors = FieldErrors()
        let to = CalendarDay.parse(rawTo, field: "to", subject: "La fin de la période", fallback: today, latest: nil, into: &errors)
        let from = CalendarDay.parse(rawFrom, field: "from", subject: "Le début de la période", fallback: CalendarDay(year: (to ?? today).year, month: 1, day: 1),
                                     latest: nil, into: &errors)
        if let from, let to {
            if from > to { errors.add("from", "Le début de la période doit précéder sa fin.") }
            else if to > from.adding(months: 60) { errors.add("to", "Une période dure au plus cinq ans.") }
        }
        try errors.throwIfAny()
        return DayPeriod(from: from!, to: to!)
    }

    /// The period of the same length just before.
    static func previous(_ period: DayPeriod) -> DayPeriod {
        let days = period.to.daysSinceEpoch - period.from.daysSinceEpoch
        let end = period.from.adding(days: -1)
        return DayPeriod(from: end.adding(days: -days), to: end)
    }

    /// Exact figures for who manages the cooperative's pathways (its coordination, the network
    /// admins); the statistical secret for everyone else.
    func exact(in coop: Cooperative) -> Bool {
        principal.decide(.managePathways, at: coop.location) == .allowed
    }

    func figures(of cooperatives: [Cooperative], period: DayPeriod) async throws -> [CooperativeFigures] {
        let territories = try await Territory.query(on: db).filter(\.$id ~~ Set(cooperatives.map { $0.$territory.id })).all()
        let names = Dictionary(uniqueKeysWithValues: territories.map { ($0.id!, $0.name) })
        let tasks = cooperatives.isEmpty ? [] : try await OnboardingTask.query(on: db).filter(\.$cooperativeID ~~ cooperatives.map { $0.id! }).sort(\.$position).all()
        let previous = Self.previous(period)
        var result: [CooperativeFigures] = []
        for coop in cooperatives {
            // The records that do not depend on the period are read once for both periods.
            let records = try await records(of: coop, over: DayPeriod(from: previous.from, to: period.to))
            result.append(CooperativeFigures(
                cooperative: coop, territoryName: names[coop.$territory.id] ?? "", exact: exact(in: coop),
                current: ImpactFigures.compute(try await facts(records, of: coop, period: period), period: period),
                previous: ImpactFigures.compute(try await facts(records, of: coop, period: previous), period: previous),
                onboarding: OnboardingRepository.progress(tasks.filter { $0.cooperativeID == coop.id })))
        }
        return result
    }

    /// The cooperatives of one territory, by name.
    func cooperatives(in territory: Territory) async throws -> [Cooperative] {
        try await Cooperative.query(on: db).filter(\.$territory.$id == territory.id!).sort(\.$name).all()
    }

    /// The network the principal reads the dashboards of, with its cooperatives: 404 for who
    /// has no role in any, 403 for a role without the right.
    func network() async throws -> (Network, [Cooperative]) {
        guard let id = principal.networkIDs.sorted(by: { $0.uuidString < $1.uuidString }).first, let network = try await Network.find(id, on: db) else { throw Problem.notFound }
        try NetworkRepository.check(principal, .viewImpact, at: ResourceLocation(networkID: id.uuidString))
        return (network, try await Cooperative.query(on: db).filter(\.$networkID == id).sort(\.$name).all())
    }

    /// The figures of each calendar month of the period (the last twelve), for the charts over
    /// months: the records are read once, the trade figures month by month.
    func monthly(of coop: Cooperative, period: DayPeriod) async throws -> [(month: DayPeriod, figures: [IndicatorFigure])] {
        let months = ImpactFigures.months(of: period)
        guard let first = months.first else { return [] }
        var facts = try await records(of: coop, over: DayPeriod(from: first.from, to: period.to)).facts
        var result: [(month: DayPeriod, figures: [IndicatorFigure])] = []
        for month in months {
            facts.trade = try await TradeFiguresRepository.figures(of: coop.id!, from: month.from, to: month.to, on: db)
            result.append((month, ImpactFigures.compute(facts, period: month).filter { ImpactFigures.monthlySeries.contains($0.indicator) }))
        }
        return result
    }

    /// What one cooperative's records say whatever the period within `window`: the figures
    /// filter them by period themselves (`ImpactFigures.compute`).
    struct Records {
        struct Associate { var categoryID: UUID; var collegeID: UUID?; var vote: VotingRight }
        var facts = ImpactFacts()
        var members: [Associate] = []
        var categories: [UUID: String] = [:]
        var colleges: [UUID: String] = [:]
    }

    /// What the records of one cooperative say, for `period` (within the records' window).
    func facts(_ records: Records, of coop: Cooperative, period: DayPeriod) async throws -> ImpactFacts {
        let coopID = coop.id!
        var facts = records.facts
        facts.trade = try await TradeFiguresRepository.figures(of: coopID, from: period.from, to: period.to, on: db)
        facts.householdPurchases = try await Self.householdsServed(of: coopID, period: period, on: db)
        facts.purchases = try await SourcingRepository.indicators(of: coopID, from: period.from, to: period.to, on: db)
        facts.membersAtEnd = records.members.filter { $0.vote.hadVote(on: period.to) }
            .map { (records.categories[$0.categoryID] ?? "—", $0.collegeID.flatMap { records.colleges[$0] }) }
        return facts
    }

    /// Each household card used during the period with the tier of its last sale (refunds
    /// aside): the figures count households by tier, so only the last sale of each matters.
    /// One index seek per card of the cooperative, rather than reading every ticket.
    static func householdsServed(of coopID: UUID, period: DayPeriod, on db: any Database) async throws -> [ImpactFacts.Purchase] {
        guard let sql = db as? any SQLDatabase else { throw Problem.internalError }
        struct Row: Decodable { var household_id: UUID; var tier: String? }
        return try await sql.raw("""
            SELECT h.id AS household_id, (
                SELECT s.tier FROM sales s WHERE s.household_id = h.id AND s.refund_of IS NULL
                AND s.recorded_at >= \(bind: period.from.date) AND s.recorded_at < \(bind: period.to.adding(days: 1).date)
                ORDER BY s.recorded_at DESC, s.number DESC LIMIT 1
            ) AS tier FROM households h WHERE h.cooperative_id = \(bind: coopID)
            """).all(decoding: Row.self).compactMap { row in row.tier.map { .init(household: row.household_id.uuidString, tier: $0) } }
    }

    /// The records of one cooperative up to the window's end (and, for the dated ones, from
    /// its start), but for the trade and purchases, read per period.
    func records(of coop: Cooperative, over window: DayPeriod) async throws -> Records {
        let coopID = coop.id!
        let start = window.from.date, end = window.to.adding(days: 1).date
        var records = Records()
        var facts = ImpactFacts()

        // Plain rows rather than models: at network scale, Fluent's per-model reflection costs
        // more than the queries themselves.
        guard let sql = db as? any SQLDatabase else { throw Problem.internalError }
        struct ReferralRow: Decodable { var id: UUID; var created_at: Date?; var status_changed_at: Date; var referrer_kind: String?; var barriers: [String] }
        let referrals = try await sql.raw("""
            SELECT id, created_at, status_changed_at, referrer_kind, barriers FROM referrals WHERE cooperative_id = \(bind: coopID)
            """).all(decoding: ReferralRow.self)
        facts.referrals = referrals.map { .init(sentOn: CalendarDay(date: $0.created_at ?? $0.status_changed_at), referrerKind: $0.referrer_kind) }
        let barriersByReferral = Dictionary(uniqueKeysWithValues: referrals.map { ($0.id, $0.barriers) })
        struct PathwayRow: Decodable { var id: UUID; var referral_id: UUID?; var opened_on: Date; var exit_date: Date?; var exit_destination: String?; var qpv_code: String? }
        let pathways = try await sql.raw("""
            SELECT p.id AS id, p.referral_id AS referral_id, p.opened_on AS opened_on, p.exit_date AS exit_date, p.exit_destination AS exit_destination,
                   ps.qpv_code AS qpv_code
            FROM pathways p JOIN persons ps ON ps.id = p.person_id WHERE p.cooperative_id = \(bind: coopID) AND p.opened_on < \(bind: end)
            """).all(decoding: PathwayRow.self)
        let pathwayIDs = pathways.map(\.id)
        struct CheckRow: Decodable { var pathway_id: UUID; var barrier: String; var level: String; var assessed_on: Date }
        let checks = Dictionary(grouping: try await sql.raw("""
            SELECT b.pathway_id AS pathway_id, b.barrier AS barrier, b.level AS level, b.assessed_on AS assessed_on
            FROM barrier_assessments b JOIN pathways p ON p.id = b.pathway_id
            WHERE p.cooperative_id = \(bind: coopID) AND p.opened_on < \(bind: end) ORDER BY b.assessed_on, b.created_at
            """).all(decoding: CheckRow.self), by: \.pathway_id)
        facts.pathways = pathways.map { pathway in
            let exit: (day: CalendarDay, destination: ExitDestination)? = {
                guard let date = pathway.exit_date, let destination = pathway.exit_destination.flatMap(ExitDestination.init(rawValue:)) else { return nil }
                return (CalendarDay(date: date), destination)
            }()
            return ImpactFacts.Pathway(
                openedOn: CalendarDay(date: pathway.opened_on), exit: exit, qpvCode: pathway.qpv_code,
                barriersAtEntry: (pathway.referral_id.flatMap { barriersByReferral[$0] } ?? []).compactMap(Barrier.init(rawValue:)),
                barrierChecks: (checks[pathway.id] ?? []).compactMap { check in
                    guard let barrier = Barrier(rawValue: check.barrier), let level = BarrierLevel(rawValue: check.level) else { return nil }
                    return .init(barrier, level, on: CalendarDay(date: check.assessed_on))
                })
        }
        facts.hours = try await Self.hoursByWeek(of: coopID, from: start, to: end, on: db)
        facts.trainingSessions = try await Attendance.query(on: db).join(Appointment.self, on: \Attendance.$appointment.$id == \Appointment.$id)
            .filter(Appointment.self, \.$cooperativeID == coopID).filter(Appointment.self, \.$kind == AppointmentKind.trainingSession.rawValue)
            .filter(Appointment.self, \.$day >= start).filter(Appointment.self, \.$day < end).with(\.$appointment).all()
            .map { (CalendarDay(date: $0.appointment.day), $0.appointment.durationMinutes, AttendanceStatus(rawValue: $0.status) ?? .registered) }
        if !pathwayIDs.isEmpty {
            facts.skills = try await SkillAssessment.query(on: db).filter(\.$pathway.$id ~~ pathwayIDs).filter(\.$assessedOn < end)
                .sort(\.$assessedOn).sort(\.$createdAt).all().compactMap { assessment in
                    guard let level = SkillLevel(rawValue: assessment.level) else { return nil }
                    return .init(person: assessment.$pathway.id.uuidString, competence: assessment.$competence.id.uuidString, level: level,
                                 day: CalendarDay(date: assessment.assessedOn))
                }
        }

        struct MemberRow: Decodable { var category_id: UUID; var college_id: UUID?; var admitted_on: Date?; var exited_on: Date?; var status: String }
        let members = try await sql.raw("""
            SELECT category_id, college_id, admitted_on, exited_on, status FROM members WHERE cooperative_id = \(bind: coopID)
            """).all(decoding: MemberRow.self).map {
                Records.Associate(categoryID: $0.category_id, collegeID: $0.college_id,
                                  vote: VotingRight(status: $0.status, admittedOn: $0.admitted_on, exitedOn: $0.exited_on))
            }
        records.members = members
        records.categories = Dictionary(uniqueKeysWithValues: try await MemberCategory.query(on: db).filter(\.$cooperativeID == coopID).all().map { ($0.id!, $0.name) })
        records.colleges = Dictionary(uniqueKeysWithValues: try await VotingCollege.query(on: db).filter(\.$cooperativeID == coopID).all().map { ($0.id!, $0.name) })
        struct CapitalRow: Decodable { var kind: String; var amount_cents: Int; var date: Date }
        facts.capitalMoves = try await sql.raw("""
            SELECT kind, amount_cents, date FROM capital_operations WHERE cooperative_id = \(bind: coopID) AND date < \(bind: end)
            """).all(decoding: CapitalRow.self).compactMap { operation in
                CapitalOperationKind(rawValue: operation.kind).map { .init(day: CalendarDay(date: operation.date), kind: $0, cents: operation.amount_cents) }
            }
        // Assemblies nobody attended are left out, as the figures want.
        struct AssemblyRow: Decodable { var held_on: Date; var attendees: Int }
        facts.assemblies = try await sql.raw("""
            SELECT a.held_on AS held_on, CAST(COUNT(DISTINCT t.member_id) AS BIGINT) AS attendees
            FROM assemblies a JOIN assembly_attendances t ON t.assembly_id = a.id
            WHERE a.cooperative_id = \(bind: coopID) AND a.held_on >= \(bind: start) AND a.held_on < \(bind: end)
            GROUP BY a.id, a.held_on
            """).all(decoding: AssemblyRow.self).map { assembly in
                let day = CalendarDay(date: assembly.held_on)
                return .init(day: day, attendees: assembly.attendees, voters: members.filter { $0.vote.hadVote(on: day) }.count)
            }

        let partnerIDs = Set(try await PartnerRole.query(on: db).filter(\.$cooperativeID == coopID).all().map(\.partnerID))
        facts.partnerKinds = partnerIDs.isEmpty ? [] : try await Partner.query(on: db).filter(\.$id ~~ partnerIDs).all().map(\.kind)
        facts.bookings = try await ResourceBooking.query(on: db).filter(\.$cooperativeID == coopID).all()
            .compactMap { CalendarDay(String($0.startsAt.prefix(10))) }
        records.facts = facts
        return records
    }

    /// Minutes by week and status: the figures add them up, so the database does first.
    static func hoursByWeek(of coopID: UUID, from start: Date, to end: Date, on db: any Database) async throws -> [(week: CalendarDay, minutes: Int, status: HoursStatus)] {
        guard let sql = db as? any SQLDatabase else { throw Problem.internalError }
        struct Row: Decodable { var week: Date; var status: String; var minutes: Int }
        return try await sql.raw("""
            SELECT w.week AS week, w.status AS status, CAST(SUM(w.minutes) AS BIGINT) AS minutes
            FROM work_hours w JOIN pathways p ON p.id = w.pathway_id
            WHERE p.cooperative_id = \(bind: coopID) AND w.week >= \(bind: start) AND w.week < \(bind: end)
            GROUP BY w.week, w.status
            """).all(decoding: Row.self).map { (CalendarDay(date: $0.week), $0.minutes, HoursStatus(rawValue: $0.status) ?? .submitted) }
    }
}
