import Fluent
import Foundation
import MaillageCore
import Plot
import Vapor

struct PartnerDTO: Content {
    struct Contact: Content { var name: String, function: String?, email: String?, phone: String?, listed: Bool }
    struct Role: Content { var coopID: UUID, role: String }
    /// An account that works for the partner (its referrals count under the partner's kind).
    struct Member: Content { var userID: UUID, name: String }
    var id: UUID
    var territoryID: UUID
    var name: String
    var kind: String
    var siret: String?
    var address: String?
    var postalCode: String?
    var commune: String?
    var website: String?
    var description: String?
    var services: [String]
    var contacts: [Contact]
    var roles: [Role]
    var members: [Member]

    init(_ record: PartnerRecord) {
        let partner = record.partner
        id = partner.id!
        territoryID = partner.territoryID
        name = partner.name
        kind = partner.kind
        siret = partner.siret
        address = partner.address
        postalCode = partner.postalCode
        commune = partner.commune
        website = partner.website
        description = partner.presentation
        services = partner.serviceThemes.map(\.rawValue)
        contacts = record.contacts.map { Contact(name: $0.name, function: $0.function, email: $0.email, phone: $0.phone, listed: $0.listed) }
        roles = record.roles.map { Role(coopID: $0.cooperativeID, role: $0.role) }
        members = record.members.map { Member(userID: $0.id!, name: $0.name) }
    }
}

/// `/api/v1/territories/:territoryID/partners…` and the pages `/territories/:territoryID/partners…`.
struct PartnersController: RouteCollection {
    let api: Bool

    func boot(routes: any RoutesBuilder) throws {
        let partners = routes.grouped("territories", ":territoryID", "partners")
        if api {
            partners.get(use: list)
            partners.post(use: create)
            partners.get(":partnerID", use: show)
            partners.patch(":partnerID", use: update)
            partners.post(":partnerID", "members", use: addMember)
            partners.delete(":partnerID", "members", ":userID", use: removeMember)
        } else {
            partners.get(use: listPage)
            partners.post(use: createFromForm)
            partners.get(":partnerID", use: page)
            partners.post(":partnerID", use: updateFromForm)
            partners.post(":partnerID", "members", use: addMemberFromForm)
            partners.post(":partnerID", "members", ":userID", "remove", use: removeMemberFromForm)
        }
    }

    struct PartnerBody: Decodable {
        struct Contact: Decodable { var name: String?, function: String?, email: String?, phone: String?, listed: Bool? }
        struct Role: Decodable { var coopID: String?, role: String? }
        var name: String?, kind: String?, siret: String?, address: String?, postalCode: String?, commune: String?, website: String?, description: String?
        var services: [String]?, contacts: [Contact]?, roles: [Role]?

        func draft(over base: PartnerDTO? = nil) -> PartnerDraft {
            PartnerDraft(name: name ?? base?.name, kind: kind ?? base?.kind, siret: siret ?? base?.siret, address: address ?? base?.address,
                         postalCode: postalCode ?? base?.postalCode, commune: commune ?? base?.commune, website: website ?? base?.website,
                         description: description ?? base?.description, services: services ?? base?.services ?? [],
                         contacts: contacts.map { $0.map { PartnerContactDraft(name: $0.name, function: $0.function, email: $0.email, phone: $0.phone, listed: $0.listed ?? false) } }
                            ?? base?.contacts.map { PartnerContactDraft(name: $0.name, function: $0.function, email: $0.email, phone: $0.phone, listed: $0.listed) } ?? [])
        }
    }

    /// `?service=childcare&kind=association&q=…`.
    static func filters(_ request: Request) throws -> (ServiceTheme?, PartnerKind?, String?) {
        var errors = FieldErrors()
        let service = try request.query.get(String?.self, at: "service").flatMap(TextRules.clean)
        let kind = try request.query.get(String?.self, at: "kind").flatMap(TextRules.clean)
        if let service, ServiceTheme(rawValue: service) == nil { errors.add("service", "Thème inconnu : " + ServiceTheme.allCases.map(\.rawValue).joined(separator: ", ") + ".") }
        if let kind, PartnerKind(rawValue: kind) == nil { errors.add("kind", "Sorte de partenaire inconnue.") }
        try errors.throwIfAny()
        return (service.flatMap(ServiceTheme.init(rawValue:)), kind.flatMap(PartnerKind.init(rawValue:)), try request.query.get(String?.self, at: "q"))
    }

    func list(request: Request) async throws -> Response {
        let repository = try await request.partnerRepository(.viewPartners)
        let (service, kind, search) = try Self.filters(request)
        return try Idempotency.encode(status: .ok, body: Page(items: try await repository.partners(service: service, kind: kind, search: search).map(PartnerDTO.init), nextCursor: nil))
    }

    func create(request: Request) async throws -> Response {
        let repository = try await request.partnerRepository(.managePartners)
        let body = try request.decodeJSON(PartnerBody.self)
        let record = try await repository.save(body.draft(), roles: (body.roles ?? []).map { .init(coopID: $0.coopID, role: $0.role) })
        return try Idempotency.encode(status: .created, body: PartnerDTO(record))
    }

    func show(request: Request) async throws -> Response {
        let repository = try await request.partnerRepository(.viewPartners)
        return try Idempotency.encode(status: .ok, body: PartnerDTO(try await repository.partner(request.parameters.get("partnerID", as: UUID.self))))
    }

    /// Fields present replace the stored ones; `contacts` and `roles` replace their lists.
    func update(request: Request) async throws -> Response {
        let repository = try await request.partnerRepository(.managePartners)
        let existing = try await repository.partner(request.parameters.get("partnerID", as: UUID.self))
        let body = try request.decodeJSON(PartnerBody.self)
        let record = try await repository.save(body.draft(over: PartnerDTO(existing)), roles: body.roles.map { $0.map { .init(coopID: $0.coopID, role: $0.role) } },
                                               replacing: existing.partner)
        return try Idempotency.encode(status: .ok, body: PartnerDTO(record))
    }

    struct MemberBody: Decodable { var email: String? }

    /// `{email}`: links the territory account with that email to the partner.
    func addMember(request: Request) async throws -> Response {
        let repository = try await request.partnerRepository(.managePartners)
        let existing = try await repository.partner(request.parameters.get("partnerID", as: UUID.self))
        let body = try request.decodeJSON(MemberBody.self)
        return try Idempotency.encode(status: .ok, body: PartnerDTO(try await repository.addMember(existing, email: body.email)))
    }

    func removeMember(request: Request) async throws -> Response {
        let repository = try await request.partnerRepository(.managePartners)
        let existing = try await repository.partner(request.parameters.get("partnerID", as: UUID.self))
        return try Idempotency.encode(status: .ok, body: PartnerDTO(try await repository.removeMember(existing, userID: request.parameters.get("userID", as: UUID.self))))
    }

    // MARK: Pages

    func addMemberFromForm(request: Request) async throws -> Response {
        let repository = try await request.partnerRepository(.managePartners)
        let existing = try await repository.partner(request.parameters.get("partnerID", as: UUID.self))
        let form = try request.content.decode(MemberBody.self)
        return try await FormSubmission.handle {
            _ = try await repository.addMember(existing, email: form.email)
            request.flash(request.language.t("Compte rattaché au partenaire.", "Account linked to the partner."))
            return request.redirect(to: SiteURL.partner(repository.territory.id!, existing.partner.id!).path)
        } invalid: { errors in
            try await PartnerPage.render(repository, existing, errors: [:], memberEmail: form.email, memberError: errors["email"],
                                         context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func removeMemberFromForm(request: Request) async throws -> Response {
        let repository = try await request.partnerRepository(.managePartners)
        let existing = try await repository.partner(request.parameters.get("partnerID", as: UUID.self))
        _ = try await repository.removeMember(existing, userID: request.parameters.get("userID", as: UUID.self))
        request.flash(request.language.t("Compte retiré du partenaire.", "Account removed from the partner."))
        return request.redirect(to: SiteURL.partner(repository.territory.id!, existing.partner.id!).path)
    }

    struct PartnerForm: Content {
        var name: String?, kind: String?, siret: String?, address: String?, postalCode: String?, commune: String?, website: String?, description: String?
        var services: [String]?
        var contactName: String?, contactFunction: String?, contactEmail: String?, contactPhone: String?, contactListed: String?
        /// `<coopID>:<role>` boxes.
        var roles: [String]?

        var draft: PartnerDraft {
            let contact = TextRules.clean(contactName) == nil && TextRules.clean(contactEmail) == nil && TextRules.clean(contactPhone) == nil ? [] :
                [PartnerContactDraft(name: contactName, function: contactFunction, email: contactEmail, phone: contactPhone, listed: contactListed == "on")]
            return PartnerDraft(name: name, kind: kind, siret: siret, address: address, postalCode: postalCode, commune: commune, website: website,
                                description: description, services: services ?? [], contacts: contact)
        }

        var roleDrafts: [PartnerRepository.RoleDraft] {
            (roles ?? []).map { box in
                let parts = box.split(separator: ":", maxSplits: 1).map(String.init)
                return .init(coopID: parts.first, role: parts.count == 2 ? parts[1] : nil)
            }
        }
    }

    func listPage(request: Request) async throws -> Response {
        let repository = try await request.partnerRepository(.viewPartners)
        let (service, kind, search) = try Self.filters(request)
        return try await PartnersPage.render(repository, service: service, kind: kind, search: search, form: PartnerForm(), errors: [:], context: request.pageContext())
    }

    func createFromForm(request: Request) async throws -> Response {
        let repository = try await request.partnerRepository(.managePartners)
        let form = try request.content.decode(PartnerForm.self)
        return try await FormSubmission.handle {
            let record = try await repository.save(form.draft, roles: form.roleDrafts)
            request.flash(request.language.t("Partenaire ajouté : ", "Partner added: ") + record.partner.name + ".")
            return request.redirect(to: SiteURL.partner(repository.territory.id!, record.partner.id!).path)
        } invalid: { errors in
            try await PartnersPage.render(repository, service: nil, kind: nil, search: nil, form: form, errors: PartnersPage.formErrors(errors),
                                          context: request.pageContext(), status: .unprocessableEntity)
        }
    }

    func page(request: Request) async throws -> Response {
        let repository = try await request.partnerRepository(.viewPartners)
        let record = try await repository.partner(request.parameters.get("partnerID", as: UUID.self))
        return try await PartnerPage.render(repository, record, errors: [:], context: request.pageContext())
    }

    func updateFromForm(request: Request) async throws -> Response {
        let repository = try await request.partnerRepository(.managePartners)
        let existing = try await repository.partner(request.parameters.get("partnerID", as: UUID.self))
        let form = try request.content.decode(PartnerForm.self)
        return try await FormSubmission.handle {
            // The form edits one contact at most: the others stay as they are.
            var draft = form.draft
            let kept = existing.contacts.dropFirst().map { PartnerContactDraft(name: $0.name, function: $0.function, email: $0.email, phone: $0.phone, listed: $0.listed) }
            draft.contacts += kept
            let record = try await repository.save(draft, roles: form.roleDrafts, replacing: existing.partner)
            request.flash(request.language.t("Partenaire mis à jour.", "Partner updated."))
            return request.redirect(to: SiteURL.partner(repository.territory.id!, record.partner.id!).path)
        } invalid: { errors in
            try await PartnerPage.render(repository, existing, errors: PartnersPage.formErrors(errors), context: request.pageContext(), status: .unprocessableEntity)
        }
    }
}
