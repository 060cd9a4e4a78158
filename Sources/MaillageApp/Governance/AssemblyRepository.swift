import Fluent
import Foundation
import MaillageCore
import SQLKit
import Vapor

/// A resolution's result as the assembly's data make it: quorum, head count and the weighted
/// tally by college.
struct ResolutionResult: Sendable {
    var resolution: Resolution
    var quorumReached: Bool
    var participating: Int
    var membersWithVote: Int
    var tally: Tally
    var majority: ResolutionMajority
    var rules: AssemblyRules
    var collegesEnabled: Bool

    /// Adopted when the quorum is reached and the votes carry the majority: weighted by
    /// college where the statutes say so, by head count otherwise.
    var adopted: Bool { quorumReached && tally.adopted(under: majority, rules: rules) }
    var adoptedByHeadCount: Bool { quorumReached && tally.adoptedByHeadCount(under: majority, rules: rules) }
}

/// Everything the minutes say, read at once.
struct AssemblyRecord: Sendable {
    var assembly: Assembly
    var cooperativeName: String
    var members: [UUID: Member]
    var attendance: [AssemblyAttendance]
    var membersWithVote: Int
    var rules: AssemblyRules
    var quorum: Fraction?
    var quorumReached: Bool
    var results: [ResolutionResult]
    var maxProxies: Int
    var snapshot: AssemblySnapshot

    func attending(_ mode: AttendanceMode) -> [AssemblyAttendance] {
        attendance.filter { $0.attendanceMode == mode }.sorted { (members[$0.memberID]?.number ?? 0) < (members[$1.memberID]?.number ?? 0) }
    }
}

/// The general assemblies of one cooperative: convocation, bureau, attendance with proxies,
/// resolutions and votes, results and minutes.
struct AssemblyRepository: Sendable {
    let db: any Database
    let scope: CooperativeScope

    var governance: GovernanceRepository { GovernanceRepository(db: db, scope: scope) }

    static let locked = Problem(status: .conflict, title: "Procès-verbal verrouillé",
                                detail: "Le procès-verbal de cette assemblée est verrouillé : plus rien n'y change.")

    // MARK: Assemblies

    func assemblies() async throws -> [Assembly] {
        try scope.require(.viewGovernance)
        return try await Assembly.query(on: db).filter(\.$cooperativeID == scope.id).sort(\.$heldOn, .descending).sort(\.$createdAt, .descending).all()
    }

    /// The cooperative's assembly, or 404.
    func assembly(_ id: UUID?) async throws -> Assembly {
        try scope.require(.viewGovernance)
        guard let id, let assembly = try await Assembly.query(on: db).filter(\.$id == id).filter(\.$cooperativeID == scope.id).first() else {
            throw Problem.notFound
        }
        return assembly
    }

    func create(_ draft: AssemblyDraft) async throws -> Assembly {
        try scope.require(.manageGovernance)
        let valid = try draft.validate()
        let assembly = Assembly()
        assembly.cooperativeID = scope.id
        assembly.kind = valid.kind.rawValue
        assembly.convocation = valid.convocation.rawValue
        assembly.heldOn = valid.day.date
        assembly.time = valid.time
        assembly.place = valid.place
        assembly.remoteLink = valid.remoteLink
        assembly.agenda = valid.agenda.joined(separator: "\n")
        try await assembly.create(on: db)
        return assembly
    }

    /// Takes the assembly's row first in the transaction, so that attendance, proxies and votes
    /// of one assembly are written one after the other on every database (a proxy cap cannot be
    /// passed by two proxies at once), and refuses once the minutes are locked.
    private func lock(_ assembly: Assembly, on tx: any Database) async throws -> Assembly {
        if let sql = tx as? any SQLDatabase {
            try await sql.raw("UPDATE assemblies SET agenda = agenda WHERE id = \(bind: assembly.id!)").run()
        }
        guard let fresh = try await Assembly.find(assembly.id, on: tx) else { throw Problem.notFound }
        if fresh.isLocked { throw Self.locked }
        return fresh
    }

    /// Records the convocation sent today and queues it by email to every member with an
    /// account; the printable letter is for the others. At least fifteen days before.
    func convene(_ assembly: Assembly, today: CalendarDay, letter: @escaping @Sendable (Member) -> (subject: String, body: String)) async throws -> Int {
        try scope.require(.manageGovernance)
        let cooperativeID = scope.id
        return try await db.transaction { tx in
            let assembly = try await lock(assembly, on: tx)
            if let sent = assembly.convenedOn {
                throw Problem(status: .conflict, title: "Déjà convoquée", detail: "Cette assemblée a été convoquée le \(CalendarDay(date: sent).french).")
            }
            if let problem = ConvocationRules.problem(sentOn: today, assemblyOn: assembly.day) {
                throw Problem.invalid(FieldErrors(["date": problem]))
            }
            assembly.convenedOn = today.date
            try await assembly.save(on: tx)
            let members = try await Member.query(on: tx).filter(\.$cooperativeID == cooperativeID).filter(\.$status == MemberStatus.member.rawValue).all()
            let accounts = Dictionary(uniqueKeysWithValues: try await User.query(on: tx).filter(\.$id ~~ members.compactMap(\.userID)).all().map { ($0.id!, $0) })
            var queued = 0
            for member in members {
                guard let userID = member.userID, let user = accounts[userID], user.isActive else { continue }
                let (subject, body) = letter(member)
                try await OutboxMessage(cooperativeID: cooperativeID, recipient: user.email, subject: subject, body: body).create(on: tx)
                queued += 1
            }
            return queued
        }
    }

    func setBureau(_ assembly: Assembly, chair: String?, secretary: String?, tellers: [String]) async throws -> Assembly {
        try scope.require(.manageGovernance)
        var errors = FieldErrors()
        let chair = TextRules.clean(chair), secretary = TextRules.clean(secretary)
        let tellers = tellers.compactMap(TextRules.clean)
        if let chair, chair.count > 120 { errors.add("chair", "Le nom compte au plus 120 caractères.") }
        if let secretary, secretary.count > 120 { errors.add("secretary", "Le nom compte au plus 120 caractères.") }
        if tellers.count > 4 { errors.add("tellers", "Le bureau compte au plus quatre scrutateurs.") }
        if tellers.contains(where: { $0.count > 120 }) { errors.add("tellers", "Chaque nom compte au plus 120 caractères.") }
        try errors.throwIfAny()
        return try await db.transaction { tx in
            let fresh = try await lock(assembly, on: tx)
            fresh.chair = chair
            fresh.secretary = secretary
            fresh.tellers = tellers.isEmpty ? nil : tellers.joined(separator: "\n")
            try await fresh.save(on: tx)
            return fresh
        }
    }

    // MARK: Attendance

    func attendance(_ assembly: Assembly) async throws -> [AssemblyAttendance] {
        try scope.require(.viewGovernance)
        return try await AssemblyAttendance.query(on: db).filter(\.$assemblyID == assembly.id!).all()
    }

    /// Members with a vote on the assembly's day.
    func membersWithVote(_ members: [Member], on day: CalendarDay) -> [Member] {
        members.filter { $0.hadVote(on: day) }
    }

    /// Records how a member takes part; a represented member names a holder who is present,
    /// holds fewer proxies than the statutes' cap and, if the statutes ask, is of their college.
    func recordAttendance(_ assembly: Assembly, memberID: String?, mode: String?, proxyHolderID: String?) async throws -> AssemblyAttendance {
        try scope.require(.manageGovernance)
        var errors = FieldErrors()
        let mode = AttendanceMode(rawValue: TextRules.clean(mode) ?? "")
        if mode == nil { errors.add("mode", "Choisissez : présent (present), à distance (remote), par correspondance (postal) ou représenté (represented).") }
        let members = try await governance.members()
        let eligible = membersWithVote(members, on: assembly.day)
        let member = TextRules.clean(memberID).flatMap(UUID.init(uuidString:)).flatMap { id in members.first { $0.id == id } }
        if member == nil {
            errors.add("memberID", "Choisissez un·e associé·e de la coopérative.")
        } else if !eligible.contains(where: { $0.id == member!.id }) {
            errors.add("memberID", "\(member!.displayName) n'a pas de voix à cette assemblée (candidat·e, ancien·ne associé·e ou admis·e après).")
        }
        var holder: Member?
        if mode == .represented {
            holder = TextRules.clean(proxyHolderID).flatMap(UUID.init(uuidString:)).flatMap { id in eligible.first { $0.id == id } }
            if holder == nil { errors.add("proxyHolderID", "Un membre représenté nomme son mandataire, associé·e présent·e à l'assemblée.") }
        } else if TextRules.clean(proxyHolderID) != nil {
            errors.add("proxyHolderID", "Seul un membre représenté a un mandataire.")
        }
        try errors.throwIfAny()
        let statutes = try await governance.statutes()
        let (member_, mode_, holder_) = (member!, mode!, holder)
        return try await db.transaction { tx in
            let assembly = try await lock(assembly, on: tx)
            let rows = try await AssemblyAttendance.query(on: tx).filter(\.$assemblyID == assembly.id!).all()
            let proxiesHeldByMember = rows.filter { $0.proxyHolderID == member_.id && $0.memberID != member_.id }.count
            if let problem = AttendanceRules.holderLeaving(proxiesHeld: proxiesHeldByMember, newMode: mode_) {
                throw Problem.invalid(FieldErrors(["mode": problem]))
            }
            if let holder = holder_ {
                let holderRow = rows.first { $0.memberID == holder.id }
                let held = rows.filter { $0.proxyHolderID == holder.id && $0.memberID != member_.id }.count
                if let problem = ProxyRules.check(holderMode: holderRow?.attendanceMode, holderIsGiver: holder.id == member_.id, proxiesHeld: held,
                                                  cap: statutes.maxProxies, sameCollegeRequired: statutes.proxySameCollege,
                                                  holderCollege: holder.collegeID?.uuidString, giverCollege: member_.collegeID?.uuidString) {
                    throw Problem.invalid(FieldErrors(["proxyHolderID": ProxyRules.message(problem)]))
                }
            }
            let row = rows.first { $0.memberID == member_.id } ?? AssemblyAttendance()
            row.assemblyID = assembly.id!
            row.memberID = member_.id!
            row.mode = mode_.rawValue
            row.proxyHolderID = holder_?.id
            row.recordedAt = Date()
            try await row.save(on: tx)
            return row
        }
    }

    // MARK: Resolutions and votes

    func resolutions(_ assembly: Assembly) async throws -> [Resolution] {
        try scope.require(.viewGovernance)
        return try await Resolution.query(on: db).filter(\.$assemblyID == assembly.id!).sort(\.$number).all()
    }

    func resolution(_ id: UUID?, of assembly: Assembly) async throws -> Resolution {
        try scope.require(.viewGovernance)
        guard let id, let resolution = try await Resolution.query(on: db).filter(\.$id == id).filter(\.$assemblyID == assembly.id!).first() else {
            throw Problem.notFound
        }
        return resolution
    }

    func addResolution(_ assembly: Assembly, _ draft: ResolutionDraft) async throws -> Resolution {
        try scope.require(.manageGovernance)
        let valid = try draft.validate(assembly: assembly.assemblyKind, rules: try await governance.statutes().rules)
        return try await db.transaction { tx in
            let assembly = try await lock(assembly, on: tx)
            let last = try await Resolution.query(on: tx).filter(\.$assemblyID == assembly.id!).max(\.$number) ?? 0
            let resolution = Resolution()
            resolution.assemblyID = assembly.id!
            resolution.number = last + 1
            resolution.title = valid.title
            resolution.text = valid.text
            resolution.majority = valid.majority.description
            try await resolution.create(on: tx)
            return resolution
        }
    }

    /// The signed-in user's own member record in this cooperative, if they are an associate.
    func ownMember() async throws -> Member? {
        try await Member.query(on: db).filter(\.$cooperativeID == scope.id).filter(\.$userID == scope.principal.userID)
            .filter(\.$status == MemberStatus.member.rawValue).first()
    }

    /// Records `memberID`'s vote. The secretary records anyone's; a member records their own
    /// and those of the members whose proxy they carry. The member takes part in the assembly
    /// (present, remote, by post or represented); a second vote replaces the first until the
    /// resolution closes.
    func vote(_ assembly: Assembly, _ resolution: Resolution, memberID: String?, choice: String?) async throws -> ResolutionVote {
        var errors = FieldErrors()
        let choice = VoteChoice(rawValue: TextRules.clean(choice) ?? "")
        if choice == nil { errors.add("choice", "Votez pour (for), contre (against) ou abstention (abstain).") }
        let memberUUID = TextRules.clean(memberID).flatMap(UUID.init(uuidString:))
        if memberUUID == nil { errors.add("memberID", "Indiquez l'associé·e qui vote.") }
        try errors.throwIfAny()
        return try await votes(assembly, resolution, [(memberUUID!, choice!)], field: { _ in "memberID" })[0]
    }

    /// Several votes at once (the secretary typing the room's), all written or none.
    /// `field` names the form field that reports a member's problem.
    func votes(_ assembly: Assembly, _ resolution: Resolution, _ ballots: [(memberID: UUID, choice: VoteChoice)],
               field: @escaping @Sendable (UUID) -> String) async throws -> [ResolutionVote] {
        try scope.require(.viewGovernance)
        // One ballot per member: the last one typed counts.
        let ballots = Array(Dictionary(ballots.map { ($0.memberID, $0) }, uniquingKeysWith: { $1 }).values)
        let secretary = scope.allows(.manageGovernance)
        let own = secretary ? nil : try await ownMember()
        if !secretary && own == nil { throw Problem.forbidden }
        let label = scope.principal.name
        return try await db.transaction { tx in
            let assembly = try await lock(assembly, on: tx)
            guard let resolution = try await Resolution.find(resolution.id, on: tx) else { throw Problem.notFound }
            if resolution.isClosed {
                throw Problem(status: .conflict, title: "Vote clos", detail: "Le vote sur la résolution n° \(resolution.number) est clos.")
            }
            let rows = Dictionary(uniqueKeysWithValues: try await AssemblyAttendance.query(on: tx).filter(\.$assemblyID == assembly.id!)
                .filter(\.$memberID ~~ ballots.map(\.memberID)).all().map { ($0.memberID, $0) })
            let existing = Dictionary(uniqueKeysWithValues: try await ResolutionVote.query(on: tx).filter(\.$resolutionID == resolution.id!)
                .filter(\.$memberID ~~ ballots.map(\.memberID)).all().map { ($0.memberID, $0) })
            var errors = FieldErrors()
            for ballot in ballots {
                if let own, ballot.memberID != own.id && rows[ballot.memberID]?.proxyHolderID != own.id { throw Problem.forbidden }
                guard let row = rows[ballot.memberID] else {
                    errors.add(field(ballot.memberID), "Cet·te associé·e n'est pas inscrit·e à l'assemblée (présent·e, à distance, par correspondance ou représenté·e).")
                    continue
                }
                if let own, ballot.memberID == own.id, row.attendanceMode == .represented {
                    errors.add(field(ballot.memberID), "Vous avez donné pouvoir : c'est votre mandataire qui vote pour vous.")
                }
            }
            try errors.throwIfAny()
            var written: [ResolutionVote] = []
            for ballot in ballots {
                // The same choice again changes nothing, not even who recorded it.
                if let same = existing[ballot.memberID], same.choice == ballot.choice.rawValue {
                    written.append(same)
                    continue
                }
                let vote = existing[ballot.memberID] ?? ResolutionVote()
                vote.resolutionID = resolution.id!
                vote.memberID = ballot.memberID
                vote.choice = ballot.choice.rawValue
                vote.recordedBy = label
                vote.recordedAt = Date()
                try await vote.save(on: tx)
                written.append(vote)
            }
            return written
        }
    }

    func closeResolution(_ assembly: Assembly, _ resolution: Resolution) async throws -> Resolution {
        try scope.require(.manageGovernance)
        return try await db.transaction { tx in
            _ = try await lock(assembly, on: tx)
            guard let fresh = try await Resolution.find(resolution.id, on: tx) else { throw Problem.notFound }
            if fresh.closedAt == nil {
                fresh.closedAt = Date()
                try await fresh.save(on: tx)
            }
            return fresh
        }
    }

    /// The votes on resolutions of this cooperative's assemblies (callers pass ids they read
    /// through this repository).
    func votes(resolutionIDs: [UUID]) async throws -> [ResolutionVote] {
        try scope.require(.viewGovernance)
        guard !resolutionIDs.isEmpty else { return [] }
        return try await ResolutionVote.query(on: db).filter(\.$resolutionID ~~ resolutionIDs).all()
    }

    // MARK: Results and minutes

    /// The assembly with its attendance, quorum and every resolution's result; once locked,
    /// from the inputs frozen then.
    func record(_ assembly: Assembly) async throws -> AssemblyRecord {
        try scope.require(.viewGovernance)
        let statutes = try await governance.statutes()
        let members = try await governance.members()
        let byID = Dictionary(uniqueKeysWithValues: members.map { ($0.id!, $0) })
        let attendance = try await attendance(assembly)
        let resolutions = try await resolutions(assembly)
        let votes = try await votes(resolutionIDs: resolutions.map { $0.id! })
        let snapshot: AssemblySnapshot
        if let frozen = assembly.snapshot {
            snapshot = frozen
        } else {
            let eligible = membersWithVote(members, on: assembly.day)
            snapshot = AssemblySnapshot(rules: statutes.rules, collegesEnabled: statutes.collegesEnabled,
                                        colleges: statutes.collegesEnabled ? try await governance.colleges().map(\.weight) : [],
                                        eligible: Set(eligible.map { $0.id! }),
                                        memberColleges: eligible.reduce(into: [:]) { colleges, member in colleges[member.id!] = member.collegeID })
        }
        let rules = snapshot.rules
        // Only those with a vote that day count, whatever rows remain.
        let counted = attendance.filter { snapshot.eligible.contains($0.memberID) }
        let participating = AttendanceRules.participating(counted.map(\.attendanceMode))
        let quorumReached = rules.quorumReached(assembly.assemblyKind, assembly.assemblyConvocation, participating: participating, members: snapshot.membersWithVote)
        let results = resolutions.map { resolution in
            let cast = votes.filter { $0.resolutionID == resolution.id }.compactMap { vote -> (college: String?, choice: VoteChoice)? in
                guard let choice = VoteChoice(rawValue: vote.choice) else { return nil }
                return (snapshot.collegesEnabled ? snapshot.memberColleges[vote.memberID]?.uuidString : nil, choice)
            }
            return ResolutionResult(resolution: resolution, quorumReached: quorumReached, participating: participating, membersWithVote: snapshot.membersWithVote,
                                    tally: Tally(votes: cast, colleges: snapshot.colleges), majority: resolution.resolutionMajority, rules: rules,
                                    collegesEnabled: snapshot.collegesEnabled)
        }
        return AssemblyRecord(assembly: assembly, cooperativeName: scope.cooperative.name, members: byID, attendance: counted, membersWithVote: snapshot.membersWithVote,
                              rules: rules, quorum: rules.quorum(assembly.assemblyKind, assembly.assemblyConvocation), quorumReached: quorumReached,
                              results: results, maxProxies: statutes.maxProxies, snapshot: snapshot)
    }

    /// Closes every vote, writes the minutes as they read now and freezes the assembly.
    func lockMinutes(_ assembly: Assembly, render: @escaping @Sendable (AssemblyRecord) -> String) async throws -> Assembly {
        try scope.require(.manageGovernance)
        let scope = scope
        return try await db.transaction { tx in
            let fresh = try await lock(assembly, on: tx)
            let now = Date()
            for resolution in try await Resolution.query(on: tx).filter(\.$assemblyID == fresh.id!).filter(\.$closedAt == nil).all() {
                resolution.closedAt = now
                try await resolution.save(on: tx)
            }
            // Locked first, so that the minutes say when.
            fresh.lockedAt = now
            let record = try await AssemblyRepository(db: tx, scope: scope).record(fresh)
            fresh.minutesHTML = render(record)
            fresh.snapshotJSON = String(decoding: try JSONEncoder().encode(record.snapshot), as: UTF8.self)
            try await fresh.save(on: tx)
            return fresh
        }
    }
}

extension Request {
    func assemblyRepository(_ permission: Permission) async throws -> AssemblyRepository {
        AssemblyRepository(db: db, scope: try await cooperativeScope(permission))
    }
}
