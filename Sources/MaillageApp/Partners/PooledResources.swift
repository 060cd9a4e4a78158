import Fluent
import Foundation
import MaillageCore
import SQLKit
import Vapor

/// A room, a kitchen, a vehicle, equipment or a skill that a cooperative offers its territory.
final class PooledResource: Model, @unchecked Sendable {
    static let schema = "pooled_resources"

    @ID(key: .id) var id: UUID?
    @Field(key: "territory_id") var territoryID: UUID
    /// The cooperative that offers it, if one does (otherwise a partner of the territory).
    @OptionalField(key: "offered_by_coop_id") var offeredByCoopID: UUID?
    @OptionalField(key: "offered_by_partner_id") var offeredByPartnerID: UUID?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String
    @OptionalField(key: "description") var presentation: String?
    @Field(key: "max_duration_minutes") var maxDurationMinutes: Int
    @Field(key: "price_cents") var priceCents: Int
    /// Every cooperative of the territory books it, or only the one that offers it.
    @Field(key: "territory_wide") var territoryWide: Bool
    /// The secret in its calendar feed's address.
    @Field(key: "calendar_token") var calendarToken: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var resourceKind: ResourceKind { ResourceKind(rawValue: kind) ?? .equipment }
}

final class ResourceBooking: Model, @unchecked Sendable {
    static let schema = "resource_bookings"

    @ID(key: .id) var id: UUID?
    @Field(key: "resource_id") var resourceID: UUID
    /// Paris times as typed (`2026-12-15T09:00`), sortable as text.
    @Field(key: "starts_at") var startsAt: String
    @Field(key: "ends_at") var endsAt: String
    @OptionalField(key: "cooperative_id") var cooperativeID: UUID?
    @Field(key: "purpose") var purpose: String
    @Field(key: "booked_by") var bookedBy: UUID
    @Field(key: "booked_by_name") var bookedByName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var start: LocalDateTime? { LocalDateTime(startsAt) }
    var end: LocalDateTime? { LocalDateTime(endsAt) }
}

/// A user's secret for their own calendar feed.
final class CalendarToken: Model, @unchecked Sendable {
    static let schema = "calendar_tokens"

    @ID(custom: "user_id", generatedBy: .user) var id: UUID?
    @Field(key: "token") var token: String

    init() {}
}

struct CreatePooledResources: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PooledResource.schema)
            .id()
            .field("territory_id", .uuid, .required, .references(Territory.schema, "id"))
            .field("offered_by_coop_id", .uuid, .references(Cooperative.schema, "id"))
            .field("offered_by_partner_id", .uuid, .references(Partner.schema, "id"))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("description", .string)
            .field("max_duration_minutes", .int, .required)
            .field("price_cents", .int, .required)
            .field("territory_wide", .bool, .required)
            .field("calendar_token", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "territory_id", "name")
            .create()
        try await database.schema(ResourceBooking.schema)
            .id()
            .field("resource_id", .uuid, .required, .references(PooledResource.schema, "id"))
            .field("starts_at", .string, .required)
            .field("ends_at", .string, .required)
            .field("cooperative_id", .uuid, .references(Cooperative.schema, "id"))
            .field("purpose", .string, .required)
            .field("booked_by", .uuid, .required, .references(User.schema, "id"))
            .field("booked_by_name", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(CalendarToken.schema)
            .field("user_id", .uuid, .identifier(auto: false), .references(User.schema, "id"))
            .field("token", .string, .required)
            .unique(on: "token")
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [CalendarToken.schema, ResourceBooking.schema, PooledResource.schema] { try await database.schema(schema).delete() }
    }
}

/// The pooled resources of a territory and their bookings.
struct ResourceRepository: Sendable {
    let db: any Database
    let principal: Principal

    static func newToken() -> String {
        (0..<2).map { _ in UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() }.joined()
    }

    func resources(in territory: Territory) async throws -> [PooledResource] {
        try NetworkRepository.check(principal, .viewPartners, at: territory.location)
        return try await PooledResource.query(on: db).filter(\.$territoryID == territory.id!).sort(\.$name).all()
    }

    /// The resource and its territory, for someone who may see the territory's directory.
    func resource(_ id: UUID?) async throws -> (PooledResource, Territory) {
        guard let id, let resource = try await PooledResource.find(id, on: db), let territory = try await Territory.find(resource.territoryID, on: db) else { throw Problem.notFound }
        try NetworkRepository.check(principal, .viewPartners, at: territory.location)
        return (resource, territory)
    }

    func create(in territory: Territory, _ draft: ResourceDraft, offeredByCoop: String?) async throws -> PooledResource {
        try NetworkRepository.check(principal, .managePartners, at: territory.location)
        var errors = FieldErrors()
        var valid: (name: String, kind: ResourceKind, description: String?, maxDurationMinutes: Int, priceCents: Int, territoryWide: Bool)?
        do { valid = try draft.validate() } catch { errors.merge(error) }
        var coop: Cooperative?
        if let reference = TextRules.clean(offeredByCoop) {
            coop = try await Cooperative.query(on: db).filter(\.$territory.$id == territory.id!).all().first { $0.id?.uuidString.lowercased() == reference.lowercased() }
            if coop == nil { errors.add("offeredByCoopID", "Cette coopérative n'est pas du territoire.") }
        }
        if valid?.territoryWide == false && coop == nil { errors.add("territoryWide", "Une ressource réservée à sa coopérative dit laquelle l'offre.") }
        if let name = TextRules.clean(draft.name)?.lowercased(), try await resources(in: territory).contains(where: { $0.name.lowercased() == name }) {
            errors.add("name", "Une ressource du territoire porte déjà ce nom.")
        }
        try errors.throwIfAny()
        let resource = PooledResource()
        resource.territoryID = territory.id!
        resource.offeredByCoopID = coop?.id
        resource.name = valid!.name
        resource.kind = valid!.kind.rawValue
        resource.presentation = valid!.description
        resource.maxDurationMinutes = valid!.maxDurationMinutes
        resource.priceCents = valid!.priceCents
        resource.territoryWide = valid!.territoryWide
        resource.calendarToken = Self.newToken()
        try await resource.create(on: db)
        return resource
    }

    /// Bookings from `from` (a day) for `days` days.
    func bookings(_ resource: PooledResource, from: CalendarDay? = nil, days: Int? = nil) async throws -> [ResourceBooking] {
        var query = ResourceBooking.query(on: db).filter(\.$resourceID == resource.id!)
        if let from {
            query = query.filter(\.$endsAt > LocalDateTime(day: from, hour: 0, minute: 0).description)
            if let days { query = query.filter(\.$startsAt < LocalDateTime(day: from.adding(days: days), hour: 0, minute: 0).description) }
        }
        return try await query.sort(\.$startsAt).all()
    }

    /// Books the resource. The resource's row is taken first, so that two bookings arriving
    /// at once are checked one after the other: a conflicting one is refused (409).
    func book(_ resource: PooledResource, in territory: Territory, start: String?, end: String?, coopID: String?, purpose: String?, now: LocalDateTime) async throws -> ResourceBooking {
        try NetworkRepository.check(principal, .bookResources, at: territory.location)
        let valid = try BookingRules.validate(start: start, end: end, purpose: purpose, maxDurationMinutes: resource.maxDurationMinutes, now: now)
        var coop: Cooperative?
        let cooperatives = try await Cooperative.query(on: db).filter(\.$territory.$id == territory.id!).all()
            .filter { principal.decide(.bookResources, at: $0.location) == .allowed }
        if let reference = TextRules.clean(coopID) {
            coop = cooperatives.first { $0.id?.uuidString.lowercased() == reference.lowercased() }
            if coop == nil { throw Problem.invalid(FieldErrors(["coopID": "Vous ne réservez pas pour cette coopérative."])) }
        } else if cooperatives.count == 1 {
            coop = cooperatives[0]
        }
        if !resource.territoryWide && coop?.id != resource.offeredByCoopID {
            throw Problem.invalid(FieldErrors(["coopID": "Cette ressource est réservée à la coopérative qui l'offre."]))
        }
        let (resourceID, userID, name, coopUUID) = (resource.id!, principal.userID, principal.name, coop?.id)
        return try await db.transaction { tx in
            if let sql = tx as? any SQLDatabase {
                try await sql.raw("UPDATE pooled_resources SET name = name WHERE id = \(bind: resourceID)").run()
            }
            if let clash = try await ResourceBooking.query(on: tx).filter(\.$resourceID == resourceID)
                .filter(\.$startsAt < valid.end.description).filter(\.$endsAt > valid.start.description).first() {
                throw Problem(status: .conflict, title: "Déjà réservé",
                              detail: "La ressource est déjà réservée de \(clash.start?.french ?? clash.startsAt) à \(clash.end?.french ?? clash.endsAt) (\(clash.purpose)).")
            }
            let booking = ResourceBooking()
            booking.resourceID = resourceID
            booking.startsAt = valid.start.description
            booking.endsAt = valid.end.description
            booking.cooperativeID = coopUUID
            booking.purpose = valid.purpose
            booking.bookedBy = userID
            booking.bookedByName = name
            try await booking.create(on: tx)
            return booking
        }
    }

    /// The signed-in user's calendar secret, made the first time it is asked for.
    func userToken() async throws -> String {
        if let existing = try await CalendarToken.find(principal.userID, on: db) { return existing.token }
        let token = CalendarToken()
        token.id = principal.userID
        token.token = Self.newToken()
        do { try await token.create(on: db) } catch {
            // Made at the same moment by another request: that one counts.
            if let existing = try await CalendarToken.find(principal.userID, on: db) { return existing.token }
            throw error
        }
        return token.token
    }
}

/// Paris times to the UTC stamps of iCalendar.
enum CalendarStamps {
    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.year!)" + two(parts.month) + two(parts.day) + "T" + two(parts.hour) + two(parts.minute) + two(parts.second) + "Z"
    }

    static func event(_ booking: ResourceBooking, resource: String) -> ICalendar.Event? {
        guard let start = booking.start, let end = booking.end else { return nil }
        return ICalendar.Event(uid: "\(booking.id!.uuidString.lowercased())@maillage", start: utc(start.date), end: utc(end.date),
                               summary: resource + " — " + booking.purpose, description: "Réservé par " + booking.bookedByName, location: resource)
    }
}

extension Request {
    func resourceRepository() throws -> ResourceRepository {
        ResourceRepository(db: db, principal: try requirePrincipal())
    }
}
