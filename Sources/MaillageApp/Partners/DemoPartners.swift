import Fluent
import Foundation
import MaillageCore

/// Fifteen partners of the three demo territories, with fictional contacts. `seed --demo` only.
enum DemoPartners {
    struct Spec {
        var name: String
        var kind: PartnerKind
        var commune: String
        var postalCode: String
        var services: [ServiceTheme]
        var contact: (name: String, function: String, listed: Bool)?
        var roles: [PartnerRoleKind]
    }

    static let byTerritory: [[Spec]] = [
        [ // Marseille 12e — quartiers Est
            Spec(name: "Centre social des Caillols", kind: .socialCentre, commune: "Marseille", postalCode: "13012", services: [.childcare, .french, .rights, .digital],
                 contact: ("Mireille Ouali", "Directrice", true), roles: [.referrer, .member, .host]),
            Spec(name: "Mission Locale de Marseille", kind: .missionLocale, commune: "Marseille", postalCode: "13001", services: [.employment, .training, .mobility],
                 contact: ("Sofiane Amrani", "Conseiller", true), roles: [.referrer]),
            Spec(name: "Maison de l'Emploi de Marseille", kind: .maisonEmploi, commune: "Marseille", postalCode: "13003", services: [.employment, .businessCreation],
                 contact: ("Karim Benali", "Chargé de mission", true), roles: [.referrer, .member]),
            Spec(name: "France Travail Marseille Est", kind: .franceTravail, commune: "Marseille", postalCode: "13011", services: [.employment, .training],
                 contact: nil, roles: [.referrer]),
            Spec(name: "Ville de Marseille, mairie des 11e-12e", kind: .commune, commune: "Marseille", postalCode: "13012", services: [.rights, .housing],
                 contact: ("Service économie sociale", "Accueil", true), roles: [.funder, .member]),
            Spec(name: "Région Sud", kind: .region, commune: "Marseille", postalCode: "13002", services: [.training],
                 contact: nil, roles: [.funder]),
            Spec(name: "Banque des Territoires (Caisse des Dépôts)", kind: .caisseDesDepots, commune: "Marseille", postalCode: "13002", services: [],
                 contact: ("Anne Giraud", "Chargée d'affaires", false), roles: [.funder]),
            Spec(name: "Logirem, agence Est", kind: .socialLandlord, commune: "Marseille", postalCode: "13012", services: [.housing],
                 contact: ("Yves Lopez", "Gardien-chef", true), roles: [.host]),
            Spec(name: "Auto-école solidaire de l'Est", kind: .association, commune: "Marseille", postalCode: "13011", services: [.mobility],
                 contact: ("Nadia Haddad", "Monitrice", true), roles: []),
        ],
        [ // Vendômois rural
            Spec(name: "Mission Locale du Vendômois", kind: .missionLocale, commune: "Vendôme", postalCode: "41100", services: [.employment, .mobility],
                 contact: ("Julien Perrin", "Conseiller", true), roles: [.referrer]),
            Spec(name: "Communauté d'agglomération Territoires Vendômois", kind: .commune, commune: "Vendôme", postalCode: "41100", services: [.mobility, .housing],
                 contact: nil, roles: [.funder, .host]),
            Spec(name: "Ferme des Coteaux du Loir", kind: .business, commune: "Montoire-sur-le-Loir", postalCode: "41800", services: [],
                 contact: ("Paul Besnard", "Maraîcher", true), roles: [.supplier]),
        ],
        [ // Avignon
            Spec(name: "Centre social Croix des Oiseaux", kind: .socialCentre, commune: "Avignon", postalCode: "84000", services: [.childcare, .french, .rights],
                 contact: ("Leïla Mansouri", "Référente familles", true), roles: [.referrer, .host]),
            Spec(name: "Département de Vaucluse", kind: .departement, commune: "Avignon", postalCode: "84000", services: [.rights],
                 contact: nil, roles: [.funder]),
            Spec(name: "Université d'Avignon", kind: .school, commune: "Avignon", postalCode: "84000", services: [.training, .digital],
                 contact: ("Service de la formation continue", "Accueil", true), roles: []),
        ],
    ]

    /// Two agreements for each cooperative, with the territory's funders: one under way with
    /// a report due in three weeks (so the coordinator's home page reminds it), one ending.
    static func agreements(on db: any Database, cooperatives: [Cooperative], admin: User) async throws {
        guard let principal = try await PrincipalLoader.load(userID: admin.id!, db: db, viaBearerToken: false) else { return }
        let today = CalendarDay.today
        for coop in cooperatives {
            let repository = FundingRepository(db: db, scope: CooperativeScope(cooperative: coop, principal: principal))
            let funders = try await repository.funders().filter { [.commune, .region, .departement, .caisseDesDepots, .state].contains($0.partnerKind) }
            guard let first = funders.first else { continue }
            let second = funders.dropFirst().first ?? first
            _ = try await repository.create(funderID: first.id!.uuidString, FundingAgreementDraft(
                programme: "Politique de la ville", amountCents: 3_500_000, startsOn: today.adding(months: -5).description, endsOn: today.adding(months: 7).description,
                purpose: "Accompagner les habitant·es du quartier vers l'emploi par l'activité solidaire.",
                targets: [.init(indicator: "people-accompanied", target: 12), .init(indicator: "meals-sold", target: 15_000), .init(indicator: "members", target: 50)],
                deadlines: [.init(dueOn: today.adding(days: 21).description, label: "Bilan intermédiaire"), .init(dueOn: today.adding(months: 8).description, label: "Bilan final")],
                instalments: [.init(dueOn: today.adding(months: -5).description, amountCents: 2_000_000, receivedOn: today.adding(months: -4).description),
                              .init(dueOn: today.adding(months: 7).description, amountCents: 1_500_000)]), today: today)
            _ = try await repository.create(funderID: second.id!.uuidString, FundingAgreementDraft(
                programme: "Alimentation durable", amountCents: 1_200_000, startsOn: today.adding(months: -11).description, endsOn: today.adding(months: 1).description,
                purpose: "Des achats locaux et de qualité pour la cantine solidaire.",
                targets: [.init(indicator: "egalim-share", target: 50), .init(indicator: "local-share", target: 30)],
                deadlines: [.init(dueOn: today.adding(months: 2).description, label: "Compte rendu financier")],
                instalments: [.init(dueOn: today.adding(months: -11).description, amountCents: 1_200_000, receivedOn: today.adding(months: -10).description)]), today: today)
        }
        // The Région funds the Marseille and Avignon cooperatives under one agreement.
        if let lead = cooperatives.first, cooperatives.count > 2 {
            let repository = FundingRepository(db: db, scope: CooperativeScope(cooperative: lead, principal: principal))
            if let region = try await repository.funders().first(where: { $0.partnerKind == .region }) {
                _ = try await repository.create(funderID: region.id!.uuidString, FundingAgreementDraft(
                    programme: "Région emploi (convention commune)", amountCents: 6_000_000, startsOn: today.adding(months: -3).description, endsOn: today.adding(months: 21).description,
                    purpose: "Des parcours vers l'emploi dans deux coopératives d'habitants de la région.",
                    targets: [.init(indicator: "people-accompanied", target: 30), .init(indicator: "members", target: 80)],
                    deadlines: [.init(dueOn: today.adding(months: 9).description, label: "Bilan d'étape commun")],
                    instalments: [.init(dueOn: today.adding(months: -3).description, amountCents: 3_000_000, receivedOn: today.adding(months: -2).description)]),
                    jointCoopIDs: [cooperatives[2].id!.uuidString], today: today)
            }
        }
    }

    /// The demo referrer works for the social centre of the first territory: their referrals
    /// carry it (those sent before the partner existed are brought up to date).
    static func linkReferrer(on db: any Database, referrer: User, territory: Territory) async throws {
        guard let centre = try await Partner.query(on: db).filter(\.$territoryID == territory.id!).filter(\.$kind == PartnerKind.socialCentre.rawValue).first() else { return }
        let member = PartnerMember()
        member.partnerID = centre.id!
        member.userID = referrer.id!
        try await member.create(on: db)
        for referral in try await Referral.query(on: db).filter(\.$referrerUserID == referrer.id!).all() {
            referral.referrerPartnerID = centre.id
            referral.referrerKind = centre.kind
            referral.referrerLabel = referrer.name + " — " + centre.name
            try await referral.save(on: db)
        }
    }

    /// Shared rooms and a vehicle, with a few bookings this week.
    static func resources(on db: any Database, territories: [Territory], cooperatives: [UUID: Cooperative], admin: User) async throws {
        guard let principal = try await PrincipalLoader.load(userID: admin.id!, db: db, viaBearerToken: false) else { return }
        let repository = ResourceRepository(db: db, principal: principal)
        let specs: [[(String, ResourceKind, Int, Int)]] = [
            [("Salle polyvalente du centre social", .room, 4 * 60, 0), ("Cuisine pédagogique", .kitchen, 6 * 60, 1_500), ("Camion frigorifique", .vehicle, 8 * 60, 0)],
            [("Salle des fêtes de Montoire", .room, 8 * 60, 3_000), ("Minibus 9 places", .vehicle, 10 * 60, 0)],
            [("Salle de réunion Croix des Oiseaux", .room, 3 * 60, 0)],
        ]
        let today = CalendarDay.today
        for (index, list) in specs.enumerated() where index < territories.count {
            let territory = territories[index]
            for (offset, spec) in list.enumerated() {
                let resource = try await repository.create(in: territory, ResourceDraft(name: spec.0, kind: spec.1.rawValue, maxDurationMinutes: spec.2, priceCents: spec.3),
                                                           offeredByCoop: cooperatives[territory.id!]?.id?.uuidString)
                let day = today.adding(days: 1 + offset)
                let booking = ResourceBooking()
                booking.resourceID = resource.id!
                booking.startsAt = LocalDateTime(day: day, hour: 9, minute: 0).description
                booking.endsAt = LocalDateTime(day: day, hour: 12, minute: 0).description
                booking.cooperativeID = cooperatives[territory.id!]?.id
                booking.purpose = spec.1 == .vehicle ? "Livraison des repas" : "Atelier des habitant·es"
                booking.bookedBy = admin.id!
                booking.bookedByName = admin.name
                try await booking.create(on: db)
            }
        }
    }

    /// `cooperatives`: by territory id, the cooperative the partners' roles are toward.
    static func load(on db: any Database, territories: [Territory], cooperatives: [UUID: Cooperative], admin: User) async throws {
        guard let principal = try await PrincipalLoader.load(userID: admin.id!, db: db, viaBearerToken: false) else { return }
        for (index, specs) in byTerritory.enumerated() where index < territories.count {
            let territory = territories[index]
            let repository = PartnerRepository(db: db, territory: territory, principal: principal)
            let coop = cooperatives[territory.id!]
            for spec in specs {
                let contacts = spec.contact.map { [PartnerContactDraft(name: $0.name, function: $0.function, listed: $0.listed)] } ?? []
                _ = try await repository.save(PartnerDraft(name: spec.name, kind: spec.kind.rawValue, postalCode: spec.postalCode, commune: spec.commune,
                                                           services: spec.services.map(\.rawValue), contacts: contacts),
                                              roles: coop.map { coop in spec.roles.map { PartnerRepository.RoleDraft(coopID: coop.id!.uuidString, role: $0.rawValue) } } ?? [])
            }
        }
    }
}
