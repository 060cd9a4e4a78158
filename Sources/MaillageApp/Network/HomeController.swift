import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

/// `/`: each role lands on what it may use.
struct HomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
    }

    func home(request: Request) async throws -> Response {
        guard let principal = request.principal else { return request.redirect(to: SiteURL.login(next: nil).path) }
        let repository = NetworkRepository(db: request.db)
        let coops = try await repository.allVisibleCooperatives(for: principal)
        let context = request.pageContext()
        var sections: [BodyNode] = []

        if principal.has(.networkAdmin) {
            let territories = try await repository.allVisibleTerritories(for: principal)
            let scopes: [(ScopeKind, UUID)] = NetworkRepository.Reach(principal).networks.map { (.network, $0) }
                + territories.map { (.territory, $0.id!) } + coops.map { (.cooperative, $0.id!) }
            let users = Set(try await AccessService(db: request.db).holders(scopes: scopes).map(\.email)).count
            sections.append(.section(
                .class("panel"),
                .h2(.text(context.t("Le réseau", "The network"))),
                Kit.facts([
                    (context.t("Territoires", "Territories"), String(territories.count)),
                    (context.t("Coopératives", "Cooperatives"), String(coops.count)),
                    (context.t("Comptes", "Accounts"), String(users)),
                ]),
                .div(.class("actions"),
                     .a(.class("button primary"), .href(SiteURL.newCooperative.path), .text(context.t("Créer une coopérative", "Create a cooperative"))),
                     .a(.class("button"), .href(SiteURL.newTerritory.path), .text(context.t("Créer un territoire", "Create a territory"))),
                     .a(.class("button"), .href(SiteURL.adminUsers.path), .text(context.t("Inviter une personne", "Invite someone"))),
                     .a(.class("button"), .id("network-impact-link"), .href(SiteURL.networkImpact.path), .text(context.t("Le réseau côte à côte", "The network side by side"))),
                     .a(.class("button"), .id("templates-link"), .href(SiteURL.templates.path), .text(context.t("Modèles de coopérative", "Cooperative templates"))))
            ))
        }

        // Reporting deadlines of the funding agreements, from 30 days before (urgent from 7).
        var reminders: [(coop: Cooperative, agreement: FundingAgreement, deadline: ReportingDeadline, level: ReportingReminder.Level)] = []
        for coop in coops where principal.decide(.manageFunding, at: coop.location) == .allowed {
            let funding = FundingRepository(db: request.db, scope: CooperativeScope(cooperative: coop, principal: principal))
            reminders += try await funding.reminders(today: .today).map { (coop, $0.agreement, $0.deadline, $0.level) }
        }
        if !reminders.isEmpty {
            sections.append(.section(.class("panel"), .id("reminders"),
                .h2(.text(context.t("Comptes rendus à remettre", "Reports due"))),
                .ul(.forEach(reminders) { reminder in
                    let day = CalendarDay(date: reminder.deadline.dueOn)
                    let when = switch reminder.level {
                    case .overdue: context.t("en retard depuis le ", "overdue since ") + day.french
                    case .urgent: context.t("dans moins de 7 jours, le ", "within 7 days, on ") + day.french
                    case .upcoming: context.t("le ", "on ") + day.french
                    }
                    return .li(.class(reminder.level == .upcoming ? "" : "urgent"),
                               .a(.href(SiteURL.fundingAgreement(reminder.coop.id!, reminder.agreement.id!).path), .text(reminder.deadline.label)),
                               .text(" — " + reminder.agreement.programme + ", " + reminder.coop.name + " : " + when))
                })))
        }

        // What waits, cooperative by cooperative, first: the home page is a to-do list. The
        // network admin sees every cooperative by stage with what it is late on.
        var todos: [BodyNode] = []
        var network: [(coop: Cooperative, late: [String])] = []
        for coop in coops.prefix(principal.has(.networkAdmin) ? 60 : 12) {
            let items = try await HomeTodoRepository(db: request.db, coop: coop, principal: principal, language: context.language).items(today: .today)
            if principal.has(.networkAdmin) {
                let overdue = reminders.filter { $0.coop.id == coop.id && $0.level == .overdue }.map {
                    context.t("compte rendu en retard : ", "report overdue: ") + $0.agreement.programme
                }
                network.append((coop, Self.lateness(items) + overdue))
            } else {
                todos.append(Self.todoPanel(coop, items, context: context))
            }
        }
        if principal.has(.networkAdmin) { todos.append(Self.networkPanel(network, context: context)) }
        sections.insert(contentsOf: todos, at: 0)

        let manageable = coops.filter { principal.decide(.manageCooperativeAccess, at: $0.location) == .allowed }
        if !coops.isEmpty {
            sections.append(.section(
                .h2(.text(context.t("Vos coopératives", "Your cooperatives"))),
                .ul(.class("cards"), .forEach(coops) { coop in
                    .li(.class("card"),
                        .h3(.a(.href(SiteURL.cooperative(coop.id!).path), .text(coop.name))),
                        .p(.text(CooperativeLabels.stage(coop.stage, context.language) + " · " + CooperativeLabels.legalForm(coop.legalForm, context.language))),
                        Self.sectionLinks(CooperativeSections.links(for: principal, coop: coop, language: context.language)),
                        .if(manageable.contains { $0.id == coop.id },
                            .p(.a(.href(SiteURL.cooperativeAccess(coop.id!).path), .text(context.t("Accès et invitations", "Access and invitations")))))
                    )
                })
            ))
        }

        let roleNames = principal.roles.sorted { $0.rawValue < $1.rawValue }
            .map { context.language == .french ? $0.frenchLabel : $0.englishLabel }
        let content: BodyNode = .group(
            .h1(.text(context.t("Bonjour, \(principal.name)", "Hello, \(principal.name)"))),
            .p(.class("muted"), .text(roleNames.isEmpty
                ? context.t("Aucun rôle ne vous a encore été donné : demandez-le à la coordination de votre coopérative.", "No role has been given to you yet: ask your cooperative's coordinator.")
                : context.t("Vos rôles : ", "Your roles: ") + roleNames.joined(separator: ", "))),
            .group(sections)
        )
        return Layout.render(context, title: context.t("Accueil", "Home"), content: content)
    }
}

extension HomeController {
    /// The areas of a cooperative the user may open, or nothing when there are none.
    static func sectionLinks(_ links: [CooperativeSections.Link]) -> BodyNode {
        guard !links.isEmpty else { return .empty }
        return .ul(.forEach(links) { link in .li(.a(.href(link.path), .text(link.label))) })
    }
}

enum CooperativeLabels {
    static func stage(_ raw: String, _ language: AppLanguage) -> String {
        guard let stage = CooperativeStage(rawValue: raw) else { return raw }
        return language == .french ? stage.frenchLabel : stage.englishLabel
    }

    static func legalForm(_ raw: String, _ language: AppLanguage) -> String {
        guard let form = LegalForm(rawValue: raw) else { return raw }
        return language == .french ? form.frenchLabel : form.englishLabel
    }

    static func territoryKind(_ raw: String, _ language: AppLanguage) -> String {
        guard let kind = TerritoryKind(rawValue: raw) else { return raw }
        return language == .french ? kind.frenchLabel : kind.englishLabel
    }
}
