import Fluent
import Foundation
import MaillageCore
import Vapor

// MARK: JSON shapes (binding names: see docs/openapi.yaml)

struct TerritoryDTO: Content {
    var id: UUID
    var networkID: UUID
    var name: String
    var kind: String
    var qpvCode: String?
    var communeCodes: [String]
    var createdAt: Date?

    init(_ territory: Territory) {
        id = territory.id!
        networkID = territory.$network.id
        name = territory.name
        kind = territory.kind
        qpvCode = territory.qpvCode
        communeCodes = territory.communeCodes
        createdAt = territory.createdAt
    }
}

struct CooperativeDTO: Content {
    var id: UUID
    var networkID: UUID
    var territoryID: UUID
    var name: String
    var legalForm: String
    var siret: String?
    var address: String?
    var stage: String
    /// `la`, `le`, `l'`, `les`, or absent: « de la Coopérative… ».
    var nameArticle: String?
    var createdAt: Date?
    var updatedAt: Date?

    init(_ coop: Cooperative) {
        id = coop.id!
        networkID = coop.networkID
        territoryID = coop.$territory.id
        name = coop.name
        legalForm = coop.legalForm
        siret = coop.siret
        address = coop.address
        stage = coop.stage
        nameArticle = coop.nameArticle
        createdAt = coop.createdAt
        updatedAt = coop.updatedAt
    }
}

struct MeDTO: Content {
    struct Grant: Content {
        struct ScopeDTO: Content {
            var kind: String
            var id: UUID
        }
        var role: String
        var scope: ScopeDTO
    }
    var id: UUID
    var email: String
    var name: String
    var locale: String
    var roles: [Grant]
}

struct TerritoryBody: Content {
    var name: String?
    var kind: String?
    var qpvCode: String?
    var communeCodes: [String]?
    var networkID: String?
}

struct CooperativeBody: Content {
    /// A template of the network to start from (its setup and road to the SCIC).
    var templateID: String?
    var name: String?
    var territoryID: String?
    var legalForm: String?
    var siret: String?
    var address: String?
    var stage: String?
    var nameArticle: String?
}

/// A PATCH body: an absent key keeps the stored value, `null` clears an optional one.
struct CooperativePatch: Decodable {
    var name: Patch<String>
    var territoryID: Patch<String>
    var legalForm: Patch<String>
    var siret: Patch<String>
    var address: Patch<String>
    var stage: Patch<String>
    var nameArticle: Patch<String>

    enum CodingKeys: String, CodingKey { case name, territoryID, legalForm, siret, address, stage, nameArticle }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func read(_ key: CodingKeys) throws -> Patch<String> {
            guard container.contains(key) else { return .absent }
            return try container.decodeNil(forKey: key) ? .null : .value(container.decode(String.self, forKey: key))
        }
        name = try read(.name)
        territoryID = try read(.territoryID)
        legalForm = try read(.legalForm)
        siret = try read(.siret)
        address = try read(.address)
        stage = try read(.stage)
        nameArticle = try read(.nameArticle)
    }

    func merged(into stored: CooperativeDraft) -> CooperativeDraft {
        var draft = stored
        draft.name = name.apply(to: draft.name)
        draft.territoryID = territoryID.apply(to: draft.territoryID)
        draft.legalForm = legalForm.apply(to: draft.legalForm)
        draft.siret = siret.apply(to: draft.siret)
        draft.address = address.apply(to: draft.address)
        draft.stage = stage.apply(to: draft.stage)
        draft.nameArticle = nameArticle.apply(to: draft.nameArticle)
        return draft
    }
}

enum Patch<Value: Sendable>: Sendable {
    case absent
    case null
    case value(Value)

    func apply(to stored: Value?) -> Value? {
        switch self {
        case .absent: stored
        case .null: nil
        case .value(let value): value
        }
    }
}

extension Request {
    /// Decodes a JSON body; broken JSON is a 400, wrong types a 422 (see `Problem.fromDecoding`).
    func decodeJSON<T: Decodable>(_ type: T.Type) throws -> T {
        guard let buffer = body.data, buffer.readableBytes > 0 else {
            throw Problem.malformedBody("Le corps de la requête est vide : envoyez un objet JSON.")
        }
        if let contentType = headers.contentType, contentType != .json, contentType.subType != "json" {
            throw Problem.fromStatus(.unsupportedMediaType)
        }
        do {
            return try JSONDecoder.api.decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw Problem.fromDecoding(error)
        }
    }
}

// MARK: Routes

/// `/api/v1/me`, `/api/v1/territories`, `/api/v1/coops`.
struct NetworkAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("me", use: me)
        let territories = routes.grouped("territories")
        territories.get(use: listTerritories)
        territories.post(use: createTerritory)
        territories.get(":territoryID", use: showTerritory)
        let coops = routes.grouped("coops")
        coops.get(use: listCooperatives)
        coops.post(use: createCooperative)
        coops.get(":coopID", use: showCooperative)
        coops.patch(":coopID", use: updateCooperative)
    }

    func me(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let roles = principal.grants.compactMap { grant -> MeDTO.Grant? in
            guard let id = UUID(uuidString: grant.scope.id) else { return nil }
            return MeDTO.Grant(role: grant.role.rawValue, scope: .init(kind: grant.scope.kind.rawValue, id: id))
        }
        let me = MeDTO(id: principal.userID, email: principal.email, name: principal.name, locale: principal.language.rawValue, roles: roles)
        return try Idempotency.encode(status: .ok, body: me)
    }

    func listTerritories(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let page = try await NetworkRepository(db: request.db).visibleTerritories(for: principal, page: PageRequest(from: request))
        return try Idempotency.encode(status: .ok, body: Page(items: page.rows.map(TerritoryDTO.init), nextCursor: page.nextCursor))
    }

    func showTerritory(request: Request) async throws -> Response {
        let territory = try await NetworkRepository(db: request.db)
            .territory(try request.uuidParameter("territoryID"), for: try request.requirePrincipal())
        return try Idempotency.encode(status: .ok, body: TerritoryDTO(territory))
    }

    func createTerritory(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        guard principal.has(.networkAdmin) else { throw Problem.forbidden }
        let body = try request.decodeJSON(TerritoryBody.self)
        let draft = TerritoryDraft(name: body.name, kind: body.kind, qpvCode: body.qpvCode, communeCodes: body.communeCodes)
        let valid = try draft.validate()
        let networkID = try NetworkRepository(db: request.db).adminNetwork(for: principal, named: body.networkID)
        return try await Idempotency.respond(to: request, status: .created) { db in
            TerritoryDTO(try await NetworkRepository(db: db).createTerritory(valid, networkID: networkID, request: request))
        }
    }

    func listCooperatives(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let page = try await NetworkRepository(db: request.db).visibleCooperatives(for: principal, page: PageRequest(from: request))
        return try Idempotency.encode(status: .ok, body: Page(items: page.rows.map(CooperativeDTO.init), nextCursor: page.nextCursor))
    }

    func showCooperative(request: Request) async throws -> Response {
        let coop = try await NetworkRepository(db: request.db)
            .cooperative(try request.uuidParameter("coopID"), for: try request.requirePrincipal())
        return try Idempotency.encode(status: .ok, body: CooperativeDTO(coop))
    }

    func createCooperative(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        guard principal.has(.networkAdmin) else { throw Problem.forbidden }
        let body = try request.decodeJSON(CooperativeBody.self)
        let draft = CooperativeDraft(
            name: body.name, territoryID: body.territoryID, legalForm: body.legalForm,
            siret: body.siret, address: body.address, stage: body.stage, nameArticle: body.nameArticle
        )
        return try await Idempotency.respond(to: request, status: .created) { db in
            CooperativeDTO(try await NetworkRepository(db: db).createCooperative(draft, templateID: body.templateID, request: request))
        }
    }

    func updateCooperative(request: Request) async throws -> Response {
        let repository = NetworkRepository(db: request.db)
        let coop = try await repository.cooperative(
            try request.uuidParameter("coopID"), for: try request.requirePrincipal(), permission: .editCooperative
        )
        let patch = try request.decodeJSON(CooperativePatch.self)
        let updated = try await repository.updateCooperative(coop, with: patch.merged(into: coop.draft), request: request)
        return try Idempotency.encode(status: .ok, body: CooperativeDTO(updated))
    }
}
