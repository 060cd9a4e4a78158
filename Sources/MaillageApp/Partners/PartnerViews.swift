import Foundation
import MaillageCore
import Plot
import Vapor

enum PartnersPage {
    /// The form's one contact is `contacts[0]` in the rules.
    static func formErrors(_ errors: [String: String]) -> [String: String] {
        errors.reduce(into: [:]) { named, error in
            let key = error.key.replacingOccurrences(of: "contacts[0].", with: "contact").replacingOccurrences(of: "contactname", with: "contactName")
                .replacingOccurrences(of: "contactemail", with: "contactEmail").replacingOccurrences(of: "contactphone", with: "contactPhone")
                .replacingOccurrences(of: "contactfunction", with: "contactFunction")
            named[key.hasPrefix("roles[") ? "roles" : key] = error.value
        }
    }

    static func render(_ repository: PartnerRepository, service: ServiceTheme?, kind: PartnerKind?, search: String?, form: PartnersController.PartnerForm,
                       errors: [String: String], context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let territory = repository.territory
        let partners = try await repository.partners(service: service, kind: kind, search: search)
        let cooperatives = try await repository.cooperatives()
        let coopNames = Dictionary(uniqueKeysWithValues: cooperatives.map { ($0.id!, $0.name) })
        let base = SiteURL.partners(territory.id!).path
        let title = context.t("Partenaires du territoire", "The territory's partners") + " — " + territory.name
        return Layout.render(context, title: title, status: status, content: .group(
            .h1(.text(title)),
            .p(.class("hint"), .text(context.t("Qui, sur le territoire, aide pour… : choisissez un thème.", "Who in the territory helps with…: pick a theme."))),
            .nav(.class("themes"), .attribute(named: "aria-label", value: context.t("Thèmes", "Themes")),
                .ul(.class("inline"),
                    .li(.a(.href(base), .if(service == nil, .attribute(named: "aria-current", value: "true")), .text(context.t("Tous", "All")))),
                    .forEach(ServiceTheme.allCases) { theme in
                        .li(.a(.href(base + "?service=" + theme.rawValue), .id("theme-" + theme.rawValue),
                               .if(service == theme, .attribute(named: "aria-current", value: "true")), .text(theme.frenchLabel)))
                    })),
            .form(.class("row-form no-print"), .method(.get), .action(base),
                .unwrap(service) { .input(.type(.hidden), .name("service"), .value($0.rawValue)) },
                Kit.input(.init(name: "q", label: context.t("Nom ou commune", "Name or town"), value: search)),
                .button(.type(.submit), .text(context.t("Chercher", "Search")))),
            partners.isEmpty ? .p(.id("no-partner"), .text(context.t("Aucun partenaire ne correspond.", "No partner matches."))) :
            Kit.table(label: title,
                .thead(.tr(.th(.text(context.t("Partenaire", "Partner"))), .th(.text(context.t("Sorte", "Kind"))), .th(.text(context.t("Services", "Services"))),
                           .th(.text(context.t("Contact", "Contact"))), .th(.text(context.t("Pour les coopératives", "For the cooperatives"))))),
                .tbody(.forEach(partners) { record in
                    .tr(.td(.a(.href(SiteURL.partner(territory.id!, record.partner.id!).path), .text(record.partner.name))),
                        .td(.text(record.partner.partnerKind.frenchLabel)),
                        .td(.text(record.partner.serviceThemes.map(\.frenchLabel).joined(separator: ", "))),
                        .td(.text(record.contacts.first.map { [$0.name, $0.phone, $0.email].compactMap { $0 }.joined(separator: " — ") } ?? "—")),
                        .td(.text(record.roles.map { (coopNames[$0.cooperativeID] ?? "") + " : " + (PartnerRoleKind(rawValue: $0.role)?.frenchLabel.lowercased() ?? $0.role) }
                            .joined(separator: " ; "))))
                })),
            .if(repository.canManage, .section(.class("panel"),
                .h2(.text(context.t("Ajouter un partenaire", "Add a partner"))),
                formBody(action: base, form: form, cooperatives: cooperatives, errors: errors, context: context, submit: context.t("Ajouter le partenaire", "Add the partner"))))
        ))
    }

    static func formBody(action: String, form: PartnersController.PartnerForm, cooperatives: [Cooperative], errors: [String: String], context: PageContext,
                         submit: String) -> Node<HTML.BodyContext> {
        let roleOptions = cooperatives.flatMap { coop in PartnerRoleKind.allCases.map { ("\(coop.id!.uuidString.lowercased()):\($0.rawValue)", coop.name + " — " + $0.frenchLabel.lowercased()) } }
        return .group(
            Kit.errorSummary(errors, order: ["name", "kind", "siret", "address", "postalCode", "commune", "website", "description", "services",
                                             "contactName", "contactFunction", "contactEmail", "contactPhone", "roles"], context: context),
            .form(.id("partner-form"), .action(action), .method(.post),
                Kit.csrfField(context.csrfToken),
                Kit.input(.init(name: "name", label: context.t("Nom", "Name"), value: form.name, error: errors["name"], required: true)),
                Kit.select(name: "kind", label: context.t("Sorte", "Kind"), options: PartnerKind.allCases.map { ($0.rawValue, $0.frenchLabel) }, selected: form.kind,
                           error: errors["kind"], placeholder: context.t("— Choisissez —", "— Choose —")),
                Kit.input(.init(name: "siret", label: "SIRET", value: form.siret, error: errors["siret"], inputMode: "numeric")),
                Kit.input(.init(name: "address", label: context.t("Adresse", "Address"), value: form.address, error: errors["address"])),
                Kit.input(.init(name: "postalCode", label: context.t("Code postal", "Postal code"), value: form.postalCode, error: errors["postalCode"], inputMode: "numeric")),
                Kit.input(.init(name: "commune", label: context.t("Commune", "Town"), value: form.commune, error: errors["commune"])),
                Kit.input(.init(name: "website", label: context.t("Site web", "Website"), value: form.website, type: .url, error: errors["website"])),
                Kit.textarea(name: "description", label: context.t("Ce que fait le partenaire", "What the partner does"), value: form.description, error: errors["description"]),
                Kit.checkboxes(name: "services", legend: context.t("Services proposés", "Services offered"), options: ServiceTheme.allCases.map { ($0.rawValue, $0.frenchLabel) },
                               checked: Set(form.services ?? []), error: errors["services"]),
                .fieldset(.element(named: "legend", nodes: [.text(context.t("Contact", "Contact"))]),
                    Kit.input(.init(name: "contactName", label: context.t("Nom", "Name"), value: form.contactName, error: errors["contactName"])),
                    Kit.input(.init(name: "contactFunction", label: context.t("Fonction", "Function"), value: form.contactFunction, error: errors["contactFunction"])),
                    Kit.input(.init(name: "contactEmail", label: context.t("Courriel", "Email"), value: form.contactEmail, type: .email, error: errors["contactEmail"])),
                    Kit.input(.init(name: "contactPhone", label: context.t("Téléphone", "Phone"), value: form.contactPhone, type: .tel, error: errors["contactPhone"])),
                    Kit.checkbox(name: "contactListed", label: context.t("La personne accepte de figurer dans l'annuaire", "The person agrees to be listed"), checked: form.contactListed == "on")),
                Kit.checkboxes(name: "roles", legend: context.t("Ce qu'il est pour les coopératives", "What it is to the cooperatives"), options: roleOptions,
                               checked: Set(form.roles ?? []), error: errors["roles"]),
                Kit.submit(submit, id: "partner-submit")))
    }
}

enum PartnerPage {
    static func render(_ repository: PartnerRepository, _ record: PartnerRecord, errors: [String: String], memberEmail: String? = nil, memberError: String? = nil,
                       context: PageContext, status: HTTPResponseStatus = .ok) async throws -> Response {
        let territory = repository.territory
        let partner = record.partner
        let cooperatives = try await repository.cooperatives()
        let coopNames = Dictionary(uniqueKeysWithValues: cooperatives.map { ($0.id!, $0.name) })
        let first = record.contacts.first
        let form = PartnersController.PartnerForm(
            name: partner.name, kind: partner.kind, siret: partner.siret, address: partner.address, postalCode: partner.postalCode, commune: partner.commune,
            website: partner.website, description: partner.presentation, services: partner.serviceThemes.map(\.rawValue),
            contactName: first?.name, contactFunction: first?.function, contactEmail: first?.email, contactPhone: first?.phone, contactListed: first?.listed == true ? "on" : nil,
            roles: record.roles.map { "\($0.cooperativeID.uuidString.lowercased()):\($0.role)" })
        return Layout.render(context, title: partner.name, status: status, content: .group(
            .p(.a(.href(SiteURL.partners(territory.id!).path), .text(context.t("Partenaires du territoire", "The territory's partners")))),
            .h1(.text(partner.name)),
            .unwrap(partner.presentation) { .p(.text($0)) },
            Kit.facts([
                (context.t("Sorte", "Kind"), partner.partnerKind.frenchLabel),
                (context.t("Services", "Services"), partner.serviceThemes.isEmpty ? "—" : partner.serviceThemes.map(\.frenchLabel).joined(separator: ", ")),
                (context.t("Adresse", "Address"), [partner.address, [partner.postalCode, partner.commune].compactMap { $0 }.joined(separator: " ")].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ").nonEmpty ?? "—"),
                ("SIRET", partner.siret ?? "—"),
                (context.t("Site web", "Website"), partner.website ?? "—"),
            ]),
            .h2(.text(context.t("Contacts", "Contacts"))),
            record.contacts.isEmpty ? .p(.text(context.t("Aucun contact à afficher.", "No contact to show."))) :
                .ul(.id("contacts"), .forEach(record.contacts) { contact in
                    .li(.text([contact.name, contact.function, contact.phone, contact.email].compactMap { $0 }.joined(separator: " — ")
                              + (contact.listed ? "" : context.t(" (non listé : visible de la coordination seulement)", " (unlisted: coordination only)"))))
                }),
            .h2(.text(context.t("Pour les coopératives", "For the cooperatives"))),
            record.roles.isEmpty ? .p(.text("—")) :
                .ul(.id("roles"), .forEach(record.roles) { role in
                    .li(.text((coopNames[role.cooperativeID] ?? "") + " : " + (PartnerRoleKind(rawValue: role.role)?.frenchLabel.lowercased() ?? role.role)))
                }),
            .h2(.text(context.t("Comptes de la structure", "The organisation's accounts"))),
            .p(.class("hint"), .text(context.t("Les orientations envoyées par ces comptes sont comptées au nom de la structure.",
                                               "Referrals sent by these accounts count under the organisation."))),
            record.members.isEmpty ? .p(.text(context.t("Aucun compte rattaché.", "No linked account."))) :
                .ul(.id("members"), .forEach(record.members) { user in
                    .li(.text(user.name),
                        .if(repository.canManage, FundingPages.mark(SiteURL.partner(territory.id!, partner.id!).path + "/members/\(user.id!)/remove",
                                                                    id: "remove-member-\(user.id!)", label: context.t("Retirer", "Remove"), context: context)))
                }),
            .if(repository.canManage, .group(
                Kit.errorSummary(memberError.map { ["email": $0] } ?? [:], order: ["email"], context: context),
                .form(.id("member-form"), .action(SiteURL.partner(territory.id!, partner.id!).path + "/members"), .method(.post),
                    Kit.csrfField(context.csrfToken),
                    Kit.input(.init(name: "email", label: context.t("Courriel du compte à rattacher", "Email of the account to link"), value: memberEmail, type: .email,
                                    error: memberError, required: true)),
                    Kit.submit(context.t("Rattacher", "Link"), id: "member-submit")))),
            .if(repository.canManage, .section(.class("panel"),
                .h2(.text(context.t("Mettre à jour", "Update"))),
                PartnersPage.formBody(action: SiteURL.partner(territory.id!, partner.id!).path, form: form, cooperatives: cooperatives, errors: errors, context: context,
                                      submit: context.t("Enregistrer", "Save"))))
        ))
    }
}
