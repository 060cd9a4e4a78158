import MaillageCore
import Plot
import Vapor

/// `/styleguide`: every component of the design system on one page, with the app's own
/// builders, so that the next screen is built from them (docs/UI.md). Network admins only.
struct StyleguidePage: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("styleguide", use: show)
    }

    func show(request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let networkID = try NetworkRepository(db: request.db).adminNetwork(for: principal, named: nil)
        try NetworkRepository.check(principal, .administerNetwork, at: ResourceLocation(networkID: networkID.uuidString))
        let context = request.pageContext()
        return Layout.render(context, title: context.t("Guide des composants", "Component guide"), content: .group(
            Self.header(context), Self.buttons(context), Self.badges(context), Self.table(context),
            Self.tabs(context), Self.forms(context), Self.messages(context)
        ))
    }

    private static func section(_ title: String, _ id: String, _ nodes: BodyNode...) -> BodyNode {
        .section(.class("panel"), .id(id), .h2(.text(title)), .group(nodes))
    }

    private static func header(_ context: PageContext) -> BodyNode {
        Kit.pageHeader(
            context.t("Guide des composants", "Component guide"),
            breadcrumb: [.init(label: context.t("Accueil", "Home"), path: SiteURL.home.path),
                         .init(label: context.t("Guide des composants", "Component guide"), path: nil)],
            lede: context.t("Chaque écran se construit avec ces pièces : voir docs/UI.md.", "Every screen is built from these pieces: see docs/UI.md."),
            actions: [Kit.linkButton(context.t("Action principale", "Main action"), href: "#boutons", primary: true)],
            context: context)
    }

    private static func buttons(_ context: PageContext) -> BodyNode {
        section(context.t("Boutons", "Buttons"), "boutons",
                .p(.text(context.t("Une seule action principale par page ; les autres en contour ; la suppression en rouge.",
                                   "One main action per page; the others outlined; deleting in red."))),
                Kit.buttonGroup([
                    Kit.linkButton(context.t("Enregistrer", "Save"), href: "#boutons", primary: true),
                    Kit.linkButton(context.t("Annuler", "Cancel"), href: "#boutons"),
                    .a(.class("button danger"), .href("#boutons"), .text(context.t("Supprimer", "Delete"))),
                ]))
    }

    private static func badges(_ context: PageContext) -> BodyNode {
        let tones: [(Tone, String)] = [
            (.neutral, context.t("Neutre : rien à faire", "Neutral: nothing to do")),
            (.info, context.t("En cours", "In progress")),
            (.warning, context.t("À traiter ici", "To handle here")),
            (.success, context.t("Fait", "Done")),
            (.danger, context.t("Arrêté ou refusé", "Stopped or refused")),
        ]
        return section(context.t("États", "Statuses"), "etats",
            .p(.class("button-group"), .group(tones.map { Kit.badge($0.1, tone: $0.0) })),
            .h3(.text(context.t("Par machine à états", "By state machine"))),
            machine(context.t("Orientation", "Referral"), ReferralStatus.allCases, context),
            machine(context.t("Facture", "Invoice"), InvoiceStatus.allCases, context),
            machine(context.t("Souscription", "Subscription"), SubscriptionStatus.allCases, context),
            machine(context.t("Heures", "Hours"), HoursStatus.allCases, context),
            machine(context.t("Action du plan", "Plan action"), ActionStatus.allCases, context),
            machine(context.t("Associé·e", "Associate"), MemberStatus.allCases, context),
            machine(context.t("Étape de la coopérative", "Cooperative's stage"), CooperativeStage.allCases, context))
    }

    private static func machine<S: StatusBadged>(_ name: String, _ states: [S], _ context: PageContext) -> BodyNode {
        .div(.class("field"), .p(.strong(.text(name))), .p(.class("button-group"), .group(states.map { Kit.badge($0, context: context) })))
    }

    private static func table(_ context: PageContext) -> BodyNode {
        let rows: [(String, String, ReferralStatus, Int)] = [
            ("Fatou Diallo", "04/12/2026", .sent, 1_250_00),
            ("Karim Benali", "28/11/2026", .accepted, 15_000_00),
            ("Marie-Hélène Rousseau-Lefèvre", "14/01/2027", .refused, 0),
        ]
        return section(context.t("Tableau", "Table"), "tableau",
            .p(.text(context.t("Sous 640 pixels, chaque ligne devient une carte et chaque valeur porte le nom de sa colonne.",
                               "Under 640 pixels, each row becomes a card and each value carries its column's name."))),
            Kit.table(label: context.t("Exemple", "Example"),
                .thead(.tr(.th(.text(context.t("Personne", "Person"))), .th(.text(context.t("Envoyée le", "Sent on"))),
                           .th(.text(context.t("État", "Status"))), .th(.class("num"), .text(context.t("Montant", "Amount"))))),
                .tbody(.forEach(rows) { row in
                    .tr(.td(.a(.href("#tableau"), .text(row.0))), .td(.text(row.1)), .td(Kit.badge(row.2, context: context)),
                        .td(.class("num"), .text(Euros.french(row.3))))
                })),
            Kit.emptyState(context.t("Aucune orientation en attente.", "No referral waiting."),
                           action: (context.t("Orienter une personne", "Refer someone"), "#tableau")))
    }

    private static func tabs(_ context: PageContext) -> BodyNode {
        section(context.t("Onglets", "Tabs"), "onglets",
            Kit.tabs([
                .init(label: context.t("Synthèse", "Summary"), path: "#onglets", current: true),
                .init(label: context.t("Plan", "Plan"), path: "#onglets", current: false, count: 3),
                .init(label: context.t("Heures", "Hours"), path: "#onglets", current: false, count: 12),
            ], label: context.t("Exemple d'onglets", "Example tabs")),
            Kit.facts([(context.t("Référente", "Referent"), "Claire Martin"), (context.t("Prochain rendez-vous", "Next appointment"), "08/12/2026 à 14 h 00")]))
    }

    private static func forms(_ context: PageContext) -> BodyNode {
        let errors = ["hours": context.t("Écrivez les heures en chiffres, par exemple 7,5 ou 7 h 30.", "Write the hours in figures, for example 7.5 or 7h30.")]
        return section(context.t("Formulaire refusé", "Refused form"), "formulaire",
            Kit.errorSummary(errors, order: ["hours"], context: context, focus: false),
            .form(.action("#formulaire"), .method(.get),
                  Kit.input(.init(name: "hours", label: context.t("Heures", "Hours"), value: "sept", error: errors["hours"],
                                  hint: context.t("Par quart d'heure : 7, 7,5 ou 7 h 30…", "By quarter hours: 7, 7.5 or 7h30…"), required: true)),
                  Kit.submit(context.t("Envoyer mes heures", "Send my hours"))))
    }

    private static func messages(_ context: PageContext) -> BodyNode {
        section(context.t("Messages", "Messages"), "messages",
            .div(.class("flash"), .text(context.t("Heures envoyées : la coordination les validera.", "Hours sent: the coordination will validate them."))),
            .p(.class("alert"), .text(context.t("Trois justificatifs de ressources expirent ce mois-ci.", "Three proofs of resources expire this month."))),
            .p(.text(FrenchText.count(1, "ticket", "tickets") + " · " + FrenchText.count(2, "ticket", "tickets") + " · "
                     + FrenchText.integer(15_000) + " € · " + FrenchText.clock(hour: 14, minute: 0))))
    }
}
