import Foundation
import MaillageCore

/// The areas of a cooperative a user may open, as links for the cooperative's page and the
/// home page. An area appears here once it is built, and only for the roles that may use it.
enum CooperativeSections {
    struct Link: Sendable, Equatable {
        var label: String
        var detail: String
        var url: SiteURL
        var area: Area = .cooperative
        /// The tab of the link's page (`onglet=heures` for "Mes heures").
        var query: String? = nil

        var path: String { url.path + (query.map { "?" + $0 } ?? "") }
    }

    /// The navigation's groups, in the order they are shown: the person's own space first.
    enum Area: String, CaseIterable, Sendable {
        case mySpace, pathways, activity, sourcing, governance, partners, impact, cooperative

        func label(_ language: AppLanguage) -> String {
            switch self {
            case .mySpace: language.t("Mon espace", "My space")
            case .pathways: language.t("Parcours", "Pathways")
            case .activity: language.t("Activité", "Activity")
            case .sourcing: language.t("Approvisionnement", "Sourcing")
            case .governance: language.t("Gouvernance", "Governance")
            case .partners: language.t("Partenaires", "Partners")
            case .impact: language.t("Impact", "Impact")
            case .cooperative: language.t("La coopérative", "The cooperative")
            }
        }
    }

    /// The links grouped by area, empty areas left out.
    static func grouped(_ links: [Link]) -> [(area: Area, links: [Link])] {
        Area.allCases.compactMap { area in
            let inArea = links.filter { $0.area == area }
            return inArea.isEmpty ? nil : (area, inArea)
        }
    }

    static func links(for principal: Principal, coop: Cooperative, language: AppLanguage) -> [Link] {
        let allowed = { (permission: Permission) in principal.decide(permission, at: coop.location) == .allowed }
        var links: [Link] = []
        if allowed(.manageReferrals) {
            links.append(Link(label: language.t("Orientations reçues", "Referrals received"),
                              detail: language.t("Les personnes orientées par les partenaires, à recevoir et accompagner.", "People referred by partners, to receive and accompany."),
                              url: .referrals(coop.id!), area: .pathways))
        } else if allowed(.viewOwnReferrals) {
            links.append(Link(label: language.t("Mes orientations", "My referrals"),
                              detail: language.t("Orienter une personne et suivre où en sont vos orientations.", "Refer someone and follow your referrals."),
                              url: .referrals(coop.id!), area: .pathways))
        }
        if allowed(.managePathways) {
            links.append(Link(label: language.t("Parcours", "Pathways"),
                              detail: language.t("Le dossier de chaque personne accompagnée, jusqu'à sa sortie.", "Each accompanied person's file, up to their exit."),
                              url: .pathways(coop.id!), area: .pathways))
            links.append(Link(label: language.t("Agenda", "Agenda"),
                              detail: language.t("Rendez-vous, ateliers et séances de formation, avec les présences.", "Appointments, workshops and training sessions, with attendance."),
                              url: .agenda(coop.id!), area: .pathways))
            links.append(Link(label: language.t("Formations", "Trainings"),
                              detail: language.t("Séances, feuilles d'émargement, heures, évaluation et satisfaction.", "Sessions, sign-in sheets, hours, evaluation and satisfaction."),
                              url: .trainings(coop.id!), area: .pathways))
            links.append(Link(label: language.t("Grille de compétences", "Competence grid"),
                              detail: language.t("Les compétences apprises en faisant, évaluées dans chaque parcours.", "Skills learnt by doing, assessed in each pathway."),
                              url: .competences(coop.id!), area: .pathways))
        }
        if allowed(.viewCatalogue) {
            links.append(Link(label: language.t("Catalogue", "Catalogue"),
                              detail: language.t("Produits et services, prix publics et TVA.", "Products and services, public prices and VAT."),
                              url: .products(coop.id!), area: .activity))
            links.append(Link(label: language.t("Grilles tarifaires", "Tariff grids"),
                              detail: language.t("Les prix selon les ressources du foyer, avec leur aperçu.", "Prices by household resources, with a preview."),
                              url: .tariffGrids(coop.id!), area: .activity))
            links.append(Link(label: language.t("Foyers", "Households"),
                              detail: language.t("Cartes et justificatifs qui donnent droit aux prix solidaires.", "Cards and proofs giving access to solidarity prices."),
                              url: .households(coop.id!), area: .activity))
        }
        if allowed(.sell) {
            links.append(Link(label: language.t("Caisse", "Till"),
                              detail: language.t("Vendre au comptoir avec la carte du foyer, repas suspendus compris.", "Sell at the counter with the household card, suspended meals included."),
                              url: .till(coop.id!), area: .activity))
            links.append(Link(label: language.t("Tickets et clôtures", "Tickets and closings"),
                              detail: language.t("Les tickets, les remboursements, le journal de caisse et les clôtures.", "Tickets, refunds, the cash journal and closings."),
                              url: .sales(coop.id!), area: .activity))
        }
        if allowed(.invoice) {
            links.append(Link(label: language.t("Traiteur : devis et factures", "Catering: quotes and invoices"),
                              detail: language.t("Du devis à la facture, avec les avoirs et les mentions légales.", "From quote to invoice, with credit notes and legal mentions."),
                              url: .invoices(coop.id!), area: .activity))
        }
        if allowed(.viewTradeFigures) {
            links.append(Link(label: language.t("Chiffres du commerce solidaire", "Solidarity trade figures"),
                              detail: language.t("Ventes par tranche, solidarité donnée et qui l'a financée, repas servis.", "Sales by tier, solidarity given and who funded it, meals served."),
                              url: .tradeFigures(coop.id!), area: .activity))
        }
        if allowed(.purchase) {
            links.append(Link(label: language.t("Achats", "Purchases"),
                              detail: language.t("Factures des fournisseurs, import et export au format ma-cantine.", "Suppliers' invoices, import and export in ma-cantine's layout."),
                              url: .purchases(coop.id!), area: .sourcing))
            links.append(Link(label: language.t("Fournisseurs", "Suppliers"),
                              detail: language.t("Producteurs, commerces du quartier, grossistes, structures de l'ESS.", "Producers, neighbourhood shops, wholesalers, social-economy structures."),
                              url: .suppliers(coop.id!), area: .sourcing))
            links.append(Link(label: language.t("Recettes et coût des portions", "Recipes and portion costs"),
                              detail: language.t("Ce que coûte une portion aux derniers prix d'achat, face au prix de chaque tranche.", "What a portion costs at the latest purchase prices, against each tier's price."),
                              url: .recipes(coop.id!), area: .sourcing))
        }
        if allowed(.viewSourcingIndicators) {
            links.append(Link(label: language.t("Approvisionnement local et EGAlim", "Local sourcing and EGAlim"),
                              detail: language.t("Parts bio, EGAlim, locales, en circuit court, dans les QPV et dans l'ESS.", "Organic, EGAlim, local, short-circuit, QPV and ESS shares."),
                              url: .sourcing(coop.id!), area: .sourcing))
        }
        if allowed(.viewGovernance) {
            links.append(Link(label: language.t("Associé·es", "Members"),
                              detail: language.t("Les sociétaires, leur catégorie et leur collège.", "The members, their category and college."),
                              url: .members(coop.id!), area: .governance))
            links.append(Link(label: language.t("Statuts et collèges", "Statutes and colleges"),
                              detail: language.t("Catégories d'associés, collèges de vote, quorum, majorité et pouvoirs.", "Member categories, voting colleges, quorum, majority and proxies."),
                              url: .governance(coop.id!), area: .governance))
            links.append(Link(label: language.t("Capital et registre des parts", "Capital and share register"),
                              detail: language.t("Les parts sociales de chacun·e, le registre numéroté, la part des collectivités.", "Each member's shares, the numbered register, the public bodies' part."),
                              url: .capital(coop.id!), area: .governance))
            links.append(Link(label: language.t("Assemblées générales", "General assemblies"),
                              detail: language.t("Convocation, présences et pouvoirs, quorum, votes par collège et procès-verbaux.", "Convocation, attendance and proxies, quorum, votes by college and minutes."),
                              url: .assemblies(coop.id!), area: .governance))
            links.append(Link(label: language.t("Décisions du quotidien", "Everyday decisions"),
                              detail: language.t("Propositions et sondages entre deux assemblées, votés depuis le téléphone.", "Proposals and polls between assemblies, voted from the phone."),
                              url: .decisions(coop.id!), area: .governance))
        }
        if allowed(.viewFunding) {
            links.append(Link(label: language.t("Conventions de financement", "Funding agreements"),
                              detail: language.t("Financeurs, montants, engagements face au réalisé, comptes rendus et versements.", "Funders, amounts, commitments against achievements, reports and instalments."),
                              url: .fundingAgreements(coop.id!), area: .partners))
        }
        if allowed(.viewImpact) {
            links.append(Link(label: language.t("Impact", "Impact"),
                              detail: language.t("Les indicateurs calculés à partir des données, avec la période précédente, en graphiques et en CSV.",
                                                 "Indicators computed from the data, with the previous period, as charts and CSV."),
                              url: .cooperativeImpact(coop.id!), area: .impact))
        }
        // Everyone in the cooperative reads its territory's directory (a permission held here
        // reaches up to the territory).
        links.append(Link(label: language.t("Partenaires du territoire", "The territory's partners"),
                          detail: language.t("Qui aide pour la mobilité, la garde d'enfants, le logement, le français… et ce qu'ils sont pour la coopérative.",
                                             "Who helps with mobility, childcare, housing, French… and what they are to the cooperative."),
                          url: .partners(coop.$territory.id), area: .partners))
        links.append(Link(label: language.t("Ressources partagées", "Shared resources"),
                          detail: language.t("Salles, cuisine, véhicule et matériel du territoire, leur agenda et leurs réservations.",
                                             "The territory's rooms, kitchen, vehicle and equipment, their calendar and bookings."),
                          url: .resources(coop.$territory.id), area: .partners))
        if allowed(.viewOwnPathway) {
            links.append(Link(label: language.t("Mon parcours", "My pathway"),
                              detail: language.t("Mon plan, mes compétences, mes heures et mes formations.", "My plan, skills, hours and trainings."),
                              url: .ownPathway(coop.id!), area: .mySpace))
            links.append(Link(label: language.t("Mes heures", "My hours"),
                              detail: language.t("Les heures que j'ai travaillées, à envoyer à la coordination.", "The hours I worked, to send to the coordination."),
                              url: .ownPathway(coop.id!), area: .mySpace, query: "onglet=heures"))
            links.append(Link(label: language.t("Mes formations", "My trainings"),
                              detail: language.t("Les formations que je suis ou que j'ai suivies.", "The trainings I follow or followed."),
                              url: .ownPathway(coop.id!), area: .mySpace, query: "onglet=formations"))
        }
        if allowed(.viewCooperativeAudit) {
            links.append(Link(label: language.t("Journal d'audit", "Audit log"),
                              detail: language.t("Qui a consulté le dossier d'une personne, exporté ou effacé des données, donné un rôle.", "Who read a person's file, exported or erased data, granted a role."),
                              url: .cooperativeAudit(coop.id!), area: .cooperative))
        }
        return links
    }
}
