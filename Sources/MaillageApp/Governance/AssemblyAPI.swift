import Fluent
import Foundation
import MaillageCore
import Vapor

// MARK: JSON shapes (binding names: see docs/openapi.yaml)

struct AttendanceDTO: Content {
    /// The attendance line's own id (every creation answers one).
    var id: UUID
    var memberID: UUID
    var member: String
    var mode: String
    var proxyHolderID: UUID?
    var proxyHolder: String?

    init(_ row: AssemblyAttendance, members: [UUID: Member]) {
        id = row.id!
        memberID = row.memberID
        member = members[row.memberID]?.displayName ?? ""
        mode = row.mode
        proxyHolderID = row.proxyHolderID
        proxyHolder = row.proxyHolderID.flatMap { members[$0]?.displayName }
    }
}

struct ResolutionResultDTO: Content {
    struct College: Content {
        var collegeID: String
        var name: String
        var weightPercent: Int
        /// The weight once the colleges that cast no vote are left out.
        var effectiveWeightPercent: Double
        var `for`: Int
        var against: Int
        var abstain: Int
        var votesCast: Int
        var forPercent: Double?
    }
    /// The resolution's id, as `resolutionID` (every creation answers an `id`).
    var id: UUID
    var resolutionID: UUID
    var number: Int
    var title: String
    var majority: String
    var closed: Bool
    var quorumReached: Bool
    var participating: Int
    var membersWithVote: Int
    var votesCast: Int
    var `for`: Int
    var against: Int
    var abstain: Int
    /// Σ college weight × share of "for" among its votes cast; absent without colleges.
    var weightedForPercent: Double?
    var byCollege: [College]
    var adopted: Bool
    /// What the head count alone would decide, shown beside the weighted result.
    var adoptedByHeadCount: Bool

    init(_ result: ResolutionResult) {
        let tally = result.tally
        id = result.resolution.id!
        resolutionID = result.resolution.id!
        number = result.resolution.number
        title = result.resolution.title
        majority = result.majority.description
        closed = result.resolution.isClosed
        quorumReached = result.quorumReached
        participating = result.participating
        membersWithVote = result.membersWithVote
        votesCast = tally.cast
        self.for = tally.forVotes
        against = tally.against
        abstain = tally.abstain
        weightedForPercent = tally.weightedForShare.map(Self.percent)
        byCollege = tally.byCollege.map { part in
            College(collegeID: part.college.id, name: part.college.name, weightPercent: part.college.weightPercent,
                    effectiveWeightPercent: Self.percent(part.effectiveWeight), for: part.forVotes, against: part.against, abstain: part.abstain,
                    votesCast: part.cast, forPercent: part.forShare.map(Self.percent))
        }
        adopted = result.adopted
        adoptedByHeadCount = result.adoptedByHeadCount
    }

    /// A share as a percent with two decimals.
    static func percent(_ share: Double) -> Double { (share * 10_000).rounded() / 100 }
}

struct AssemblyDTO: Content {
    var id: UUID
    var kind: String
    var convocation: String
    var date: String
    var time: String?
    var place: String?
    var remoteLink: String?
    var agenda: [String]
    var convenedOn: String?
    var chair: String?
    var secretary: String?
    var tellers: [String]
    var locked: Bool
    var minutesURL: String

    init(_ assembly: Assembly) {
        id = assembly.id!
        kind = assembly.kind
        convocation = assembly.convocation
        date = assembly.day.description
        time = assembly.time
        place = assembly.place
        remoteLink = assembly.remoteLink
        agenda = assembly.agendaItems
        convenedOn = assembly.convenedOn.map { CalendarDay(date: $0).description }
        chair = assembly.chair
        secretary = assembly.secretary
        tellers = assembly.tellerNames
        locked = assembly.isLocked
        minutesURL = "/api/v1/coops/\(assembly.cooperativeID)/assemblies/\(assembly.id!)/minutes"
    }
}

/// An assembly with its attendance, quorum and results.
struct AssemblyDetailDTO: Content {
    var assembly: AssemblyDTO
    var membersWithVote: Int
    var participating: Int
    var quorum: String?
    var quorumReached: Bool
    var attendance: [AttendanceDTO]
    var resolutions: [ResolutionResultDTO]

    init(_ record: AssemblyRecord) {
        assembly = AssemblyDTO(record.assembly)
        membersWithVote = record.membersWithVote
        participating = record.attendance.count
        quorum = record.quorum?.description
        quorumReached = record.quorumReached
        attendance = record.attendance.map { AttendanceDTO($0, members: record.members) }
            .sorted { (record.members[$0.memberID]?.number ?? 0) < (record.members[$1.memberID]?.number ?? 0) }
        resolutions = record.results.map(ResolutionResultDTO.init)
    }
}

struct VoteDTO: Content {
    /// The vote's own id (a member's vote on a resolution is replaced, never doubled).
    var id: UUID
    var resolutionID: UUID
    var memberID: UUID
    var choice: String
    var recordedBy: String

    init(_ vote: ResolutionVote) {
        id = vote.id!
        resolutionID = vote.resolutionID
        memberID = vote.memberID
        choice = vote.choice
        recordedBy = vote.recordedBy
    }
}

// MARK: Routes

/// `/api/v1/coops/:coopID/assemblies…`
struct AssemblyAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let assemblies = routes.grouped("coops", ":coopID", "assemblies")
        assemblies.get(use: list)
        assemblies.post(use: create)
        let one = assemblies.grouped(":assemblyID")
        one.get(use: detail)
        one.put("bureau", use: bureau)
        one.post("convocation", use: convene)
        one.post("attendance", use: attend)
        one.post("resolutions", use: addResolution)
        one.post("resolutions", ":resolutionID", "votes", use: vote)
        one.post("resolutions", ":resolutionID", "close", use: close)
        one.get("resolutions", ":resolutionID", "result", use: result)
        one.get("minutes", use: minutes)
        one.post("minutes", "lock", use: lockMinutes)
    }

    struct AssemblyBody: Decodable { var kind: String?, convocation: String?, date: String?, place: String?, remoteLink: String?, agenda: [String]? }
    struct BureauBody: Decodable { var chair: String?, secretary: String?, tellers: [String]? }
    struct AttendanceBody: Decodable { var memberID: String?, mode: String?, proxyHolderID: String? }
    struct ResolutionBody: Decodable { var title: String?, text: String?, majority: String? }
    struct VoteBody: Decodable { var memberID: String?, choice: String? }

    func list(request: Request) async throws -> Response {
        let repository = try await request.assemblyRepository(.viewGovernance)
        return try Idempotency.encode(status: .ok, body: Page(items: try await repository.assemblies().map(AssemblyDTO.init), nextCursor: nil))
    }

    func create(request: Request) async throws -> Response {
        let repository = try await request.assemblyRepository(.manageGovernance)
        let body = try request.decodeJSON(AssemblyBody.self)
        let assembly = try await repository.create(AssemblyDraft(kind: body.kind, convocation: body.convocation, date: body.date, place: body.place,
                                                                 remoteLink: body.remoteLink, agenda: body.agenda?.joined(separator: "\n")))
        return try Idempotency.encode(status: .created, body: AssemblyDTO(assembly))
    }

    func detail(request: Request) async throws -> Response {
        let repository = try await request.assemblyRepository(.viewGovernance)
        let assembly = try await repository.assembly(request.parameters.get("assemblyID", as: UUID.self))
        return try Idempotency.encode(status: .ok, body: AssemblyDetailDTO(try await repository.record(assembly)))
    }

    func bureau(request: Request) async throws -> Response {
        let repository = try await request.assemblyRepository(.manageGovernance)
        let assembly = try await repository.assembly(request.parameters.get("assemblyID", as: UUID.self))
        let body = try request.decodeJSON(BureauBody.self)
        return try Idempotency.encode(status: .ok, body: AssemblyDTO(try await repository.setBureau(assembly, chair: body.chair, secretary: body.secretary, tellers: body.tellers ?? [])))
    }

    struct ConvocationDTO: Content { var convenedOn: String, emailsQueued: Int, letterURL: String }

    func convene(request: Request) async throws -> Response {
        let repository = try await request.assemblyRepository(.manageGovernance)
        let assembly = try await repository.assembly(request.parameters.get("assemblyID", as: UUID.self))
        let queued = try await repository.convene(assembly, today: .today, letter: ConvocationLetter.email(assembly, cooperative: repository.scope.cooperative.ofName))
        return try Idempotency.encode(status: .ok, body: ConvocationDTO(convenedOn: CalendarDay.today.description, emailsQueued: queued,
                                                                        letterURL: SiteURL.assemblyConvocation(repository.scope.id, assembly.id!).path))
    }

    func attend(request: Request) async throws -> Response {
        let repository = try await request.assemblyRepository(.manageGovernance)
        let assembly = try await repository.assembly(request.parameters.get("assemblyID", as: UUID.self))
        let body = try request.decodeJSON(AttendanceBody.self)
        let row = try await repository.recordAttendance(assembly, memberID: body.memberID, mode: body.mode, proxyHolderID: body.proxyHolderID)
        let members = Dictionary(uniqueKeysWithValues: try await repository.governance.members().map { ($0.id!, $0) })
        return try Idempotency.encode(status: .created, body: AttendanceDTO(row, members: members))
    }

    func addResolution(request: Request) async throws -> Response {
        let repository = try await request.assemblyRepository(.manageGovernance)
        let assembly = try await repository.assembly(request.parameters.get("assemblyID", as: UUID.self))
        let body = try request.decodeJSON(ResolutionBody.self)
        let resolution = try await repository.addResolution(assembly, ResolutionDraft(title: body.title, text: body.text, majority: body.majority))
        guard let result = try await repository.record(assembly).results.first(where: { $0.resolution.id == resolution.id }) else { throw Problem.internalError }
        return try Idempotency.encode(status: .created, body: ResolutionResultDTO(result))
    }

    /// Members vote for themselves (and whom they represent); the secretary for anyone.
    func vote(request: Request) async throws -> Response {
        let repository = try await request.assemblyRepository(.viewGovernance)
        let assembly = try await repository.assembly(request.parameters.get("assemblyID", as: UUID.self))
        let resolution = try await repository.resolution(request.parameters.get("resolutionID", as: UUID.self), of: assembly)
        let body = try request.decodeJSON(VoteBody.self)
        return try Idempotency.encode(status: .created, body: VoteDTO(try await repository.vote(assembly, resolution, memberID: body.memberID, choice: body.choice)))
    }

    func close(request: Request) async throws -> Response {
        let repository = try await request.assemblyRepository(.manageGovernance)
        let assembly = try await repository.assembly(request.parameters.get("assemblyID", as: UUID.self))
        let resolution = try await repository.closeResolution(assembly, try await repository.resolution(request.parameters.get("resolutionID", as: UUID.self), of: assembly))
        return try await result(repository, assembly, resolution.id!)
    }

    func result(request: Request) async throws -> Response {
        let repository = try await request.assemblyRepository(.viewGovernance)
        let assembly = try await repository.assembly(request.parameters.get("assemblyID", as: UUID.self))
        let resolution = try await repository.resolution(request.parameters.get("resolutionID", as: UUID.self), of: assembly)
        return try await result(repository, assembly, resolution.id!)
    }

    private func result(_ repository: AssemblyRepository, _ assembly: Assembly, _ resolutionID: UUID) async throws -> Response {
        guard let result = try await repository.record(assembly).results.first(where: { $0.resolution.id == resolutionID }) else { throw Problem.notFound }
        return try Idempotency.encode(status: .ok, body: ResolutionResultDTO(result))
    }

    /// The minutes as a printable HTML document: a draft until they are locked.
    func minutes(request: Request) async throws -> Response {
        let repository = try await request.assemblyRepository(.viewGovernance)
        let assembly = try await repository.assembly(request.parameters.get("assemblyID", as: UUID.self))
        return MinutesView.document(try await MinutesView.fragment(assembly, repository: repository), title: MinutesView.title(assembly))
    }

    func lockMinutes(request: Request) async throws -> Response {
        let repository = try await request.assemblyRepository(.manageGovernance)
        let assembly = try await repository.assembly(request.parameters.get("assemblyID", as: UUID.self))
        return try Idempotency.encode(status: .ok, body: AssemblyDTO(try await repository.lockMinutes(assembly, render: MinutesView.render)))
    }
}
