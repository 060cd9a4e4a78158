import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

enum ResourcePages {
    static func list(_ repository: ResourceRepository, territory: Territory, form: ResourcesController.ResourceForm, errors: [String: String],
                     context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let resources = try await repository.resources(in: territory)
        let cooperatives = try await Cooperative.query(on: repository.db).filter(\.$territory.$id == territory.id!).sort(\.$name).all()
        let names = Dictionary(uniqueKeysWithValues: cooperatives.map { ($0.id!, $0.name) })
        let canManage = repository.principal.decide(.managePartners, at: territory.location) == .allowed
        let title = context.t("Ressources partagées", "Shared resources") + " — " + territory.name
        return Layout.render(context, title: title, status: status, content: .group(
            .h1(.text(title)),
            resources.isEmpty ? .p(.text(context.t("Aucune ressource partagée.", "No shared resource."))) :
            Kit.table(label: title,
                .thead(.tr(.th(.text(context.t("Ressource", "Resource"))), .th(.text(context.t("Sorte", "Kind"))), .th(.text(context.t("Offerte par", "Offered by"))),
                           .th(.text(context.t("Règles", "Rules"))))),
                .tbody(.forEach(resources) { resource in
                    .tr(.td(.a(.href(SiteURL.resource(resource.id!).path), .text(resource.name))), .td(.text(resource.resourceKind.frenchLabel)),
                        .td(.text(resource.offeredByCoopID.flatMap { names[$0] } ?? "—")),
                        .td(.text(rules(resource, context: context))))
                })),
            .if(canManage, .section(.class("panel"),
                .h2(.text(context.t("Proposer une ressource", "Offer a resource"))),
                Kit.errorSummary(errors, order: ["name", "kind", "description", "maxDurationMinutes", "priceCents", "offeredByCoopID", "territoryWide"], context: context),
                .form(.id("resource-form"), .action(SiteURL.resources(territory.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.input(.init(name: "name", label: context.t("Nom", "Name"), value: form.name, error: errors["name"], required: true)),
                    Kit.select(name: "kind", label: context.t("Sorte", "Kind"), options: ResourceKind.allCases.map { ($0.rawValue, $0.frenchLabel) }, selected: form.kind,
                               error: errors["kind"], placeholder: context.t("— Choisissez —", "— Choose —")),
                    Kit.textarea(name: "description", label: context.t("Présentation", "Description"), value: form.description, error: errors["description"]),
                    Kit.input(.init(name: "maxHours", label: context.t("Durée maximale d'une réservation (heures)", "Longest booking (hours)"), value: form.maxHours ?? "8",
                                    error: errors["maxDurationMinutes"], inputMode: "decimal")),
                    Kit.input(.init(name: "price", label: context.t("Prix par réservation (€, vide : gratuit)", "Price per booking (€, empty: free)"), value: form.price,
                                    error: errors["priceCents"], inputMode: "decimal")),
                    Kit.select(name: "offeredByCoopID", label: context.t("Offerte par", "Offered by"), options: cooperatives.map { ($0.id!.uuidString.lowercased(), $0.name) },
                               selected: form.offeredByCoopID, error: errors["offeredByCoopID"], required: false, placeholder: "—"),
                    Kit.checkbox(name: "ownCoopOnly", label: context.t("Réservée à la coopérative qui l'offre", "Reserved to the cooperative that offers it"),
                                 checked: form.ownCoopOnly == "on", error: errors["territoryWide"]),
                    Kit.submit(context.t("Ajouter la ressource", "Add the resource"), id: "resource-submit"))))
        ))
    }

    static func rules(_ resource: PooledResource, context: PageContext) -> String {
        let hours = resource.maxDurationMinutes % 60 == 0 ? "\(resource.maxDurationMinutes / 60) h" : "\(resource.maxDurationMinutes / 60) h \(resource.maxDurationMinutes % 60)"
        return context.t("jusqu'à ", "up to ") + hours + ", " + (resource.priceCents == 0 ? context.t("gratuit", "free") : Euros.french(resource.priceCents))
            + ", " + (resource.territoryWide ? context.t("pour tout le territoire", "for the whole territory") : context.t("pour sa coopérative", "for its cooperative"))
    }

    /// The week (from Monday) or the month (from the 1st) around `from`, with the bookings of
    /// each day.
    static func resource(_ repository: ResourceRepository, _ resource: PooledResource, territory: Territory, view: String?, from: String?,
                         form: ResourcesController.BookingForm, errors: [String: String], context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let month = view == "month"
        let anchor = from.flatMap(CalendarDay.init) ?? .today
        let start = month ? CalendarDay(year: anchor.year, month: anchor.month, day: 1) : anchor.weekStart
        let days = month ? CalendarDay.days(inMonth: anchor.month, year: anchor.year) : 7
        let bookings = try await repository.bookings(resource, from: start, days: days)
        let mayBook = repository.principal.decide(.bookResources, at: territory.location) == .allowed
        let cooperatives = try await Cooperative.query(on: repository.db).filter(\.$territory.$id == territory.id!).sort(\.$name).all()
            .filter { repository.principal.decide(.bookResources, at: $0.location) == .allowed }
        let dto = PooledResourceDTO(resource, myToken: try await repository.userToken(), userID: repository.principal.userID)
        let page = SiteURL.resource(resource.id!).path
        let previous = month ? start.adding(months: -1) : start.adding(days: -7)
        let next = month ? start.adding(months: 1) : start.adding(days: 7)
        let mode = month ? "&view=month" : ""
        return Layout.render(context, title: resource.name, status: status, content: .group(
            .p(.a(.href(SiteURL.resources(territory.id!).path), .text(context.t("Ressources partagées", "Shared resources")))),
            .h1(.text(resource.name)),
            .unwrap(resource.presentation) { .p(.text($0)) },
            Kit.facts([(context.t("Sorte", "Kind"), resource.resourceKind.frenchLabel), (context.t("Règles", "Rules"), rules(resource, context: context))]),
            .h2(.id("calendar"), .text((month ? context.t("Mois du ", "Month of ") : context.t("Semaine du ", "Week of ")) + start.french)),
            .p(.class("no-print"),
               .a(.href(page + "?from=\(previous)" + mode), .text(context.t("← Avant", "← Before"))), .text(" · "),
               .a(.href(page + "?from=\(next)" + mode), .text(context.t("Après →", "After →"))), .text(" · "),
               month ? .a(.id("week-view"), .href(page + "?from=\(anchor)"), .text(context.t("Vue semaine", "Week view")))
                     : .a(.id("month-view"), .href(page + "?from=\(anchor)&view=month"), .text(context.t("Vue mois", "Month view")))),
            .ul(.class("agenda"), .id("bookings"), .forEach(0..<days) { offset in
                let day = start.adding(days: offset)
                let own = bookings.filter { ($0.start?.day ?? day) <= day && ($0.end.map { $0.day > day || ($0.day == day && ($0.hour > 0 || $0.minute > 0)) } ?? false) }
                return .li(.strong(.text(day.french)), .text(" : "),
                           own.isEmpty ? .text(context.t("libre", "free")) : .text(own.map { booking in
                               FrenchText.clock(String(booking.startsAt.suffix(5))) + " – " + FrenchText.clock(String(booking.endsAt.suffix(5)))
                                   + " " + booking.purpose + " (" + booking.bookedByName + ")"
                           }.joined(separator: " ; ")))
            }),
            .p(.text(context.t("Agenda de la ressource (iCalendar, à ajouter à votre agenda) : ", "The resource's calendar (iCalendar): ")),
               .a(.id("resource-calendar"), .href(dto.calendarURL), .text(context.t("abonnement", "subscribe"))),
               .unwrap(dto.myCalendarURL) { mine in .group(.text(" · "), .a(.id("my-calendar"), .href(mine), .text(context.t("mes réservations", "my bookings")))) }),
            .if(mayBook, .section(.class("panel"), .id("book"),
                .h2(.text(context.t("Réserver", "Book"))),
                Kit.errorSummary(errors, order: ["start", "end", "coopID", "purpose"], context: context),
                .form(.id("booking-form"), .action(SiteURL.resourceBookings(resource.id!).path), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.input(.init(name: "start", label: context.t("Début", "Start"), value: form.start, type: .datetimeLocal, error: errors["start"], required: true)),
                    Kit.input(.init(name: "end", label: context.t("Fin", "End"), value: form.end, type: .datetimeLocal, error: errors["end"], required: true)),
                    cooperatives.count > 1 ? Kit.select(name: "coopID", label: context.t("Pour la coopérative", "For the cooperative"),
                                                        options: cooperatives.map { ($0.id!.uuidString.lowercased(), $0.name) }, selected: form.coopID, error: errors["coopID"]) : .empty,
                    Kit.input(.init(name: "purpose", label: context.t("Pour quoi faire", "What for"), value: form.purpose, error: errors["purpose"], required: true)),
                    Kit.submit(context.t("Réserver", "Book"), id: "booking-submit"))))
        ))
    }
}
