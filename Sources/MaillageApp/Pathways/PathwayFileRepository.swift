import Fluent
import Foundation
import MaillageCore
import Vapor

/// Who is looking at a pathway: the coordination, or the person themselves (a cooperant
/// whose account is linked to the file).
enum PathwayViewer: Sendable, Equatable {
    case coordination
    case person
}

/// Everything of one person's file, loaded at once for the page, the API and the export.
struct PathwayFile: Sendable {
    var pathway: Pathway
    var referral: Referral?
    var barrierHistory: [BarrierAssessment]
    var objectives: [Objective]
    /// Appointments and workshops (training sessions are under `trainings`), by start.
    var attendances: [Attendance]
    /// Nil when the viewer may not read them.
    var notes: [PathwayNote]?
    var competences: [Competence]
    var skills: [SkillAssessment]
    var enrolments: [TrainingEnrolment]
    /// The person's lines on the sign-in sheets of their trainings' sessions.
    var trainingAttendances: [Attendance]
    var hours: [WorkHoursEntry]
    var referentName: String?
    var accountEmail: String?

    var skillRows: [SkillGrid.Row] {
        let byID = Dictionary(uniqueKeysWithValues: competences.map { ($0.id!.uuidString, $0) })
        let assessed = Set(skills.map { $0.$competence.id.uuidString })
        // Retired competences stay visible when the person was assessed on them.
        let grid = competences.filter { $0.active || assessed.contains($0.id!.uuidString) }.map { $0.id!.uuidString }
        let ordered = skills.sorted { ($0.createdAt ?? .distantPast) < ($1.createdAt ?? .distantPast) }
        return SkillGrid.rows(grid: grid, assessments: ordered.enumerated().compactMap { index, row in
            guard byID[row.$competence.id.uuidString] != nil, let source = SkillSource(rawValue: row.source),
                  let level = SkillLevel(rawValue: row.level) else { return nil }
            return .init(competence: row.$competence.id.uuidString, source: source, level: level, day: CalendarDay(date: row.assessedOn), sequence: index)
        })
    }

    func competenceLabel(_ id: String) -> String {
        competences.first { $0.id!.uuidString == id }?.label ?? "—"
    }

    func trainingHours(_ trainingID: UUID) -> Double {
        TrainingRules.hours(sessions: trainingAttendances.filter { $0.appointment.trainingID == trainingID }.map {
            ($0.appointment.durationMinutes, AttendanceStatus(rawValue: $0.status) ?? .registered)
        })
    }

    var validatedHours: Double {
        Double(hours.filter { $0.status == HoursStatus.validated.rawValue }.reduce(0) { $0 + $1.minutes }) / 60
    }
}

extension PathwaysRepository {
    // MARK: Access

    /// A pathway of the cooperant's own (their account is linked to the person): 404 for any
    /// other, as if it did not exist.
    func ownPathway(_ id: UUID?, request: Request) async throws -> Pathway {
        try scope.require(.viewOwnPathway)
        let query = Pathway.query(on: db).filter(\.$cooperativeID == scope.id).join(Person.self, on: \Pathway.$person.$id == \Person.$id)
            .filter(Person.self, \.$userID == scope.principal.userID).with(\.$person).sort(\.$openedOn, .descending)
        if let id { query.filter(\.$id == id) }
        guard let pathway = try await query.first() else { throw Problem.notFound }
        try await request.audit(.personFileRead, subject: personSubject(pathway))
        return pathway
    }

    func personSubject(_ pathway: Pathway) -> AuditSubject {
        AuditSubject(entityType: "person", entityID: pathway.$person.id, networkID: scope.cooperative.networkID, cooperativeID: scope.id)
    }

    /// Confidential notes: the coordination of the cooperative, and the person's referent.
    func mayReadNotes(_ pathway: Pathway) -> Bool {
        scope.allows(.readConfidentialNotes) || (scope.allows(.managePathways) && pathway.referentUserID == scope.principal.userID)
    }

    func touch(_ pathway: Pathway, on tx: any Database) async throws {
        try await Person.query(on: tx).filter(\.$id == pathway.$person.id).set(\.$lastContactAt, to: Date()).update()
    }

    // MARK: Loading

    func file(_ pathway: Pathway, viewer: PathwayViewer) async throws -> PathwayFile {
        let pathwayID = pathway.id!
        let referral = try await pathway.referralID.asyncMap { try await Referral.find($0, on: db) } ?? nil
        let attendances = try await Attendance.query(on: db).filter(\.$pathway.$id == pathwayID).with(\.$appointment).all()
            .sorted { $0.appointment.startsAt < $1.appointment.startsAt }
        let notes: [PathwayNote]? = viewer == .coordination && mayReadNotes(pathway)
            ? try await PathwayNote.query(on: db).filter(\.$pathway.$id == pathwayID).sort(\.$createdAt, .descending).all() : nil
        let referent = try await pathway.referentUserID.asyncMap { try await User.find($0, on: db) } ?? nil
        let account = try await pathway.person.userID.asyncMap { try await User.find($0, on: db) } ?? nil
        return PathwayFile(
            pathway: pathway, referral: referral, barrierHistory: try await barrierHistory(pathway),
            objectives: try await Objective.query(on: db).filter(\.$pathway.$id == pathwayID).with(\.$actions).sort(\.$createdAt).all(),
            attendances: attendances.filter { $0.appointment.trainingID == nil },
            notes: notes,
            competences: try await competences(),
            skills: try await SkillAssessment.query(on: db).filter(\.$pathway.$id == pathwayID).sort(\.$assessedOn).all(),
            enrolments: try await TrainingEnrolment.query(on: db).filter(\.$pathway.$id == pathwayID).with(\.$training).all(),
            trainingAttendances: attendances.filter { $0.appointment.trainingID != nil },
            hours: try await WorkHoursEntry.query(on: db).filter(\.$pathway.$id == pathwayID).sort(\.$week, .descending).sort(\.$role).all(),
            referentName: referent?.name, accountEmail: account?.email
        )
    }

    // MARK: Plan

    func addObjective(_ pathway: Pathway, _ draft: ObjectiveDraft) async throws -> Objective {
        try scope.require(.managePathways)
        let valid = try draft.validate()
        let objective = Objective()
        objective.$pathway.id = pathway.id!
        objective.focus = valid.focus
        objective.kind = valid.kind.rawValue
        objective.title = valid.title
        objective.authorLabel = scope.principal.name
        try await db.transaction { tx in
            try await objective.create(on: tx)
            for label in valid.actions { try await newAction(label, objective: objective, on: tx) }
            try await touch(pathway, on: tx)
        }
        return try await objectiveWithActions(objective.id!, pathway: pathway)
    }

    private func newAction(_ label: String, objective: Objective, on tx: any Database) async throws {
        let action = PlanAction()
        action.$objective.id = objective.id!
        action.label = label
        action.status = ActionStatus.inProgress.rawValue
        action.statusChangedAt = Date()
        try await action.create(on: tx)
    }

    func objectiveWithActions(_ id: UUID, pathway: Pathway) async throws -> Objective {
        guard let objective = try await Objective.query(on: db).filter(\.$id == id).filter(\.$pathway.$id == pathway.id!)
            .with(\.$actions).first() else { throw Problem.notFound }
        return objective
    }

    func addAction(_ pathway: Pathway, objectiveID: UUID, label rawLabel: String?) async throws -> Objective {
        try scope.require(.managePathways)
        let objective = try await objectiveWithActions(objectiveID, pathway: pathway)
        var errors = FieldErrors()
        let label = TextRules.requireName(rawLabel, field: "label", max: 200, into: &errors)
        try errors.throwIfAny()
        try await db.transaction { tx in
            try await newAction(label, objective: objective, on: tx)
            try await touch(pathway, on: tx)
        }
        return try await objectiveWithActions(objectiveID, pathway: pathway)
    }

    func setActionStatus(_ pathway: Pathway, actionID: UUID, status rawStatus: String?) async throws -> Objective {
        try scope.require(.managePathways)
        guard let action = try await PlanAction.query(on: db).filter(\.$id == actionID).with(\.$objective).first(),
              action.objective.$pathway.id == pathway.id else { throw Problem.notFound }
        guard let status = ActionStatus(rawValue: rawStatus ?? "") else {
            throw Problem.invalid(FieldErrors(["status": "Choisissez l'état dans la liste (" + TextRules.choices(ActionStatus.allCases) + ")."]))
        }
        action.status = status.rawValue
        action.statusChangedAt = Date()
        try await db.transaction { tx in
            try await action.save(on: tx)
            try await touch(pathway, on: tx)
        }
        return try await objectiveWithActions(action.$objective.id, pathway: pathway)
    }

    // MARK: Notes, referent and account

    func addNote(_ pathway: Pathway, body rawBody: String?, request: Request) async throws -> PathwayNote {
        guard mayReadNotes(pathway) else { throw Problem.forbidden }
        var errors = FieldErrors()
        let body = TextRules.requireName(rawBody, field: "body", max: 5_000, into: &errors)
        try errors.throwIfAny()
        let note = PathwayNote()
        note.$pathway.id = pathway.id!
        note.body = body
        note.authorUserID = scope.principal.userID
        note.authorLabel = scope.principal.name
        try await db.transaction { tx in
            try await note.create(on: tx)
            try await touch(pathway, on: tx)
            try await request.audit(.noteWritten, on: tx, subject: personSubject(pathway))
        }
        return note
    }

    /// People who may be the referent (the coordination of this cooperative, its territory or
    /// network) and accounts that may be linked (cooperants of this cooperative).
    func linkCandidates() async throws -> (referents: [AccessService.Holder], accounts: [AccessService.Holder]) {
        let holders = try await AccessService(db: db).holders(scopes: [
            (.cooperative, scope.id), (.territory, scope.cooperative.$territory.id), (.network, scope.cooperative.networkID),
        ])
        func unique(_ list: [AccessService.Holder]) -> [AccessService.Holder] {
            var seen = Set<UUID>()
            return list.filter { seen.insert($0.userID).inserted }
        }
        return (unique(holders.filter { $0.role == .coordinator || $0.role == .networkAdmin }),
                unique(holders.filter { $0.role == .cooperant && $0.scope.kind == .cooperative }))
    }

    /// Sets the referent and the linked cooperant account; an empty value unlinks.
    func setLinks(_ pathway: Pathway, referentUserID: String?, cooperantUserID: String?, request: Request) async throws -> Pathway {
        try scope.require(.managePathways)
        let candidates = try await linkCandidates()
        var errors = FieldErrors()
        func pick(_ raw: String?, among list: [AccessService.Holder], field: String, message: String) -> UUID?? {
            guard let raw else { return .none }
            guard let text = TextRules.clean(raw) else { return .some(nil) }
            guard let id = UUID(uuidString: text), list.contains(where: { $0.userID == id }) else {
                errors.add(field, message)
                return .none
            }
            return .some(id)
        }
        let referent = pick(referentUserID, among: candidates.referents, field: "referentUserID",
                            message: "Le ou la référente doit faire partie de la coordination de la coopérative.")
        let account = pick(cooperantUserID, among: candidates.accounts, field: "cooperantUserID",
                           message: "Ce compte n'a pas le rôle coopérant·e dans cette coopérative.")
        if case .some(.some(let id)) = account, id != pathway.person.userID,
           try await Person.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$userID == id).count() > 0 {
            errors.add("cooperantUserID", "Ce compte est déjà lié au dossier d'une autre personne.")
        }
        try errors.throwIfAny()
        try await db.transaction { tx in
            if case .some(let id) = referent {
                pathway.referentUserID = id
                try await pathway.save(on: tx)
            }
            if case .some(let id) = account {
                pathway.person.userID = id
                try await pathway.person.save(on: tx)
            }
            try await request.audit(.personLinked, on: tx, subject: personSubject(pathway))
        }
        return pathway
    }

    // MARK: Skills

    func competences(includingRetired: Bool = true) async throws -> [Competence] {
        let query = Competence.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$position).sort(\.$label)
        if !includingRetired { query.filter(\.$active == true) }
        return try await query.all()
    }

    func addCompetence(label rawLabel: String?) async throws -> Competence {
        try scope.require(.managePathways)
        var errors = FieldErrors()
        let label = TextRules.requireName(rawLabel, field: "label", max: 120, into: &errors)
        let existing = try await competences()
        if existing.contains(where: { $0.label.lowercased() == label.lowercased() }) {
            errors.add("label", "Cette compétence est déjà dans la grille.")
        }
        try errors.throwIfAny()
        let competence = Competence()
        competence.cooperativeID = scope.id
        competence.label = label
        competence.position = (existing.map(\.position).max() ?? 0) + 1
        competence.active = true
        try await competence.create(on: db)
        return competence
    }

    /// Retires a competence from the grid (or puts it back); past assessments stay.
    func setCompetenceActive(_ id: UUID, active: Bool) async throws -> Competence {
        try scope.require(.managePathways)
        guard let competence = try await Competence.query(on: db).filter(\.$id == id).filter(\.$cooperativeID == scope.id).first() else {
            throw Problem.notFound
        }
        competence.active = active
        try await competence.save(on: db)
        return competence
    }

    /// An assessment by the coordination, or the cooperant's self-assessment: who asks decides.
    func assessSkill(_ pathway: Pathway, viewer: PathwayViewer, competenceID rawID: String?, level rawLevel: String?, date rawDate: String?, today: CalendarDay) async throws -> SkillAssessment {
        var errors = FieldErrors()
        let competence = try await UUID(uuidString: rawID ?? "").asyncMap {
            try await Competence.query(on: db).filter(\.$id == $0).filter(\.$cooperativeID == scope.id).filter(\.$active == true).first()
        } ?? nil
        if competence == nil { errors.add("competenceID", "Choisissez une compétence de la grille de la coopérative.") }
        let level = SkillLevel(rawValue: rawLevel ?? "")
        if level == nil { errors.add("level", "Choisissez le niveau dans la liste (" + TextRules.choices(SkillLevel.allCases) + ").") }
        let day = CalendarDay.parse(rawDate, field: "date", fallback: today, latest: today, into: &errors) ?? today
        try errors.throwIfAny()
        let row = SkillAssessment()
        row.$pathway.id = pathway.id!
        row.$competence.id = competence!.id!
        row.source = (viewer == .person ? SkillSource.selfAssessment : .coordinator).rawValue
        row.level = level!.rawValue
        row.assessedOn = day.date
        row.authorLabel = scope.principal.name
        try await db.transaction { tx in
            try await row.create(on: tx)
            try await touch(pathway, on: tx)
        }
        return row
    }

    // MARK: Hours

    /// Hours typed by the cooperant wait for validation; the coordination's are validated.
    func addHours(_ pathway: Pathway, viewer: PathwayViewer, _ draft: HoursDraft, today: CalendarDay) async throws -> WorkHoursEntry {
        var weekErrors = FieldErrors()
        let weekStart = CalendarDay.parse(draft.week, field: "week", subject: "La semaine", fallback: nil, latest: nil, into: &weekErrors)?.weekStart
        let sameWeek = try await weekStart.asyncMap {
            try await WorkHoursEntry.query(on: db).filter(\.$pathway.$id == pathway.id!).filter(\.$week == $0.date).all()
        } ?? []
        let valid = try draft.validate(alreadyThatWeek: sameWeek.filter { $0.role != draft.role }.reduce(0) { $0 + $1.minutes }, today: today)
        if let existing = sameWeek.first(where: { $0.role == valid.role.rawValue }) {
            if existing.status == HoursStatus.validated.rawValue && viewer == .person {
                throw Problem.invalid(FieldErrors(["hours": "Les heures de cette semaine à ce poste sont déjà validées : demandez à la coordination de les corriger."]))
            }
            // Typing the same week and role again corrects the line.
            existing.minutes = valid.minutes
            stamp(existing, viewer: viewer)
            try await db.transaction { tx in
                try await existing.save(on: tx)
                try await touch(pathway, on: tx)
            }
            return existing
        }
        let entry = WorkHoursEntry()
        entry.$pathway.id = pathway.id!
        entry.week = valid.week.date
        entry.role = valid.role.rawValue
        entry.minutes = valid.minutes
        entry.enteredByLabel = scope.principal.name
        stamp(entry, viewer: viewer)
        try await db.transaction { tx in
            try await entry.create(on: tx)
            try await touch(pathway, on: tx)
        }
        return entry
    }

    private func stamp(_ entry: WorkHoursEntry, viewer: PathwayViewer) {
        entry.enteredByLabel = scope.principal.name
        if viewer == .coordination {
            entry.status = HoursStatus.validated.rawValue
            entry.validatedByLabel = scope.principal.name
            entry.validatedAt = Date()
        } else {
            entry.status = HoursStatus.submitted.rawValue
            entry.validatedByLabel = nil
            entry.validatedAt = nil
        }
    }

    func validateHours(_ pathway: Pathway, entryID: UUID) async throws -> WorkHoursEntry {
        try scope.require(.managePathways)
        guard let entry = try await WorkHoursEntry.query(on: db).filter(\.$id == entryID).filter(\.$pathway.$id == pathway.id!).first() else {
            throw Problem.notFound
        }
        guard entry.status == HoursStatus.submitted.rawValue else {
            throw Problem(status: .conflict, title: "Déjà validées", detail: "Ces heures sont déjà validées.")
        }
        entry.status = HoursStatus.validated.rawValue
        entry.validatedByLabel = scope.principal.name
        entry.validatedAt = Date()
        try await entry.save(on: db)
        return entry
    }
}

extension Request {
    /// The pathway named by `pathwayID`, for the coordination or for the cooperant whose file
    /// it is (anyone else: 403 for a role without pathways, 404 for another person's file).
    func pathwayForCoordinationOrPerson() async throws -> (PathwaysRepository, Pathway, PathwayViewer) {
        let scope = try await cooperativeScope(anyOf: [.managePathways, .viewOwnPathway])
        let repository = PathwaysRepository(db: db, scope: scope)
        let id = try uuidParameter("pathwayID")
        if scope.allows(.managePathways) {
            return (repository, try await repository.pathway(id, request: self), .coordination)
        }
        return (repository, try await repository.ownPathway(id, request: self), .person)
    }
}
