import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

struct PooledResourceDTO: Content {
    var id: UUID
    var territoryID: UUID
    var offeredByCoopID: UUID?
    var name: String
    var kind: String
    var description: String?
    var maxDurationMinutes: Int
    var priceCents: Int
    var territoryWide: Bool
    /// The resource's iCalendar feed, with its secret token.
    var calendarURL: String
    /// The signed-in user's own feed of their bookings.
    var myCalendarURL: String?

    init(_ resource: PooledResource, myToken: String?, userID: UUID?) {
        id = resource.id!
        territoryID = resource.territoryID
        offeredByCoopID = resource.offeredByCoopID
        name = resource.name
        kind = resource.kind
        description = resource.presentation
        maxDurationMinutes = resource.maxDurationMinutes
        priceCents = resource.priceCents
        territoryWide = resource.territoryWide
        calendarURL = "/calendar/resources/\(resource.id!.uuidString.lowercased()).ics?token=\(resource.calendarToken)"
        myCalendarURL = myToken.flatMap { token in userID.map { "/calendar/users/\($0.uuidString.lowercased()).ics?token=\(token)" } }
    }
}

struct BookingDTO: Content {
    var id: UUID
    var resourceID: UUID
    var start: String
    var end: String
    var coopID: UUID?
    var purpose: String
    var bookedBy: String

    init(_ booking: ResourceBooking) {
        id = booking.id!
        resourceID = booking.resourceID
        start = booking.startsAt
        end = booking.endsAt
        coopID = booking.cooperativeID
        purpose = booking.purpose
        bookedBy = booking.bookedByName
    }
}

/// `/api/v1/territories/:territoryID/resources`, `/api/v1/resources/:resourceID…`, the pages
/// beside them, and the calendar feeds `/calendar/…/:file` (`<id>.ics?token=…`).
struct ResourcesController: RouteCollection {
    enum Part { case api, pages, calendar }
    let part: Part

    func boot(routes: any RoutesBuilder) throws {
        switch part {
        case .api:
            routes.get("territories", ":territoryID", "resources", use: list)
            routes.post("territories", ":territoryID", "resources", use: create)
            routes.get("resources", ":resourceID", use: show)
            routes.get("resources", ":resourceID", "bookings", use: bookings)
            routes.post("resources", ":resourceID", "bookings", use: book)
        case .pages:
            routes.get("territories", ":territoryID", "resources", use: listPage)
            routes.post("territories", ":territoryID", "resources", use: createFromForm)
            routes.get("resources", ":resourceID", use: page)
            routes.post("resources", ":resourceID", "bookings", use: bookFromForm)
        case .calendar:
            routes.get("calendar", "resources", ":file", use: resourceFeed)
            routes.get("calendar", "users", ":file", use: userFeed)
        }
    }

    struct ResourceBody: Decodable { var name: String?, kind: String?, description: String?, maxDurationMinutes: Int?, priceCents: Int?, territoryWide: Bool?, offeredByCoopID: String? }
    struct BookingBody: Decodable { var start: String?, end: String?, coopID: String?, purpose: String? }

    private func territory(_ request: Request) async throws -> Territory {
        try await NetworkRepository(db: request.db).territory(try request.uuidParameter("territoryID"), for: try request.requirePrincipal(), permission: .viewPartners)
    }

    func list(request: Request) async throws -> Response {
        let repository = try request.resourceRepository()
        let resources = try await repository.resources(in: try await territory(request))
        return try Idempotency.encode(status: .ok, body: Page(items: resources.map { PooledResourceDTO($0, myToken: nil, userID: nil) }, nextCursor: nil))
    }

    func create(request: Request) async throws -> Response {
        let repository = try request.resourceRepository()
        let territory = try await territory(request)
        try NetworkRepository.check(repository.principal, .managePartners, at: territory.location)
        let body = try request.decodeJSON(ResourceBody.self)
        let resource = try await repository.create(in: territory, ResourceDraft(name: body.name, kind: body.kind, description: body.description, maxDurationMinutes: body.maxDurationMinutes,
                                                                               priceCents: body.priceCents, territoryWide: body.territoryWide ?? true), offeredByCoop: body.offeredByCoopID)
        return try Idempotency.encode(status: .created, body: PooledResourceDTO(resource, myToken: nil, userID: nil))
    }

    func show(request: Request) async throws -> Response {
        let repository = try request.resourceRepository()
        let (resource, _) = try await repository.resource(request.parameters.get("resourceID", as: UUID.self))
        return try Idempotency.encode(status: .ok, body: PooledResourceDTO(resource, myToken: try await repository.userToken(), userID: repository.principal.userID))
    }

    func bookings(request: Request) async throws -> Response {
        let repository = try request.resourceRepository()
        let (resource, _) = try await repository.resource(request.parameters.get("resourceID", as: UUID.self))
        return try Idempotency.encode(status: .ok, body: Page(items: try await repository.bookings(resource, from: .today).map(BookingDTO.init), nextCursor: nil))
    }

    /// 409 when the period overlaps another booking.
    func book(request: Request) async throws -> Response {
        let repository = try request.resourceRepository()
        let (resource, territory) = try await repository.resource(request.parameters.get("resourceID", as: UUID.self))
        try NetworkRepository.check(repository.principal, .bookResources, at: territory.location)
        let body = try request.decodeJSON(BookingBody.self)
        let booking = try await repository.book(resource, in: territory, start: body.start, end: body.end, coopID: body.coopID, purpose: body.purpose, now: .now)
        return try Idempotency.encode(status: .created, body: BookingDTO(booking))
    }

    // MARK: Calendar feeds (the token in the address is the key)

    private func feedID(_ request: Request) throws -> UUID {
        guard let file = request.parameters.get("file"), file.hasSuffix(".ics"), let id = UUID(uuidString: String(file.dropLast(4))) else { throw Problem.notFound }
        return id
    }

    private func calendar(_ body: String, name: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "calendar", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(name).ics\"")
        // The feed's address holds its secret: no cache may keep a copy.
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }

    func resourceFeed(request: Request) async throws -> Response {
        let id = try feedID(request)
        guard let token = try request.query.get(String?.self, at: "token"), let resource = try await PooledResource.find(id, on: request.db),
              Self.same(token, resource.calendarToken) else { throw Problem.notFound }
        let bookings = try await ResourceBooking.query(on: request.db).filter(\.$resourceID == id).sort(\.$startsAt).all()
        let events = bookings.compactMap { CalendarStamps.event($0, resource: resource.name) }
        return calendar(ICalendar.document(name: resource.name, events: events, stamp: CalendarStamps.utc(Date())), name: "ressource")
    }

    func userFeed(request: Request) async throws -> Response {
        let id = try feedID(request)
        guard let token = try request.query.get(String?.self, at: "token"), let stored = try await CalendarToken.find(id, on: request.db),
              Self.same(token, stored.token) else { throw Problem.notFound }
        let bookings = try await ResourceBooking.query(on: request.db).filter(\.$bookedBy == id).sort(\.$startsAt).all()
        let names = Dictionary(uniqueKeysWithValues: try await PooledResource.query(on: request.db).filter(\.$id ~~ Set(bookings.map(\.resourceID))).all().map { ($0.id!, $0.name) })
        let events = bookings.compactMap { CalendarStamps.event($0, resource: names[$0.resourceID] ?? "") }
        return calendar(ICalendar.document(name: "Mes réservations Maillage", events: events, stamp: CalendarStamps.utc(Date())), name: "mes-reservations")
    }

    /// Compares secrets in a time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    // MARK: Pages

    struct ResourceForm: Content { var name: String?, kind: String?, description: String?, maxHours: String?, price: String?, offeredByCoopID: String?, ownCoopOnly: String? }
    struct BookingForm: Content { var start: String?, end: String?, coopID: String?, purpose: String? }

    func listPage(request: Request) async throws -> Response {
        let territory = try await territory(request)
        return try await ResourcePages.list(try request.resourceRepository(), territory: territory, form: ResourceForm(), errors: [:], context: request.pageContext())
    }

    func createFromForm(request: Request) async throws -> Response {
        let repository = try request.resourceRepository()
        let territory = try await territory(request)
        try NetworkRepository.check(repository.principal, .managePartners, at: territory.location)
        let form = try request.content.decode(ResourceForm.self)
        return try await FormSubmission.handle {
            var hours: Double?
            if let text = TextRules.clean(form.maxHours) {
                guard let value = Double(text.replacingOccurrences(of: ",", with: ".")) else { throw Problem.invalid(FieldErrors(["maxDurationMinutes": "Écrivez un nombre d'heures, par exemple 4."])) }
                hours = value
            }
            let price = TextRules.clean(form.price) == nil ? 0 : try TradePagesController.euros(form.price, field: "priceCents")
            let resource = try await repository.create(in: territory, ResourceDraft(name: form.name, kind: form.kind, description: form.description,
                                                                                   maxDurationMinutes: hours.map { Int(($0 * 60).rounded()) }, priceCents: price,
                                                                                   territoryWide: form.ownCoopOnly != "on"), offeredByCoop: form.offeredByCoopID)
            request.flash(request.language.t("Ressource ajoutée.", "Resource added."))
            return request.redirect(to: SiteURL.resource(resource.id!).path)
        } invalid: { errors in
            try await ResourcePages.list(repository, territory: territory, form: form, errors: errors, context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func page(request: Request) async throws -> Response {
        let repository = try request.resourceRepository()
        let (resource, territory) = try await repository.resource(request.parameters.get("resourceID", as: UUID.self))
        return try await ResourcePages.resource(repository, resource, territory: territory, view: request.query[String.self, at: "view"], from: request.query[String.self, at: "from"],
                                                form: BookingForm(), errors: [:], context: request.pageContext())
    }

    func bookFromForm(request: Request) async throws -> Response {
        let repository = try request.resourceRepository()
        let (resource, territory) = try await repository.resource(request.parameters.get("resourceID", as: UUID.self))
        try NetworkRepository.check(repository.principal, .bookResources, at: territory.location)
        let form = try request.content.decode(BookingForm.self)
        return try await FormSubmission.handle {
            let booking: ResourceBooking
            do {
                booking = try await repository.book(resource, in: territory, start: form.start, end: form.end, coopID: form.coopID, purpose: form.purpose, now: .now)
            } catch let problem as Problem where problem.status == .conflict {
                // The clash is shown on the form, so that another time can be chosen.
                return try await ResourcePages.resource(repository, resource, territory: territory, view: nil, from: form.start.flatMap { String($0.prefix(10)) },
                                                        form: form, errors: ["start": problem.detail], context: request.pageContext(), status: .conflict)
            }
            request.flash(request.language.t("Réservé : ", "Booked: ") + (booking.start?.french ?? booking.startsAt) + " – " + (booking.end?.french ?? booking.endsAt) + ".")
            return request.redirect(to: SiteURL.resource(resource.id!).path + "?from=" + String(booking.startsAt.prefix(10)))
        } invalid: { errors in
            try await ResourcePages.resource(repository, resource, territory: territory, view: nil, from: nil, form: form, errors: errors,
                                             context: request.pageContext(), status: .unprocessableEntity)
        }
    }
}
