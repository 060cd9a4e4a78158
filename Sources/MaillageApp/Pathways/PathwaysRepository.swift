import Fluent
import Foundation
import SQLKit
import MaillageCore
import Vapor

/// Referrals and pathways of one cooperative.
struct PathwaysRepository: Sendable {
    let db: any Database
    let scope: CooperativeScope

    static let systemLabel = "Maillage (expiration automatique)"

    // MARK: Referrals

    func createReferral(_ valid: ReferralDraft.Valid, request: Request) async throws -> Referral {
        try scope.require(.createReferral)
        let now = Date()
        let person = Person()
        person.cooperativeID = scope.id
        person.firstName = valid.firstName
        person.lastName = valid.lastName
        person.birthYear = valid.birthYear
        person.contact = valid.contact
        person.commune = valid.commune
        person.qpvCode = valid.qpvCode
        person.situationAtEntry = valid.situationAtEntry?.rawValue
        person.educationLevel = valid.educationLevel?.rawValue
        person.lastContactAt = now
        let referral = Referral()
        referral.cooperativeID = scope.id
        referral.referrerUserID = scope.principal.userID
        referral.referrerLabel = scope.principal.name
        if let organisation = try await PartnerRepository.organisation(of: scope.principal.userID, in: scope.cooperative.$territory.id, on: db) {
            referral.referrerLabel = scope.principal.name + " — " + organisation.name
            referral.referrerPartnerID = organisation.id
            referral.referrerKind = organisation.kind
        }
        referral.status = ReferralStatus.sent.rawValue
        referral.reason = valid.reason
        referral.barriers = valid.barriers.map(\.rawValue)
        referral.preferredContact = valid.preferredContact
        referral.consentDate = valid.consentDate.date
        referral.consentPurpose = ReferralDraft.consentPurpose
        referral.shareReason = false
        referral.statusChangedAt = now
        try await db.transaction { tx in
            try await person.create(on: tx)
            referral.$person.id = person.id!
            try await referral.create(on: tx)
            try await request.audit(.referralCreated, on: tx, subject: referral.auditSubject(networkID: scope.cooperative.networkID))
        }
        referral.$person.value = person
        return referral
    }

    /// Referrals the principal may see: all of them for the coordination, their own for a
    /// referrer. Stale ones are expired first.
    func referrals() async throws -> [Referral] {
        try await expireStale()
        let query = Referral.query(on: db).filter(\.$cooperativeID == scope.id).with(\.$person).sort(\.$createdAt, .descending)
        if !scope.allows(.manageReferrals) {
            try scope.require(.viewOwnReferrals)
            query.filter(\.$referrerUserID == scope.principal.userID)
        }
        return try await query.all()
    }

    /// The referrals a list shows: searched by the person's name and the referrer, filtered by
    /// state, newest first, one page.
    func referrals(_ filter: ListFilter) async throws -> ListPage<Referral> {
        let kept = try await referrals().filter { filter.keeps(texts: [$0.person.fullName, $0.referrerLabel], state: $0.status) }
        return filter.page(of: kept)
    }

    static var referralStates: [(raw: String, label: String)] {
        ReferralStatus.allCases.map { ($0.rawValue, $0.frenchLabel) }
    }

    func referral(_ id: UUID) async throws -> Referral {
        try await expireStale()
        guard let referral = try await Referral.query(on: db).filter(\.$id == id).filter(\.$cooperativeID == scope.id)
            .with(\.$person).first() else { throw Problem.notFound }
        if !scope.allows(.manageReferrals) {
            // A referrer knows only the referrals they sent.
            guard scope.allows(.viewOwnReferrals) else { throw Problem.forbidden }
            guard referral.referrerUserID == scope.principal.userID else { throw Problem.notFound }
        }
        return referral
    }

    /// The cooperative's other referrals of, probably, the same person (`DuplicateReferral`),
    /// newest first; for the coordination only, who alone sees every referral.
    func possibleDuplicates(of referral: Referral) async throws -> [Referral] {
        guard scope.allows(.manageReferrals), referral.person.anonymisedAt == nil, let year = referral.person.birthYear,
              let key = DuplicateReferral.key(firstName: referral.person.firstName, lastName: referral.person.lastName, birthYear: year) else { return [] }
        let twins = try await Person.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$birthYear == year)
            .filter(\.$id != referral.$person.id).all()
            .filter { DuplicateReferral.key(firstName: $0.firstName, lastName: $0.lastName, birthYear: $0.birthYear) == key }
        guard !twins.isEmpty else { return [] }
        return try await Referral.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$person.$id ~~ twins.map { $0.id! })
            .with(\.$person).sort(\.$createdAt, .descending).all()
    }

    func transitions(of referral: Referral) async throws -> [ReferralTransition] {
        try await ReferralTransition.query(on: db).filter(\.$referral.$id == referral.id!).sort(\.$occurredAt).all()
    }

    /// Moves a referral; accepting opens the person's pathway in the same transaction.
    func move(_ referral: Referral, to target: String?, reason: String?, shareReason: Bool, request: Request) async throws -> Referral {
        try scope.require(.manageReferrals)
        guard let to = ReferralStatus(rawValue: target ?? "") else {
            throw Problem.invalid(FieldErrors(["to": "Étape inconnue : received, interview, accepted ou refused."]))
        }
        let from = referral.referralStatus
        let cleanReason: String?
        do {
            cleanReason = try ReferralWorkflow.check(from: from, to: to, reason: reason)
        } catch .reasonRequired {
            throw Problem.invalid(FieldErrors(["reason": ReferralWorkflow.message(for: .reasonRequired)]))
        } catch {
            throw Problem(status: .conflict, title: "Étape impossible", detail: ReferralWorkflow.message(for: error))
        }
        let now = Date()
        try await db.transaction { tx in
            // Only the first of two simultaneous moves wins: the update is conditional.
            try await Referral.query(on: tx).filter(\.$id == referral.id!).filter(\.$status == from.rawValue)
                .set(\.$status, to: to.rawValue).set(\.$statusChangedAt, to: now).update()
            let current = try await Referral.find(referral.id!, on: tx)
            guard current?.status == to.rawValue else {
                throw Problem(status: .conflict, title: "Étape impossible", detail: "Cette orientation vient de changer : rechargez la page.")
            }
            referral.status = to.rawValue
            referral.statusChangedAt = now
            if to == .refused {
                referral.refusalReason = cleanReason
                referral.shareReason = shareReason
            }
            if to == .accepted {
                let pathway = Pathway()
                pathway.cooperativeID = scope.id
                pathway.$person.id = referral.$person.id
                pathway.referralID = referral.id
                pathway.openedOn = now
                // Whoever accepts accompanies the person until the coordination names someone else.
                pathway.referentUserID = scope.principal.userID
                try await pathway.create(on: tx)
                referral.pathwayID = pathway.id
            }
            try await referral.save(on: tx)
            let step = ReferralTransition()
            step.$referral.id = referral.id!
            step.fromStatus = from.rawValue
            step.toStatus = to.rawValue
            step.authorUserID = scope.principal.userID
            step.authorLabel = scope.principal.name
            step.reason = cleanReason
            step.occurredAt = now
            try await step.create(on: tx)
            try await Person.query(on: tx).filter(\.$id == referral.$person.id).set(\.$lastContactAt, to: now).update()
            try await request.audit(.referralMoved, on: tx, subject: referral.auditSubject(networkID: scope.cooperative.networkID),
                                    details: "\(from.rawValue) → \(to.rawValue)")
        }
        return referral
    }

    /// Referrals untouched for 30 days become `expired`, with a transition signed by Maillage.
    func expireStale(now: Date = Date()) async throws {
        try await Self.expireStale(cooperativeID: scope.id, on: db, now: now)
    }

    static func expireStale(cooperativeID: UUID, on db: any Database, now: Date = Date()) async throws {
        let open = [ReferralStatus.sent, .received, .interview].map(\.rawValue)
        let limit = now.addingTimeInterval(-Double(ReferralWorkflow.expiryDays) * 86_400)
        let stale = try await Referral.query(on: db).filter(\.$cooperativeID == cooperativeID)
            .filter(\.$status ~~ open).filter(\.$statusChangedAt <= limit).all()
        guard !stale.isEmpty else { return }
        try await db.transaction { tx in
            for referral in stale where ReferralWorkflow.hasExpired(
                status: referral.referralStatus, lastChange: referral.statusChangedAt.timeIntervalSince1970, now: now.timeIntervalSince1970
            ) {
                let step = ReferralTransition()
                step.$referral.id = referral.id!
                step.fromStatus = referral.status
                step.toStatus = ReferralStatus.expired.rawValue
                step.authorLabel = Self.systemLabel
                step.occurredAt = now
                referral.status = ReferralStatus.expired.rawValue
                referral.statusChangedAt = now
                try await referral.save(on: tx)
                try await step.create(on: tx)
            }
        }
    }

    // MARK: Pathways

    /// A person's file. Every read is written to the audit log.
    func pathway(_ id: UUID, request: Request) async throws -> Pathway {
        try scope.require(.managePathways)
        guard let pathway = try await Pathway.query(on: db).filter(\.$id == id).filter(\.$cooperativeID == scope.id)
            .with(\.$person).first() else { throw Problem.notFound }
        try await request.audit(.personFileRead, subject: AuditSubject(
            entityType: "person", entityID: pathway.$person.id, networkID: scope.cooperative.networkID, cooperativeID: scope.id
        ))
        return pathway
    }

    /// One page of the cooperative's pathways, the latest opened first, and how many there are:
    /// after a few years a cooperative has hundreds, and the page must stay quick on a phone.
    /// A line of the pathways list: what the page shows, read as plain rows (a hundred
    /// pathways and their persons as models cost more than the page's own work).
    struct ListRow: Sendable, Decodable {
        var id: UUID
        var first_name: String
        var last_name: String
        var opened_on: Date
        var exit_category: String?
        var referent_user_id: UUID?
        var referent_name: String?

        var personName: String { "\(first_name) \(last_name)" }
    }

    /// Whose pathways a list shows (one referent's) and in which order (latest entry first,
    /// or by last name).
    struct ListOptions: Sendable, Equatable {
        var referent: UUID?
        var byName = false
    }

    func pathways(page: Int, perPage: Int, options: ListOptions = ListOptions()) async throws -> (rows: [ListRow], total: Int) {
        try scope.require(.managePathways)
        guard let sql = db as? any SQLDatabase else { throw Problem.internalError }
        let counted = Pathway.query(on: db).filter(\.$cooperativeID == scope.id)
        if let referent = options.referent { counted.filter(\.$referentUserID == referent) }
        let total = try await counted.count()
        let referentClause: SQLQueryString = options.referent.map { " AND p.referent_user_id = \(bind: $0)" } ?? ""
        let order: SQLQueryString = options.byName ? "ps.last_name, ps.first_name, p.id" : "p.opened_on DESC, p.id"
        let query: SQLQueryString = """
            SELECT p.id AS id, ps.first_name AS first_name, ps.last_name AS last_name, p.opened_on AS opened_on, p.exit_category AS exit_category,
                   p.referent_user_id AS referent_user_id, u.name AS referent_name
            FROM pathways p JOIN persons ps ON ps.id = p.person_id LEFT JOIN users u ON u.id = p.referent_user_id
            WHERE p.cooperative_id = \(bind: scope.id)
            """ + referentClause + " ORDER BY " + order + " LIMIT \(bind: perPage) OFFSET \(bind: (page - 1) * perPage)"
        let rows = try await sql.raw(query).all(decoding: ListRow.self)
        return (rows, total)
    }

    /// The states a pathways list filters on.
    static var pathwayStates: [(raw: String, label: String)] { [("ongoing", "En cours"), ("exited", "Sorti·e")] }

    /// One page of the list as searched: without a search, the database pages; with one, the
    /// plain rows of the cooperative are searched here (accents and case ignored).
    func pathways(_ filter: ListFilter, options: ListOptions = ListOptions()) async throws -> ListPage<ListRow> {
        guard filter.isFiltering else {
            let (rows, total) = try await pathways(page: filter.page, perPage: filter.perPage, options: options)
            let pageCount = max(1, (total + filter.perPage - 1) / filter.perPage)
            if filter.page > pageCount, total > 0 { return try await pathways(ListFilter(page: pageCount, perPage: filter.perPage), options: options) }
            return ListPage(rows: rows, total: total, page: min(filter.page, pageCount), pageCount: pageCount)
        }
        let (all, _) = try await pathways(page: 1, perPage: 1_000_000, options: options)
        return filter.page(of: all.filter { filter.keeps(texts: [$0.personName], state: $0.exit_category == nil ? "ongoing" : "exited") })
    }

    /// The pathway figures of the period, from the records (see `PathwaySummary`).
    func summary(_ period: DayPeriod) async throws -> PathwaySummary {
        try scope.require(.managePathways)
        let referrals = try await Referral.query(on: db).filter(\.$cooperativeID == scope.id).all()
        let pathways = try await Pathway.query(on: db).filter(\.$cooperativeID == scope.id).with(\.$person).all()
        let barriersByReferral = Dictionary(uniqueKeysWithValues: referrals.map { ($0.id!, $0.barriers) })
        return PathwaySummary.compute(
            referrals: referrals.map { .init(status: $0.referralStatus, sentOn: CalendarDay(date: $0.createdAt ?? $0.statusChangedAt)) },
            pathways: pathways.map { pathway in
                let exit: (day: CalendarDay, destination: ExitDestination)? = {
                    guard let date = pathway.exitDate, let destination = pathway.exitDestination.flatMap(ExitDestination.init(rawValue:)) else { return nil }
                    return (CalendarDay(date: date), destination)
                }()
                return .init(
                    openedOn: CalendarDay(date: pathway.openedOn), exit: exit, qpvCode: pathway.person.qpvCode,
                    barriers: (pathway.referralID.flatMap { barriersByReferral[$0] } ?? []).compactMap(Barrier.init(rawValue:))
                )
            },
            period: period,
            hoursWorked: PathwaySummary.hoursWorked(try await WorkHoursEntry.query(on: db)
                .join(Pathway.self, on: \WorkHoursEntry.$pathway.$id == \Pathway.$id).filter(Pathway.self, \.$cooperativeID == scope.id).all()
                .map { (CalendarDay(date: $0.week), $0.minutes, HoursStatus(rawValue: $0.status) ?? .submitted) }, in: period),
            trainingHours: PathwaySummary.trainingHours(try await Attendance.query(on: db)
                .join(Appointment.self, on: \Attendance.$appointment.$id == \Appointment.$id)
                .filter(Appointment.self, \.$cooperativeID == scope.id).filter(Appointment.self, \.$kind == AppointmentKind.trainingSession.rawValue)
                .with(\.$appointment).all()
                .map { (CalendarDay(date: $0.appointment.day), $0.appointment.durationMinutes, AttendanceStatus(rawValue: $0.status) ?? .registered) }, in: period)
        )
    }

    struct ExitDraft: Sendable {
        var date: String?
        var destination: String?
    }

    func recordExit(_ pathway: Pathway, _ draft: ExitDraft, today: CalendarDay, request: Request) async throws -> Pathway {
        try scope.require(.managePathways)
        var errors = FieldErrors()
        let destination = ExitDestination(rawValue: draft.destination ?? "")
        if destination == nil { errors.add("destination", "Choisissez la situation de la personne à sa sortie.") }
        let day = CalendarDay.parse(draft.date, field: "date", subject: "La date de sortie", fallback: nil, latest: today, into: &errors)
        if let day, day < CalendarDay(date: pathway.openedOn) {
            errors.add("date", "La date de sortie ne peut pas précéder l'entrée dans le parcours.")
        }
        try errors.throwIfAny()
        let category = ExitClassification.category(of: destination!)
        pathway.exitDate = day!.date
        pathway.exitDestination = destination!.rawValue
        pathway.exitCategory = category.rawValue
        pathway.followUpDue = day!.adding(months: ExitClassification.followUpMonths).date
        try await db.transaction { tx in
            try await pathway.save(on: tx)
            try await Person.query(on: tx).filter(\.$id == pathway.$person.id).set(\.$lastContactAt, to: Date()).update()
            try await request.audit(.exitRecorded, on: tx, subject: AuditSubject(
                entityType: "person", entityID: pathway.$person.id, networkID: scope.cooperative.networkID, cooperativeID: scope.id
            ), details: "\(destination!.rawValue) (\(category.rawValue))")
        }
        return pathway
    }
}

extension Request {
    /// The pathway named by the `pathwayID` path parameter, with the repository of its
    /// cooperative, for someone who may work on pathways there. The read is audited.
    func pathwayInScope() async throws -> (PathwaysRepository, Pathway) {
        let repository = PathwaysRepository(db: db, scope: try await cooperativeScope(.managePathways))
        return (repository, try await repository.pathway(try uuidParameter("pathwayID"), request: self))
    }
}

extension Referral {
    func auditSubject(networkID: UUID) -> AuditSubject {
        AuditSubject(entityType: "referral", entityID: id, networkID: networkID, cooperativeID: cooperativeID)
    }
}

extension CalendarDay {
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        return calendar
    }()

    /// Days are French days: midnight in Paris.
    var date: Date {
        Self.utc.date(from: DateComponents(year: year, month: month, day: day))!
    }

    init(date: Date) {
        let parts = Self.utc.dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    static var today: CalendarDay { CalendarDay(date: Date()) }

    fileprivate static var paris: Calendar { utc }
}

extension LocalDateTime {
    /// The instant this Paris time names.
    var date: Date {
        CalendarDay.paris.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute))!
    }

    init(date: Date) {
        let parts = CalendarDay.paris.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        self.init(day: CalendarDay(year: parts.year!, month: parts.month!, day: parts.day!), hour: parts.hour!, minute: parts.minute!)
    }

    static var now: LocalDateTime { LocalDateTime(date: Date()) }
}
