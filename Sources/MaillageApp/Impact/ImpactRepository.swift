import Fluent
import Foundation
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
        var result: [CooperativeFigures] = []
        for coop in cooperatives {
            result.append(CooperativeFigures(
                cooperative: coop, territoryName: names[coop.$territory.id] ?? "", exact: exact(in: coop),
                current: ImpactFigures.compute(try await facts(of: coop, period: period), period: period),
                previous: ImpactFigures.compute(try await facts(of: coop, period: Self.previous(period)), period: Self.previous(period)),
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
        var facts = try await facts(of: coop, period: DayPeriod(from: first.from, to: period.to))
        var result: [(month: DayPeriod, figures: [IndicatorFigure])] = []
        for month in months {
            facts.trade = try await TradeFiguresRepository.figures(of: coop.id!, from: month.from, to: month.to, on: db)
            result.append((month, ImpactFigures.compute(facts, period: month).filter { ImpactFigures.monthlySeries.contains($0.indicator) }))
        }
        return result
    }

    /// What the records of one cooperative say, for `period`.
    func facts(of coop: Cooperative, period: DayPeriod) async throws -> ImpactFacts {
        let coopID = coop.id!
        let start = period.from.date, end = period.to.adding(days: 1).date
        var facts = ImpactFacts()

        let referrals = try await Referral.query(on: db).filter(\.$cooperativeID == coopID).all()
        facts.referrals = referrals.map { .init(sentOn: CalendarDay(date: $0.createdAt ?? $0.statusChangedAt), referrerKind: $0.referrerKind) }
        let barriersByReferral = Dictionary(uniqueKeysWithValues: referrals.map { ($0.id!, $0.barriers) })
        let pathways = try await Pathway.query(on: db).filter(\.$cooperativeID == coopID).filter(\.$openedOn < end).with(\.$person).all()
        let pathwayIDs = pathways.map { $0.id! }
        let checks = pathwayIDs.isEmpty ? [] : try await BarrierAssessment.query(on: db).filter(\.$pathway.$id ~~ pathwayIDs).sort(\.$assessedOn).sort(\.$createdAt).all()
        facts.pathways = pathways.map { pathway in
            let exit: (day: CalendarDay, destination: ExitDestination)? = {
                guard let date = pathway.exitDate, let destination = pathway.exitDestination.flatMap(ExitDestination.init(rawValue:)) else { return nil }
                return (CalendarDay(date: date), destination)
            }()
            return ImpactFacts.Pathway(
                openedOn: CalendarDay(date: pathway.openedOn), exit: exit, qpvCode: pathway.person.qpvCode,
                barriersAtEntry: (pathway.referralID.flatMap { barriersByReferral[$0] } ?? []).compactMap(Barrier.init(rawValue:)),
                barrierChecks: checks.filter { $0.$pathway.id == pathway.id }.compactMap { check in
                    guard let barrier = Barrier(rawValue: check.barrier), let level = BarrierLevel(rawValue: check.level) else { return nil }
                    return .init(barrier, level, on: CalendarDay(date: check.assessedOn))
                })
        }
        facts.hours = try await WorkHoursEntry.query(on: db).join(Pathway.self, on: \WorkHoursEntry.$pathway.$id == \Pathway.$id)
            .filter(Pathway.self, \.$cooperativeID == coopID).filter(\.$week >= start).filter(\.$week < end).all()
            .map { (CalendarDay(date: $0.week), $0.minutes, HoursStatus(rawValue: $0.status) ?? .submitted) }
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

        facts.trade = try await TradeFiguresRepository.figures(of: coopID, from: period.from, to: period.to, on: db)
        facts.householdPurchases = try await Sale.query(on: db).filter(\.$cooperativeID == coopID).filter(\.$householdID != nil).filter(\.$refundOf == nil)
            .filter(\.$recordedAt >= start).filter(\.$recordedAt < end).sort(\.$recordedAt).all()
            .compactMap { sale in sale.householdID.map { .init(household: $0.uuidString, tier: sale.tier) } }
        facts.purchases = try await SourcingRepository.indicators(of: coopID, from: period.from, to: period.to, on: db)

        let members = try await Member.query(on: db).filter(\.$cooperativeID == coopID).all()
        let categories = Dictionary(uniqueKeysWithValues: try await MemberCategory.query(on: db).filter(\.$cooperativeID == coopID).all().map { ($0.id!, $0.name) })
        let colleges = Dictionary(uniqueKeysWithValues: try await VotingCollege.query(on: db).filter(\.$cooperativeID == coopID).all().map { ($0.id!, $0.name) })
        facts.membersAtEnd = members.filter { $0.hadVote(on: period.to) }.map { (categories[$0.categoryID] ?? "—", $0.collegeID.flatMap { colleges[$0] }) }
        facts.capitalMoves = try await CapitalOperation.query(on: db).filter(\.$cooperativeID == coopID).filter(\.$date < end).all().compactMap { operation in
            CapitalOperationKind(rawValue: operation.kind).map { .init(day: CalendarDay(date: operation.date), kind: $0, cents: operation.amountCents) }
        }
        let assemblies = try await Assembly.query(on: db).filter(\.$cooperativeID == coopID).filter(\.$heldOn >= start).filter(\.$heldOn < end).all()
        if !assemblies.isEmpty {
            let attendance = try await AssemblyAttendance.query(on: db).filter(\.$assemblyID ~~ assemblies.map { $0.id! }).all()
            facts.assemblies = assemblies.compactMap { assembly in
                let present = Set(attendance.filter { $0.assemblyID == assembly.id }.map(\.memberID))
                guard !present.isEmpty else { return nil }
                let day = CalendarDay(date: assembly.heldOn)
                return .init(day: day, attendees: present.count, voters: members.filter { $0.hadVote(on: day) }.count)
            }
        }

        let partnerIDs = Set(try await PartnerRole.query(on: db).filter(\.$cooperativeID == coopID).all().map(\.partnerID))
        facts.partnerKinds = partnerIDs.isEmpty ? [] : try await Partner.query(on: db).filter(\.$id ~~ partnerIDs).all().map(\.kind)
        facts.bookings = try await ResourceBooking.query(on: db).filter(\.$cooperativeID == coopID).all()
            .compactMap { CalendarDay(String($0.startsAt.prefix(10))) }
        return facts
    }
}
