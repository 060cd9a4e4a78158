import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

/// The cooperative's audit log, for its coordination and the network admin: who read or
/// changed what (a person's file read, exported or erased, referrals, roles), newest first.
struct CooperativeAuditRepository {
    let db: any Database
    let scope: CooperativeScope

    struct Event: Content {
        var id: UUID
        var occurredAt: Date
        var actor: String?
        var action: String
        var actionLabel: String
        var entityType: String
        var entityID: UUID?
        var details: String?
        var requestID: String?
    }

    /// At most `limit` events of the cooperative before `before`, about `entityID` if given.
    func events(entityID: UUID?, before: Date?, limit: Int) async throws -> [Event] {
        try scope.require(.viewCooperativeAudit)
        let query = AuditEvent.query(on: db).filter(\.$cooperativeID == scope.id)
        if let entityID { query.filter(\.$entityID == entityID) }
        if let before { query.filter(\.$occurredAt < before) }
        return try await query.sort(\.$occurredAt, .descending).sort(\.$id).limit(limit).all().map(Event.init)
    }
}

extension CooperativeAuditRepository.Event {
    init(_ event: AuditEvent) {
        self.init(id: event.id!, occurredAt: event.occurredAt, actor: event.actorLabel, action: event.action,
                  actionLabel: AuditAction(rawValue: event.action)?.frenchLabel ?? event.action, entityType: event.entityType,
                  entityID: event.entityID, details: event.details, requestID: event.requestID)
    }
}

/// The table of audit events, for the network's log and a cooperative's: when (Paris time),
/// what happened in a sentence, on which record (a link to that record's events when `link`
/// gives one), and the details recorded.
enum AuditTable {
    static func render(_ events: [CooperativeAuditRepository.Event], names: AuditNames, label: String, context: PageContext,
                       link: ((UUID) -> String)? = nil) -> BodyNode {
        Kit.table(label: label,
            .thead(.tr(.th(.text(context.t("Quand", "When"))), .th(.text(context.t("Ce qui s'est passé", "What happened"))),
                       .th(.text(context.t("Objet", "Record"))), .th(.text(context.t("Détails", "Details"))))),
            .tbody(.forEach(events) { event in row(event, names: names, context: context, link: link) }))
    }

    private static func row(_ event: CooperativeAuditRepository.Event, names: AuditNames, context: PageContext, link: ((UUID) -> String)?) -> Node<HTML.TableContext> {
        let actor = names.actor(event.actor, context.language)
        let sentence = AuditAction(rawValue: event.action)?.sentence(actor: actor, subject: names.subject(of: event), details: event.details, language: context.language)
            ?? "\(actor) : \(event.action)"
        let record = AuditSubject.label(event.entityType, context.language)
        let recordCell: Node<HTML.TableRowContext> = .td(.unwrap(event.entityID, { id in
            let text = record + " " + id.uuidString.lowercased().prefix(8)
            return link.map { .a(.href($0(id)), .text(text)) } ?? .text(text)
        }, else: .text(record)))
        return .tr(.td(.text(LocalDateTime(instant: event.occurredAt).french)), .td(.text(sentence)), recordCell,
                   .td(.span(.class("email"), .text(event.details ?? ""))))
    }
}

/// `GET /coops/:coopID/audit` and `GET /api/v1/coops/:coopID/audit`, with `?entityID=` (one
/// person's file, say), `before` (an ISO 8601 instant, to page back) and `limit` (1–200).
struct CooperativeAuditController: RouteCollection {
    let api: Bool

    func boot(routes: any RoutesBuilder) throws {
        routes.get("coops", ":coopID", "audit", use: list)
    }

    struct Query {
        var entityID: UUID?
        var before: Date?
        var limit: Int

        /// ISO 8601 with milliseconds, for `nextBefore`.
        nonisolated(unsafe) static let instant: ISO8601DateFormatter = {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter
        }()

        init(_ request: Request) throws {
            var errors = FieldErrors()
            entityID = nil
            if let raw = request.query[String.self, at: "entityID"], !raw.isEmpty {
                entityID = UUID(uuidString: raw)
                if entityID == nil { errors.add("entityID", "Cet identifiant n'est pas valide.") }
            }
            before = nil
            if let raw = request.query[String.self, at: "before"], !raw.isEmpty {
                before = Self.instant.date(from: raw) ?? ISO8601DateFormatter().date(from: raw)
                if before == nil { errors.add("before", "Donnez un instant ISO 8601, par exemple 2026-12-01T08:00:00Z.") }
            }
            limit = 100
            if let raw = request.query[String.self, at: "limit"] {
                if let value = Int(raw), (1...200).contains(value) { limit = value } else { errors.add("limit", "La limite doit être un nombre entre 1 et 200.") }
            }
            try errors.throwIfAny()
        }
    }

    struct EventsDTO: Content {
        var items: [CooperativeAuditRepository.Event]
        /// Pass as `before` for the next, older page; absent on the last page.
        var nextBefore: String?
    }

    func list(request: Request) async throws -> Response {
        let scope = try await request.cooperativeScope(.viewCooperativeAudit)
        let query = try Query(request)
        let events = try await CooperativeAuditRepository(db: request.db, scope: scope).events(entityID: query.entityID, before: query.before, limit: query.limit)
        // To the millisecond: events of the same second as the page's last must not be skipped.
        let next = events.count == query.limit ? events.last.map { Query.instant.string(from: $0.occurredAt) } : nil
        if api {
            return try Idempotency.encode(status: .ok, body: EventsDTO(items: events, nextBefore: next))
        }
        let context = request.pageContext()
        let names = try await AuditNames.load(for: events, on: request.db)
        return CooperativeAuditPage.render(.init(coop: scope.cooperative.name, coopID: scope.id, entityID: query.entityID, events: events, names: names, nextBefore: next),
                                           context: context)
    }
}

enum CooperativeAuditPage {
    struct Model {
        var coop: String
        var coopID: UUID
        var entityID: UUID?
        var events: [CooperativeAuditRepository.Event]
        var names = AuditNames()
        var nextBefore: String?
    }

    static func render(_ model: Model, context: PageContext) -> Response {
        let base = SiteURL.cooperativeAudit(model.coopID).path
        let title = context.t("Journal d'audit — ", "Audit log — ") + model.coop
        let content: BodyNode = .group(
            .h1(.text(title)),
            .p(.class("muted"), .text(model.entityID == nil
                ? context.t("Qui a consulté ou modifié quoi dans la coopérative, du plus récent au plus ancien. Chaque ouverture du dossier d'une personne y figure.",
                            "Who read or changed what in the cooperative, newest first. Every opening of a person's file is listed.")
                : context.t("Les événements d'un seul dossier.", "The events of one record only."))),
            .if(model.entityID != nil, .p(.a(.href(base), .text(context.t("Tout le journal", "The whole log"))))),
            .if(model.events.isEmpty, .p(.text(context.t("Aucun événement.", "No event.")))),
            .if(!model.events.isEmpty, AuditTable.render(model.events, names: model.names, label: title, context: context) { id in
                base + "?entityID=" + id.uuidString.lowercased()
            }),
            .unwrap(model.nextBefore) { before in
                .p(.a(.id("older-events"), .href(base + "?before=" + (before.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? before)
                         + (model.entityID.map { "&entityID=" + $0.uuidString.lowercased() } ?? "")),
                      .text(context.t("Événements plus anciens", "Older events"))))
            }
        )
        return Layout.render(context, title: title, content: content)
    }
}
