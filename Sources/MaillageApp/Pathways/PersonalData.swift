import Fluent
import Foundation
import MaillageCore
import Vapor

/// Everything Maillage holds about one person, for their right of access (RGPD art. 15).
struct PersonalDataExport: Content {
    var exportedAt: Date
    var cooperative: String
    var person: PersonDTO
    var referrals: [ReferralDTO]
    var pathway: PathwayDTO
    var barrierHistory: [BarrierAssessmentDTO]
    /// Their account and what it did elsewhere in the cooperative, when the file is linked to one.
    var account: AccountData?
    var membership: MembershipData?

    struct AccountData: Content {
        var name: String
        var email: String
        var language: String
        var roles: [String]
    }

    /// The member's record in the governance area: their shares and their votes.
    struct MembershipData: Content {
        struct Operation: Content { var number: Int, kind: String, quantity: Int, amountCents: Int, date: String }
        struct DecisionVoteData: Content { var decision: String, choices: [String], votedAt: Date }
        struct ResolutionVoteData: Content { var resolutionID: UUID, choice: String, recordedBy: String, recordedAt: Date }
        var number: Int
        var displayName: String
        var kind: String
        var status: String
        var admittedOn: String?
        var exitedOn: String?
        var capitalOperations: [Operation]
        var decisionVotes: [DecisionVoteData]
        var resolutionVotes: [ResolutionVoteData]
    }

    /// The JSON as a file to download, for the page and the API alike.
    func attachment(pathwayID: UUID) throws -> Response {
        let response = try Idempotency.encode(status: .ok, body: self)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"donnees-personnelles-\(pathwayID.uuidString.lowercased()).json\"")
        return response
    }
}

/// Erasure keeps the figures that reports and accounts need (dates, QPV, situation at entry,
/// barrier levels, hours, attendance, exit) and removes who the person is and every free text
/// that could say it.
enum PersonalDataEraser {
    static let erasedText = "(effacé)"

    static func erase(person: Person, on tx: any Database) async throws {
        let personID = person.id!
        let formerName = person.fullName
        person.firstName = "Personne"
        person.lastName = "anonymisée " + personID.uuidString.prefix(8).lowercased()
        person.contact = nil
        person.commune = nil
        person.userID = nil
        person.anonymisedAt = Date()
        try await person.save(on: tx)
        let referrals = try await Referral.query(on: tx).filter(\.$person.$id == personID).all()
        for referral in referrals {
            referral.reason = erasedText
            referral.preferredContact = nil
            referral.refusalReason = nil
            try await referral.save(on: tx)
            try await ReferralTransition.query(on: tx).filter(\.$referral.$id == referral.id!).set(\.$reason, to: nil).update()
        }
        let pathwayIDs = try await Pathway.query(on: tx).filter(\.$person.$id == personID).all().compactMap(\.id)
        guard !pathwayIDs.isEmpty else { return }
        try await PathwayNote.query(on: tx).filter(\.$pathway.$id ~~ pathwayIDs).delete()
        let objectives = try await Objective.query(on: tx).filter(\.$pathway.$id ~~ pathwayIDs).all()
        for objective in objectives {
            objective.focus = erasedText
            objective.title = erasedText
            try await objective.save(on: tx)
            try await PlanAction.query(on: tx).filter(\.$objective.$id == objective.id!).set(\.$label, to: erasedText).update()
        }
        try await TrainingEnrolment.query(on: tx).filter(\.$pathway.$id ~~ pathwayIDs).set(\.$comment, to: nil).update()
        // Lines the person wrote herself carry her name as their author.
        try await SkillAssessment.query(on: tx).filter(\.$pathway.$id ~~ pathwayIDs).filter(\.$source == SkillSource.selfAssessment.rawValue)
            .set(\.$authorLabel, to: erasedText).update()
        try await WorkHoursEntry.query(on: tx).filter(\.$pathway.$id ~~ pathwayIDs).filter(\.$enteredByLabel == formerName)
            .set(\.$enteredByLabel, to: erasedText).update()
        // An individual appointment's subject may name the person; a workshop's does not.
        let individual = try await Attendance.query(on: tx).filter(\.$pathway.$id ~~ pathwayIDs).with(\.$appointment).all()
            .filter { $0.appointment.kind == AppointmentKind.appointment.rawValue }.map { $0.$appointment.id }
        if !individual.isEmpty {
            try await Appointment.query(on: tx).filter(\.$id ~~ individual).set(\.$title, to: erasedText).set(\.$place, to: nil).update()
        }
    }
}

extension PathwaysRepository {
    func export(_ pathway: Pathway, request: Request) async throws -> PersonalDataExport {
        try scope.require(.managePathways)
        // The right of access covers the notes written about the person; only those who may
        // read them can hand them over.
        let file = try await self.file(pathway, viewer: .coordination)
        let referrals = try await Referral.query(on: db).filter(\.$person.$id == pathway.$person.id).with(\.$person).all()
        var referralDTOs: [ReferralDTO] = []
        for referral in referrals {
            referralDTOs.append(ReferralDTO(referral, transitions: try await transitions(of: referral), forCoordination: true))
        }
        try await request.audit(.personExported, subject: personSubject(pathway))
        return PersonalDataExport(
            exportedAt: Date(), cooperative: scope.cooperative.name, person: PersonDTO(pathway.person), referrals: referralDTOs,
            pathway: PathwayDTO(file, viewer: .coordination),
            barrierHistory: file.barrierHistory.map {
                BarrierAssessmentDTO(barrier: $0.barrier, level: $0.level, assessedOn: CalendarDay(date: $0.assessedOn).description, author: $0.authorLabel)
            },
            account: try await accountData(pathway.person.userID),
            membership: try await membershipData(pathway.person.userID)
        )
    }

    private func accountData(_ userID: UUID?) async throws -> PersonalDataExport.AccountData? {
        guard let userID, let user = try await User.find(userID, on: db) else { return nil }
        let roles = try await AccessService(db: db).holders(scopes: [(.cooperative, scope.id)]).filter { $0.userID == userID }.map(\.role.rawValue)
        return .init(name: user.name, email: user.email, language: user.locale, roles: roles.sorted())
    }

    private func membershipData(_ userID: UUID?) async throws -> PersonalDataExport.MembershipData? {
        guard let userID,
              let member = try await Member.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$userID == userID).first()
        else { return nil }
        let memberID = try member.requireID()
        let operations = try await CapitalOperation.query(on: db).filter(\.$cooperativeID == scope.id)
            .group(.or) { $0.filter(\.$memberID == memberID).filter(\.$toMemberID == memberID) }.sort(\.$number).all()
        let decisions = try await Decision.query(on: db).filter(\.$cooperativeID == scope.id).all()
        let titles = Dictionary(uniqueKeysWithValues: decisions.map { ($0.id!, $0.title) })
        let decisionVotes = titles.isEmpty ? [] : try await DecisionVote.query(on: db).filter(\.$userID == userID)
            .filter(\.$decisionID ~~ Array(titles.keys)).sort(\.$votedAt).all()
        let resolutionVotes = try await ResolutionVote.query(on: db).filter(\.$memberID == memberID).sort(\.$recordedAt).all()
        return .init(
            number: member.number, displayName: member.displayName, kind: member.kind, status: member.status,
            admittedOn: member.admittedOn.map { CalendarDay(date: $0).description }, exitedOn: member.exitedOn.map { CalendarDay(date: $0).description },
            capitalOperations: operations.map { .init(number: $0.number, kind: $0.kind, quantity: $0.quantity, amountCents: $0.amountCents, date: CalendarDay(date: $0.date).description) },
            decisionVotes: decisionVotes.map { .init(decision: titles[$0.decisionID] ?? "", choices: $0.choiceList, votedAt: $0.votedAt) },
            resolutionVotes: resolutionVotes.map { .init(resolutionID: $0.resolutionID, choice: $0.choice, recordedBy: $0.recordedBy, recordedAt: $0.recordedAt) }
        )
    }

    /// Erasure on the person's request: identity and free texts go, the figures stay.
    func erase(_ pathway: Pathway, request: Request) async throws {
        try scope.require(.managePathways)
        guard pathway.person.anonymisedAt == nil else {
            throw Problem(status: .conflict, title: "Déjà effacé", detail: "Les données de cette personne ont déjà été effacées.")
        }
        try await db.transaction { tx in
            try await PersonalDataEraser.erase(person: pathway.person, on: tx)
            try await request.audit(.personErased, on: tx, subject: personSubject(pathway))
        }
    }
}

/// `maillage privacy sweep`, also run when the server starts and then once a day: referrals
/// untouched for 30 days expire, files without contact for 2 years are anonymised.
enum PrivacySweep {
    struct Outcome: Sendable, Equatable {
        var anonymised: Int
        var cooperatives: Int
    }

    static func run(on db: any Database, now: Date = Date(), logger: Logger = Logger(label: "maillage.privacy")) async throws -> Outcome {
        let today = CalendarDay(date: now)
        let limit = today.adding(months: -PersonalDataRetention.monthsWithoutContact).adding(days: 1).date
        let due = try await Person.query(on: db).filter(\.$anonymisedAt == nil).filter(\.$lastContactAt < limit).all()
            .filter { PersonalDataRetention.anonymisationDue(lastContact: CalendarDay(date: $0.lastContactAt), today: today) }
        let cooperatives = try await Cooperative.query(on: db).all()
        let networks = Dictionary(uniqueKeysWithValues: cooperatives.map { ($0.id!, $0.networkID) })
        var anonymised = 0
        // One file that fails must not keep the others from being anonymised.
        for person in due {
            do {
                try await db.transaction { tx in
                    try await PersonalDataEraser.erase(person: person, on: tx)
                    try await AuditLog.record(.personAnonymised, on: tx, actor: nil, actorLabel: "Maillage", subject: AuditSubject(
                        entityType: "person", entityID: person.id, networkID: networks[person.cooperativeID], cooperativeID: person.cooperativeID
                    ))
                }
                anonymised += 1
            } catch {
                logger.report(error: error)
            }
        }
        for coop in cooperatives {
            do {
                try await PathwaysRepository.expireStale(cooperativeID: coop.id!, on: db, now: now)
            } catch {
                logger.report(error: error)
            }
        }
        return Outcome(anonymised: anonymised, cooperatives: cooperatives.count)
    }

    /// Runs the sweep now and every 24 hours while the server runs.
    static func schedule(on app: Application) {
        app.eventLoopGroup.next().scheduleRepeatedAsyncTask(initialDelay: .seconds(5), delay: .hours(24)) { _ in
            app.eventLoopGroup.next().makeFutureWithTask {
                do {
                    let outcome = try await run(on: app.db, logger: app.logger)
                    app.logger.info("privacy sweep", metadata: ["anonymised": "\(outcome.anonymised)", "cooperatives": "\(outcome.cooperatives)"])
                } catch {
                    app.logger.report(error: error)
                }
            }
        }
    }
}

struct PrivacyCommands: AsyncCommandGroup {
    var help: String { "Personal data: `privacy sweep` expires stale referrals and anonymises files without contact for 2 years." }
    var commands: [String: any AnyAsyncCommand] { ["sweep": PrivacySweepCommand()] }
}

struct PrivacySweepCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Expires referrals untouched for 30 days and anonymises files without contact for 2 years." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let outcome = try await PrivacySweep.run(on: context.application.db)
        context.console.print("Dossiers anonymisés : \(outcome.anonymised). Coopératives passées en revue : \(outcome.cooperatives).")
    }
}

/// Starts what runs in the background of `serve`.
public func startBackgroundTasks(_ app: Application) {
    PrivacySweep.schedule(on: app)
}
