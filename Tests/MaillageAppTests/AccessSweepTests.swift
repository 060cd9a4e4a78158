import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import Testing
import VaporTesting

/// Walks every registered route as someone of another cooperative and as a role without the
/// right. A route missing from `RouteKind.table` fails the test, so each new route has to say
/// who may use it.
@Suite("Access sweep over every route")
struct AccessSweepTests {
    enum RouteKind {
        /// Open to anyone (login, health, assets, invitation links).
        case open
        /// Any signed-in user, about themselves or what they can see.
        case anyUser
        /// Network administration.
        case networkAdmin
        /// Reading a cooperative or its territory.
        case view
        /// Changing a cooperative or who has access to it; the coordination's work on
        /// referrals and pathways.
        case manage
        /// Sending referrals and following one's own (referrers, and the coordination).
        case referral
        /// A person's file that the coordination works on and the cooperant whose file it is
        /// may open: anyone else's file is unknown (404) to a cooperant.
        case own
        /// The cooperant's own pathway, found from their account.
        case ownPathway
        /// The counter's work: the coordination and the staff (cashiers) may.
        case counter
        /// Aggregate trade figures: the coordination and the funders may, not the cashiers.
        case figures
        /// Sourcing indicators: the coordination, the staff (who buy) and the funders may.
        case sourcingFigures
        /// The statutes and the members: the cooperative's own people (staff, cooperants,
        /// members) read them; funders and referrers do not.
        case governance
        /// A member's own vote: the cooperative's people reach it (a member votes for themselves
        /// and whom they represent, the repository checks which); funders and referrers do not.
        case vote

        static let table: [String: RouteKind] = [
            "GET /healthz": .open, "GET /metrics": .open, "GET /api/v1/openapi.yaml": .open,
            "GET /assets/maillage.css": .open, "GET /assets/till.js": .open, "GET /assets/print.js": .open, "GET /assets/till-sw.js": .open, "GET /login": .open, "POST /login": .open,
            "GET /logout": .open, "POST /logout": .open,
            "GET /invitations/:token": .open, "POST /invitations/:token": .open,
            "GET /": .anyUser, "GET /profile": .anyUser, "POST /profile/language": .anyUser,
            "POST /profile/password": .anyUser, "POST /profile/tokens": .anyUser,
            "POST /profile/tokens/:tokenID/revoke": .anyUser, "GET /coops": .anyUser, "GET /api/v1/me": .anyUser,
            "GET /api/v1/territories": .anyUser, "GET /api/v1/coops": .anyUser,
            "GET /territories": .networkAdmin, "GET /territories/new": .networkAdmin,
            "POST /territories/new": .networkAdmin, "GET /coops/new": .networkAdmin,
            "POST /coops/new": .networkAdmin, "GET /admin/users": .networkAdmin,
            "POST /admin/invitations": .networkAdmin, "POST /admin/roles/:assignmentID/revoke": .networkAdmin,
            "GET /admin/audit": .networkAdmin, "GET /styleguide": .networkAdmin, "POST /api/v1/territories": .networkAdmin,
            "POST /api/v1/coops": .networkAdmin,
            "GET /territories/:territoryID": .view, "GET /coops/:coopID": .view,
            "GET /api/v1/territories/:territoryID": .view, "GET /api/v1/coops/:coopID": .view,
            "GET /coops/:coopID/edit": .manage, "POST /coops/:coopID/edit": .manage,
            "GET /coops/:coopID/access": .manage, "POST /coops/:coopID/access": .manage,
            "POST /coops/:coopID/access/:assignmentID/revoke": .manage,
            "PATCH /api/v1/coops/:coopID": .manage,
            "GET /coops/:coopID/audit": .manage, "GET /api/v1/coops/:coopID/audit": .manage,
            "GET /coops/:coopID/referrals": .referral, "GET /coops/:coopID/referrals/new": .referral,
            "POST /coops/:coopID/referrals/new": .referral, "GET /coops/:coopID/referrals/:referralID": .referral,
            "POST /coops/:coopID/referrals/:referralID/transitions": .manage,
            "GET /coops/:coopID/pathways": .manage, "GET /coops/:coopID/pathways/:pathwayID": .own,
            "POST /coops/:coopID/pathways/:pathwayID/exit": .manage,
            "GET /api/v1/coops/:coopID/referrals": .referral, "POST /api/v1/coops/:coopID/referrals": .referral,
            "GET /api/v1/coops/:coopID/referrals/:referralID": .referral,
            "POST /api/v1/coops/:coopID/referrals/:referralID/transitions": .manage,
            "GET /api/v1/coops/:coopID/pathways/:pathwayID": .own,
            "GET /api/v1/coops/:coopID/pathways/summary": .manage, "GET /api/v1/coops/:coopID/pathways": .manage,
            "POST /api/v1/coops/:coopID/pathways/:pathwayID/barriers": .manage,
            "POST /coops/:coopID/pathways/:pathwayID/barriers": .manage,
            "POST /api/v1/coops/:coopID/pathways/:pathwayID/exit": .manage,
            // A person's file, beyond entry data and exit.
            "GET /coops/:coopID/me/pathway": .ownPathway, "GET /api/v1/coops/:coopID/me/pathway": .ownPathway,
            "POST /coops/:coopID/pathways/:pathwayID/skills": .own, "POST /api/v1/coops/:coopID/pathways/:pathwayID/skills": .own,
            "POST /coops/:coopID/pathways/:pathwayID/hours": .own, "POST /api/v1/coops/:coopID/pathways/:pathwayID/hours": .own,
            "GET /coops/:coopID/pathways/:pathwayID/passport": .own,
            "POST /coops/:coopID/pathways/:pathwayID/links": .manage, "PATCH /api/v1/coops/:coopID/pathways/:pathwayID": .manage,
            "POST /coops/:coopID/pathways/:pathwayID/objectives": .manage, "POST /api/v1/coops/:coopID/pathways/:pathwayID/objectives": .manage,
            "POST /coops/:coopID/pathways/:pathwayID/objectives/:objectiveID/actions": .manage,
            "POST /api/v1/coops/:coopID/pathways/:pathwayID/objectives/:objectiveID/actions": .manage,
            "POST /coops/:coopID/pathways/:pathwayID/actions/:actionID": .manage,
            "PATCH /api/v1/coops/:coopID/pathways/:pathwayID/actions/:actionID": .manage,
            "POST /coops/:coopID/pathways/:pathwayID/appointments": .manage, "POST /api/v1/coops/:coopID/pathways/:pathwayID/appointments": .manage,
            "POST /coops/:coopID/pathways/:pathwayID/notes": .manage, "POST /api/v1/coops/:coopID/pathways/:pathwayID/notes": .manage,
            "POST /coops/:coopID/pathways/:pathwayID/hours/:entryID/validation": .manage,
            "POST /api/v1/coops/:coopID/pathways/:pathwayID/hours/:entryID/validation": .manage,
            "GET /coops/:coopID/pathways/:pathwayID/export": .manage, "GET /api/v1/coops/:coopID/pathways/:pathwayID/export": .manage,
            "GET /coops/:coopID/pathways/:pathwayID/erasure": .manage, "POST /coops/:coopID/pathways/:pathwayID/erasure": .manage,
            "POST /api/v1/coops/:coopID/pathways/:pathwayID/erasure": .manage,
            // Agenda, trainings, competence grid.
            "GET /coops/:coopID/agenda": .manage, "POST /coops/:coopID/agenda": .manage,
            "GET /coops/:coopID/agenda/:appointmentID": .manage, "GET /coops/:coopID/agenda/:appointmentID/sheet": .manage,
            "POST /coops/:coopID/agenda/:appointmentID/attendance": .manage, "POST /coops/:coopID/agenda/:appointmentID/participants": .manage,
            "GET /api/v1/coops/:coopID/appointments": .manage, "POST /api/v1/coops/:coopID/appointments": .manage,
            "GET /api/v1/coops/:coopID/appointments/:appointmentID": .manage,
            "POST /api/v1/coops/:coopID/appointments/:appointmentID/attendance": .manage,
            "POST /api/v1/coops/:coopID/appointments/:appointmentID/participants": .manage,
            "GET /coops/:coopID/trainings": .manage, "POST /coops/:coopID/trainings": .manage,
            "GET /coops/:coopID/trainings/:trainingID": .manage, "POST /coops/:coopID/trainings/:trainingID/sessions": .manage,
            "POST /coops/:coopID/trainings/:trainingID/trainees": .manage,
            "POST /coops/:coopID/trainings/:trainingID/trainees/:pathwayID/evaluation": .manage,
            "GET /api/v1/coops/:coopID/trainings": .manage, "POST /api/v1/coops/:coopID/trainings": .manage,
            "GET /api/v1/coops/:coopID/trainings/:trainingID": .manage, "POST /api/v1/coops/:coopID/trainings/:trainingID/sessions": .manage,
            "POST /api/v1/coops/:coopID/trainings/:trainingID/trainees": .manage,
            "POST /api/v1/coops/:coopID/trainings/:trainingID/trainees/:pathwayID/evaluation": .manage,
            "GET /coops/:coopID/competences": .manage, "POST /coops/:coopID/competences": .manage,
            "POST /coops/:coopID/competences/:competenceID": .manage,
            "GET /api/v1/coops/:coopID/competences": .manage, "POST /api/v1/coops/:coopID/competences": .manage,
            "PATCH /api/v1/coops/:coopID/competences/:competenceID": .manage,
            // Solidarity trade: catalogue, tariff grids, households.
            "GET /coops/:coopID/products": .counter, "GET /api/v1/coops/:coopID/products": .counter,
            "POST /coops/:coopID/products": .manage, "POST /api/v1/coops/:coopID/products": .manage,
            "POST /coops/:coopID/products/:productID": .manage, "PATCH /api/v1/coops/:coopID/products/:productID": .manage,
            "GET /coops/:coopID/tariff-grids": .counter, "GET /api/v1/coops/:coopID/tariff-grids": .counter,
            "POST /coops/:coopID/tariff-grids": .manage, "POST /api/v1/coops/:coopID/tariff-grids": .manage,
            "GET /coops/:coopID/households": .counter, "GET /api/v1/coops/:coopID/households": .counter,
            "POST /coops/:coopID/households": .counter, "POST /api/v1/coops/:coopID/households": .counter,
            "GET /api/v1/coops/:coopID/households/:card": .counter, "GET /coops/:coopID/households/:card/card": .counter,
            "POST /coops/:coopID/households/settings": .manage,
            "GET /api/v1/coops/:coopID/trade-settings": .counter, "PUT /api/v1/coops/:coopID/trade-settings": .manage,
            // Local sourcing: the staff buy (suppliers, purchases, files, recipes); the coordination says what local means.
            "GET /coops/:coopID/suppliers": .counter, "POST /coops/:coopID/suppliers": .counter, "GET /coops/:coopID/suppliers/:supplierID": .counter,
            "POST /coops/:coopID/suppliers/:supplierID": .counter, "PATCH /api/v1/coops/:coopID/suppliers/:supplierID": .counter,
            "GET /coops/:coopID/purchases": .counter, "POST /coops/:coopID/purchases": .counter,
            "GET /coops/:coopID/purchases/import": .counter, "POST /coops/:coopID/purchases/import": .counter,
            "GET /coops/:coopID/purchases/:purchaseID": .counter, "POST /coops/:coopID/purchases/:purchaseID/attachment": .counter,
            "GET /coops/:coopID/purchases/:purchaseID/attachment": .counter,
            "GET /coops/:coopID/recipes": .counter, "POST /coops/:coopID/recipes": .counter, "GET /coops/:coopID/recipes/:recipeID": .counter,
            "GET /coops/:coopID/sourcing": .sourcingFigures, "POST /coops/:coopID/sourcing/settings": .manage,
            "GET /api/v1/coops/:coopID/suppliers": .counter, "POST /api/v1/coops/:coopID/suppliers": .counter,
            "GET /api/v1/coops/:coopID/suppliers/:supplierID": .counter,
            "GET /api/v1/coops/:coopID/purchases": .counter, "POST /api/v1/coops/:coopID/purchases": .counter,
            "POST /api/v1/coops/:coopID/purchases/import": .counter, "GET /api/v1/coops/:coopID/purchases/export": .counter,
            "GET /api/v1/coops/:coopID/purchases/:purchaseID": .counter, "PUT /api/v1/coops/:coopID/purchases/:purchaseID/attachment": .counter,
            "GET /api/v1/coops/:coopID/purchases/:purchaseID/attachment": .counter,
            "GET /api/v1/coops/:coopID/sourcing/indicators": .sourcingFigures, "GET /api/v1/coops/:coopID/sourcing-settings": .sourcingFigures,
            "PUT /api/v1/coops/:coopID/sourcing-settings": .manage,
            // Governance: statutes, categories, colleges, members.
            "GET /coops/:coopID/governance": .governance, "POST /coops/:coopID/governance": .manage,
            "POST /coops/:coopID/governance/categories": .manage, "POST /coops/:coopID/governance/colleges": .manage,
            "GET /coops/:coopID/members": .governance, "POST /coops/:coopID/members": .manage,
            "GET /api/v1/coops/:coopID/statutes": .governance, "PUT /api/v1/coops/:coopID/statutes": .manage,
            "GET /api/v1/coops/:coopID/member-categories": .governance, "POST /api/v1/coops/:coopID/member-categories": .manage,
            "GET /api/v1/coops/:coopID/colleges": .governance, "POST /api/v1/coops/:coopID/colleges": .manage,
            "GET /api/v1/coops/:coopID/members": .governance, "POST /api/v1/coops/:coopID/members": .manage,
            "GET /coops/:coopID/capital": .governance, "POST /coops/:coopID/capital/share-classes": .manage, "POST /coops/:coopID/capital/operations": .manage,
            "GET /api/v1/coops/:coopID/share-classes": .governance, "POST /api/v1/coops/:coopID/share-classes": .manage,
            "GET /api/v1/coops/:coopID/capital": .governance, "POST /api/v1/coops/:coopID/capital/operations": .manage,
            // Subscription requests (a member asks for their own shares), members' pages, exits, certificates.
            "POST /coops/:coopID/subscription-requests": .vote, "POST /coops/:coopID/subscription-requests/:requestID/transitions": .manage,
            "GET /coops/:coopID/members/:memberID": .governance, "POST /coops/:coopID/members/:memberID/exit": .manage,
            "GET /coops/:coopID/members/:memberID/certificate": .manage, "POST /coops/:coopID/members/:memberID/account": .manage,
            "PUT /api/v1/coops/:coopID/members/:memberID/account": .manage,
            "GET /api/v1/coops/:coopID/subscription-requests": .governance, "POST /api/v1/coops/:coopID/subscription-requests": .vote,
            "POST /api/v1/coops/:coopID/subscription-requests/:requestID/consents": .manage,
            "POST /api/v1/coops/:coopID/subscription-requests/:requestID/transitions": .manage,
            "GET /api/v1/coops/:coopID/members/:memberID": .governance, "POST /api/v1/coops/:coopID/members/:memberID/exit": .manage,
            "GET /api/v1/coops/:coopID/capital/history": .governance,
            // The territory's partner directory: everyone there reads it, the coordination keeps it.
            "GET /territories/:territoryID/partners": .view, "POST /territories/:territoryID/partners": .manage,
            "GET /territories/:territoryID/partners/:partnerID": .view, "POST /territories/:territoryID/partners/:partnerID": .manage,
            "GET /api/v1/territories/:territoryID/partners": .view, "POST /api/v1/territories/:territoryID/partners": .manage,
            "GET /api/v1/territories/:territoryID/partners/:partnerID": .view, "PATCH /api/v1/territories/:territoryID/partners/:partnerID": .manage,
            // Impact: a cooperative's and a territory's figures for the coordination and its funders
            // (the territory's from any cooperative in it); the network's for anyone with that right
            // in one of its cooperatives (ImpactTests refuses the others); the catalogue for all.
            "GET /api/v1/coops/:coopID/indicators": .figures, "GET /api/v1/coops/:coopID/indicators.csv": .figures, "GET /coops/:coopID/impact": .figures,
            "GET /api/v1/territories/:territoryID/indicators": .figures, "GET /api/v1/territories/:territoryID/indicators.csv": .figures,
            "GET /territories/:territoryID/impact": .figures,
            "GET /api/v1/network/indicators": .anyUser, "GET /api/v1/network/indicators.csv": .anyUser, "GET /network/impact": .anyUser,
            "GET /api/v1/indicators": .anyUser, "GET /indicators": .anyUser,
            "GET /api/v1/coops/:coopID/funders/:partnerID/report": .figures, "GET /api/v1/coops/:coopID/funders/:partnerID/report.csv": .figures,
            "GET /coops/:coopID/funders/:partnerID/report": .figures,
            "GET /api/v1/network/settings": .networkAdmin, "PUT /api/v1/network/settings": .networkAdmin, "POST /network/settings": .networkAdmin,
            "GET /api/v1/coops/:coopID/funding-agreements/:agreementID/report": .figures, "GET /api/v1/coops/:coopID/funding-agreements/:agreementID/report.csv": .figures,
            "PUT /api/v1/coops/:coopID/funding-agreements/:agreementID/report": .manage, "GET /coops/:coopID/funding-agreements/:agreementID/report": .figures,
            "POST /coops/:coopID/funding-agreements/:agreementID/report": .manage,
            // Essaimage: templates for the network admin; a cooperative's road to the SCIC read by its
            // people, moved by its coordination.
            "GET /api/v1/templates": .networkAdmin, "POST /api/v1/templates": .networkAdmin, "GET /templates": .networkAdmin, "POST /templates": .networkAdmin,
            "GET /api/v1/coops/:coopID/onboarding": .view, "POST /api/v1/coops/:coopID/onboarding/:taskID/done": .manage,
            "POST /coops/:coopID/onboarding/:taskID/done": .manage,
            "POST /territories/:territoryID/partners/:partnerID/members": .manage, "POST /territories/:territoryID/partners/:partnerID/members/:userID/remove": .manage,
            "POST /api/v1/territories/:territoryID/partners/:partnerID/members": .manage, "DELETE /api/v1/territories/:territoryID/partners/:partnerID/members/:userID": .manage,
            // Pooled resources: the territory's people see them, the coordination and the staff book them;
            // the calendar feeds open with the secret token in their address.
            "GET /territories/:territoryID/resources": .view, "POST /territories/:territoryID/resources": .manage,
            "GET /resources/:resourceID": .view, "POST /resources/:resourceID/bookings": .counter,
            "GET /api/v1/territories/:territoryID/resources": .view, "POST /api/v1/territories/:territoryID/resources": .manage,
            "GET /api/v1/resources/:resourceID": .view, "GET /api/v1/resources/:resourceID/bookings": .view,
            "POST /api/v1/resources/:resourceID/bookings": .counter,
            "GET /calendar/resources/:file": .open, "GET /calendar/users/:file": .open,
            // Funding agreements: the coordination records them; funders read them.
            "GET /coops/:coopID/funding-agreements": .figures, "POST /coops/:coopID/funding-agreements": .manage,
            "GET /coops/:coopID/funding-agreements/:agreementID": .figures,
            "GET /api/v1/coops/:coopID/funding-agreements": .figures, "POST /api/v1/coops/:coopID/funding-agreements": .manage,
            "GET /api/v1/coops/:coopID/funding-agreements/:agreementID": .figures,
            "POST /api/v1/coops/:coopID/funding-agreements/:agreementID/instalments/:instalmentID/received": .manage,
            "POST /api/v1/coops/:coopID/funding-agreements/:agreementID/deadlines/:deadlineID/reported": .manage,
            "POST /coops/:coopID/funding-agreements/:agreementID/instalments/:instalmentID/received": .manage,
            "POST /coops/:coopID/funding-agreements/:agreementID/deadlines/:deadlineID/reported": .manage,
            // Everyday decisions: the cooperative's people ask and vote; the author or the coordination concludes.
            "GET /coops/:coopID/decisions": .governance, "POST /coops/:coopID/decisions": .vote,
            "GET /coops/:coopID/decisions/:decisionID": .governance, "POST /coops/:coopID/decisions/:decisionID/votes": .vote,
            "POST /coops/:coopID/decisions/:decisionID/close": .manage,
            "GET /api/v1/coops/:coopID/decisions": .governance, "POST /api/v1/coops/:coopID/decisions": .vote,
            "GET /api/v1/coops/:coopID/decisions/:decisionID": .governance, "POST /api/v1/coops/:coopID/decisions/:decisionID/votes": .vote,
            "POST /api/v1/coops/:coopID/decisions/:decisionID/close": .manage,
            // General assemblies: the coordination runs them, the cooperative's people read them, members vote.
            "GET /coops/:coopID/assemblies": .governance, "POST /coops/:coopID/assemblies": .manage,
            "GET /coops/:coopID/assemblies/:assemblyID": .governance, "POST /coops/:coopID/assemblies/:assemblyID/bureau": .manage,
            "GET /coops/:coopID/assemblies/:assemblyID/convocation": .governance, "POST /coops/:coopID/assemblies/:assemblyID/convocation": .manage,
            "POST /coops/:coopID/assemblies/:assemblyID/attendance": .manage, "POST /coops/:coopID/assemblies/:assemblyID/resolutions": .manage,
            "POST /coops/:coopID/assemblies/:assemblyID/resolutions/:resolutionID/votes": .manage,
            "POST /coops/:coopID/assemblies/:assemblyID/resolutions/:resolutionID/close": .manage,
            "GET /coops/:coopID/assemblies/:assemblyID/vote": .governance, "POST /coops/:coopID/assemblies/:assemblyID/vote": .vote,
            "GET /coops/:coopID/assemblies/:assemblyID/minutes": .governance, "POST /coops/:coopID/assemblies/:assemblyID/minutes/lock": .manage,
            "GET /api/v1/coops/:coopID/assemblies": .governance, "POST /api/v1/coops/:coopID/assemblies": .manage,
            "GET /api/v1/coops/:coopID/assemblies/:assemblyID": .governance, "PUT /api/v1/coops/:coopID/assemblies/:assemblyID/bureau": .manage,
            "POST /api/v1/coops/:coopID/assemblies/:assemblyID/convocation": .manage, "POST /api/v1/coops/:coopID/assemblies/:assemblyID/attendance": .manage,
            "POST /api/v1/coops/:coopID/assemblies/:assemblyID/resolutions": .manage,
            "POST /api/v1/coops/:coopID/assemblies/:assemblyID/resolutions/:resolutionID/votes": .vote,
            "POST /api/v1/coops/:coopID/assemblies/:assemblyID/resolutions/:resolutionID/close": .manage,
            "GET /api/v1/coops/:coopID/assemblies/:assemblyID/resolutions/:resolutionID/result": .governance,
            "GET /api/v1/coops/:coopID/assemblies/:assemblyID/minutes": .governance, "POST /api/v1/coops/:coopID/assemblies/:assemblyID/minutes/lock": .manage,
            "GET /api/v1/coops/:coopID/recipes": .counter, "POST /api/v1/coops/:coopID/recipes": .counter,
            "GET /api/v1/coops/:coopID/recipes/:recipeID": .counter, "GET /api/v1/coops/:coopID/recipes/:recipeID/cost": .counter,
            "POST /api/v1/coops/:coopID/sales": .counter, "GET /api/v1/coops/:coopID/sales": .counter,
            "GET /api/v1/coops/:coopID/sales/:saleID": .counter, "POST /api/v1/coops/:coopID/sales/:saleID/refund": .counter,
            "GET /api/v1/coops/:coopID/journal/verify": .counter, "GET /api/v1/coops/:coopID/pool": .counter,
            "POST /api/v1/coops/:coopID/closings": .counter, "GET /api/v1/coops/:coopID/closings": .counter,
            "GET /api/v1/coops/:coopID/closings/:closingID/archive": .counter,
            "GET /coops/:coopID/till": .counter, "GET /coops/:coopID/sales": .counter, "GET /coops/:coopID/sales/:saleID": .counter,
            "POST /coops/:coopID/sales/:saleID/refund": .counter, "GET /coops/:coopID/closings": .counter,
            "POST /coops/:coopID/closings": .counter, "GET /coops/:coopID/closings/:closingID/archive": .counter,
            "GET /coops/:coopID/closings/:closingID": .counter, "POST /coops/:coopID/drawer/open": .counter,
            "GET /api/v1/coops/:coopID/drawer": .counter, "POST /api/v1/coops/:coopID/drawer/open": .counter,
            "GET /coops/:coopID/sales/:saleID/print": .counter, "POST /coops/:coopID/sales/:saleID/prints": .counter,
            "POST /api/v1/coops/:coopID/sales/:saleID/prints": .counter,
            // Catering documents: the counter's staff prepare them; the mentions are the coordination's.
            "GET /coops/:coopID/invoices": .counter, "POST /coops/:coopID/invoices": .counter,
            "GET /coops/:coopID/invoices/:invoiceID": .counter, "POST /coops/:coopID/invoices/:invoiceID/transitions": .counter,
            "POST /coops/:coopID/invoices/:invoiceID/issue": .counter, "POST /coops/:coopID/invoices/:invoiceID/credit-note": .counter,
            "GET /coops/:coopID/invoices/settings": .manage, "POST /coops/:coopID/invoices/settings": .manage,
            "POST /api/v1/coops/:coopID/invoices": .counter, "GET /api/v1/coops/:coopID/invoices": .counter,
            "GET /api/v1/coops/:coopID/invoices/:invoiceID": .counter, "PATCH /api/v1/coops/:coopID/invoices/:invoiceID": .counter,
            "POST /api/v1/coops/:coopID/invoices/:invoiceID/transitions": .counter,
            "POST /api/v1/coops/:coopID/invoices/:invoiceID/issue": .counter, "POST /api/v1/coops/:coopID/invoices/:invoiceID/credit-note": .counter,
            "GET /coops/:coopID/trade-figures": .figures, "GET /api/v1/coops/:coopID/trade-figures": .figures,
            "GET /api/v1/coops/:coopID/invoice-settings": .counter, "PUT /api/v1/coops/:coopID/invoice-settings": .manage,
        ]
    }

    struct Target {
        var coopID: UUID
        var territoryID: UUID
        var assignmentID: UUID
        var referralID: UUID
        var pathwayID: UUID
        var objectiveID: UUID
        var actionID: UUID
        var entryID: UUID
        var appointmentID: UUID
        var trainingID: UUID
        var competenceID: UUID
        var productID: UUID
        var card: String
        var saleID: UUID
        var closingID: UUID
        var invoiceID: UUID
        var supplierID: UUID
        var purchaseID: UUID
        var recipeID: UUID
        var assemblyID: UUID
        var resolutionID: UUID
        var memberID: UUID
        var requestID: UUID
        var decisionID: UUID
        var partnerID: UUID
        var agreementID: UUID
        var resourceID: UUID

        func path(_ route: Route) -> String {
            "/" + route.path.map { component -> String in
                guard case .parameter(let name) = component else { return component.description }
                switch name {
                case "coopID": return coopID.uuidString
                case "territoryID": return territoryID.uuidString
                case "assignmentID": return assignmentID.uuidString
                case "referralID": return referralID.uuidString
                case "pathwayID": return pathwayID.uuidString
                case "objectiveID": return objectiveID.uuidString
                case "actionID": return actionID.uuidString
                case "entryID": return entryID.uuidString
                case "appointmentID": return appointmentID.uuidString
                case "trainingID": return trainingID.uuidString
                case "competenceID": return competenceID.uuidString
                case "productID": return productID.uuidString
                case "card": return card
                case "saleID": return saleID.uuidString
                case "closingID": return closingID.uuidString
                case "invoiceID": return invoiceID.uuidString
                case "supplierID": return supplierID.uuidString
                case "purchaseID": return purchaseID.uuidString
                case "recipeID": return recipeID.uuidString
                case "assemblyID": return assemblyID.uuidString
                case "resolutionID": return resolutionID.uuidString
                case "memberID": return memberID.uuidString
                case "requestID": return requestID.uuidString
                case "decisionID": return decisionID.uuidString
                case "partnerID": return partnerID.uuidString
                case "agreementID": return agreementID.uuidString
                case "resourceID": return resourceID.uuidString
                default: return "x"
                }
            }.joined(separator: "/")
        }
    }

    @Test func everyRouteIsClassified() async throws {
        try await withMaillage { app in
            for route in app.routes.all {
                #expect(RouteKind.table[Self.key(route)] != nil, "unclassified route: \(Self.key(route))")
            }
        }
    }

    @Test func anotherCooperativesCoordinatorIsRefusedEverywhere() async throws {
        try await withMaillage { app in
            let target = try await Self.target(app)
            // Karim coordinates Avignon; the target is the Caillols cooperative in Marseille.
            let outcomes = try await Self.sweep(app, as: "coordination.avignon@maillage.example", target: target, kinds: [.networkAdmin, .view, .manage, .referral, .own, .ownPathway, .counter, .figures, .sourcingFigures, .governance, .vote])
            for (key, kind, status) in outcomes {
                switch kind {
                case .view, .manage, .referral, .own, .ownPathway, .counter, .figures, .sourcingFigures, .governance, .vote:
                    #expect(status == .notFound, "\(key) answered \(status.code), expected 404")
                default:
                    #expect(status == .forbidden, "\(key) answered \(status.code), expected 403")
                }
            }
            #expect(try await Demo.cooperative(Demo.caillols, app: app).name == Demo.caillols)
            #expect(try await RoleAssignment.find(target.assignmentID, on: app.db) != nil)
        }
    }

    @Test func everyRoleOfAnotherCooperativeIsRefusedEverywhere() async throws {
        try await withMaillage { app in
            let target = try await Self.target(app)
            let avignon = try await Demo.cooperative(Demo.avignon, app: app)
            let accounts = AccountService(db: app.db)
            // Each role of the Avignon cooperative (its coordinator is swept above), and a
            // coordinator and a funder over the whole Vaucluse territory.
            let roles: [(Role, ScopeKind, UUID)] = [
                (.staff, .cooperative, avignon.id!), (.cooperant, .cooperative, avignon.id!), (.member, .cooperative, avignon.id!),
                (.referrer, .cooperative, avignon.id!), (.funder, .cooperative, avignon.id!),
                (.coordinator, .territory, avignon.$territory.id), (.funder, .territory, avignon.$territory.id),
            ]
            for (index, (role, scope, scopeID)) in roles.enumerated() {
                let user = try await accounts.createUser(email: "role\(index)@avignon.example", name: "Avignon \(role.rawValue)", password: DemoData.password)
                try await accounts.grant(role, on: scope, id: scopeID, to: user.id!, by: nil, request: nil)
                let outcomes = try await Self.sweep(app, as: user.email, target: target, kinds: [.networkAdmin, .view, .manage, .referral, .own, .ownPathway, .counter, .figures, .sourcingFigures, .governance, .vote])
                for (key, kind, status) in outcomes {
                    let expected: HTTPResponseStatus = kind == .networkAdmin ? .forbidden : .notFound
                    #expect(status == expected, "\(role.rawValue) of \(scope.rawValue) Avignon: \(key) answered \(status.code), expected \(expected.code)")
                }
            }
            #expect(try await RoleAssignment.find(target.assignmentID, on: app.db) != nil)
        }
    }

    @Test func aRoleWithoutTheRightIsRefusedInItsOwnCooperative() async throws {
        try await withMaillage { app in
            let target = try await Self.target(app)
            for email in ["caisse@maillage.example", "financeur@maillage.example", "orientation@maillage.example", "cooperant@maillage.example", "societaire@maillage.example"] {
                let outcomes = try await Self.sweep(app, as: email, target: target, kinds: [.networkAdmin, .view, .manage, .referral, .own, .ownPathway, .counter, .figures, .sourcingFigures, .governance, .vote])
                let cooperant = email == "cooperant@maillage.example"
                for (key, kind, status) in outcomes {
                    if kind == .own && cooperant {
                        // Someone else's file: as if it did not exist.
                        #expect(status == .notFound, "\(email): \(key) answered \(status.code), expected 404")
                    } else if kind == .ownPathway && cooperant {
                        #expect(status == .ok, "\(email): \(key) answered \(status.code), expected 200")
                    } else if kind == .figures && email == "financeur@maillage.example" {
                        #expect(status == .ok, "\(email): \(key) answered \(status.code), expected 200")
                    } else if kind == .governance && ["caisse@maillage.example", "cooperant@maillage.example", "societaire@maillage.example"].contains(email) {
                        #expect(status == .ok, "\(email): \(key) answered \(status.code), expected 200")
                    } else if kind == .vote && ["caisse@maillage.example", "cooperant@maillage.example", "societaire@maillage.example"].contains(email) {
                        // Their own vote: allowed (a form error here, the body naming nobody).
                        #expect(status != .forbidden && status != .notFound, "\(email): \(key) answered \(status.code)")
                    } else if kind == .sourcingFigures && email == "financeur@maillage.example" {
                        #expect(status == .ok, "\(email): \(key) answered \(status.code), expected 200")
                    } else if (kind == .counter || kind == .sourcingFigures) && email == "caisse@maillage.example" {
                        // The cashier's own work: allowed (a page, a redirect or a form error).
                        #expect(status != .forbidden && status != .notFound, "\(email): \(key) answered \(status.code)")
                    } else if kind == .view {
                        #expect(status == .ok, "\(email): \(key) answered \(status.code), expected 200")
                    } else if kind == .referral && email == "orientation@maillage.example" {
                        // The referrer's own work: allowed (a page, a redirect or a form error).
                        #expect(status != .forbidden && status != .notFound, "\(email): \(key) answered \(status.code)")
                    } else {
                        #expect(status == .forbidden, "\(email): \(key) answered \(status.code), expected 403")
                    }
                }
            }
            #expect(try await RoleAssignment.find(target.assignmentID, on: app.db) != nil)
        }
    }

    @Test func anonymousVisitorsAreSentToLogin() async throws {
        try await withMaillage { app in
            let target = try await Self.target(app)
            for route in app.routes.all {
                guard let kind = RouteKind.table[Self.key(route)], kind != .open else { continue }
                let response = try await app.testing().sendRequest(route.method, target.path(route))
                if route.path.first?.description == "api" {
                    #expect(response.status == .unauthorized, "\(Self.key(route))")
                } else if route.method == .GET {
                    #expect(response.status == .seeOther, "\(Self.key(route))")
                    #expect(response.headers.first(name: .location)?.hasPrefix("/login") == true, "\(Self.key(route))")
                } else {
                    // A form post without a session is refused before anything else.
                    #expect(response.status == .forbidden, "\(Self.key(route))")
                }
            }
        }
    }

    // MARK: Helpers

    static func key(_ route: Route) -> String {
        "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
    }

    static func target(_ app: Application) async throws -> Target {
        let caillols = try await Demo.cooperative(Demo.caillols, app: app)
        let staff = try #require(try await AccessService(db: app.db).holders(scopes: [(.cooperative, caillols.id!)]).first { $0.email == "cooperant@maillage.example" })
        // A referral sent by the demo referrer, accepted by the coordinator.
        let referrer = try await TestActors.scope("orientation@maillage.example", coop: caillols, app: app)
        let request = Request(application: app, on: app.eventLoopGroup.next())
        let valid = try ReferralDraft(firstName: "Inès", lastName: "Balayage", reason: "Cuisine", consentGiven: true).validate(today: .today)
        let referral = try await PathwaysRepository(db: app.db, scope: referrer).createReferral(valid, request: request)
        let coordination = PathwaysRepository(db: app.db, scope: try await TestActors.scope("coordination@maillage.example", coop: caillols, app: app))
        for step in ["received", "interview", "accepted"] {
            _ = try await coordination.move(referral, to: step, reason: nil, shareReason: false, request: request)
        }
        let pathway = try await coordination.pathway(try #require(referral.pathwayID), request: request)
        let objective = try await coordination.addObjective(pathway, ObjectiveDraft(focus: "Emploi", kind: "employment", title: "Commis", actions: ["CV"]))
        let entry = try await coordination.addHours(pathway, viewer: .coordination, HoursDraft(week: CalendarDay.today.description, role: "kitchen", hours: 7), today: .today)
        let appointment = try await coordination.createAppointment(
            AppointmentDraft(kind: "workshop", title: "Atelier CV", startsAt: "2026-12-01T14:00", durationMinutes: 90), allowedKinds: [.workshop], pathwayIDs: [pathway.id!])
        let training = try await coordination.createTraining(title: "HACCP", provider: nil)
        let trade = TradeRepository(db: app.db, scope: coordination.scope)
        var product = try await trade.products().first
        if product == nil { product = try await trade.createProduct(ProductDraft(name: "Repas", category: "repas", publicPriceCents: 450, vatRate: "10")) }
        if try await trade.currentGrid(on: .today) == nil {
            _ = try await trade.createGrid(TariffGridDraft(name: "Grille", validFrom: CalendarDay.today.description,
                                                           brackets: [.init(maxFamilyQuotient: nil, percentOfPublic: 50)]), request: request)
        }
        let productID = product?.id?.uuidString
        let sale = try await app.db.transaction { tx in
            try await TradeRepository(db: tx, scope: coordination.scope).recordSale(SaleDraft(
                householdID: nil, lines: [.init(productID: productID, quantity: 1)], payments: [.init(method: "cash", amountCents: 100_000)]
            ), on: tx)
        }
        // Last month's closing: it does not stop today's sales.
        let closing = try await app.db.transaction { tx in
            try await TradeRepository(db: tx, scope: coordination.scope).close(period: "month", date: CalendarDay.today.adding(months: -1).description, today: .today, on: tx)
        }
        let quote = try await InvoiceRepository(db: app.db, scope: coordination.scope).create(InvoiceDraft(
            customerName: "Centre social", customerAddress: "1 rue des Caillols, 13012 Marseille",
            lines: [InvoiceLineDraft(description: "Buffet", quantity: 10, unitPriceCents: 850, vatRate: "10")]))
        let household = try await trade.registerHousehold(card: nil, proof: ProofDraft(kind: "social_worker_referral", familyQuotient: nil, issuedOn: CalendarDay.today.description), today: .today)
        let sourcing = SourcingRepository(db: app.db, scope: coordination.scope)
        let supplier = try await sourcing.createSupplier(SupplierDraft(name: "Ferme du Garlaban", kind: "producer", intermediaries: 0))
        let (purchase, _) = try await sourcing.createPurchase(supplierID: supplier.id, PurchaseDraft(date: CalendarDay.today.description, lines: [
            PurchaseLineDraft(description: "Courgettes", family: "fruits-legumes", priceCents: 4_800, quantity: 20, unit: "kg"),
        ]), source: "api", today: .today)
        _ = try await sourcing.attach(Data("%PDF-1.4 facture".utf8), name: "facture.pdf", to: purchase.id!)
        let recipe = try await sourcing.createRecipe(RecipeDraft(name: "Ratatouille", portions: 10, ingredients: [
            .init(name: "Courgettes", quantity: 1_500, usageUnit: "g", usagePerPurchaseUnit: 1_000),
        ]), productID: product?.id)
        let assemblies = AssemblyRepository(db: app.db, scope: coordination.scope)
        let assembly = try await assemblies.create(AssemblyDraft(kind: "ordinary", convocation: "first", date: CalendarDay.today.adding(days: 30).description))
        let resolution = try await assemblies.addResolution(assembly, ResolutionDraft(title: "Comptes", text: "L'assemblée approuve les comptes."))
        // A member nobody in the sweep is, with a share class and a request for shares.
        let governance = GovernanceRepository(db: app.db, scope: coordination.scope)
        _ = try await governance.createCategory(MemberCategoryDraft(name: "Habitant·es", kind: "beneficiaries"))
        let member = try await governance.admit(MemberDraft(displayName: "Inès Balayage", kind: "person", admittedOn: "2025-06-21"),
                                                categoryRef: "Habitant·es", collegeRef: nil, today: .today)
        _ = try await CapitalRepository(db: app.db, scope: coordination.scope).createShareClass(name: "Part sociale", nominalCents: 2_000, minimumQuantity: 1)
        let subscription = try await MemberCapitalRepository(db: app.db, scope: coordination.scope).createRequest(
            .init(memberID: member.id!.uuidString, shareClassID: nil, quantity: 2, statutesAccepted: false, privacyAccepted: false))
        let decision = try await DecisionRepository(db: app.db, scope: coordination.scope).create(
            DecisionDraft(kind: "proposal", title: "Fermer le 15 août", closesAt: CalendarDay.today.adding(days: 10).description), now: Date())
        let territory = try #require(try await Territory.find(caillols.$territory.id, on: app.db))
        let partner = try await PartnerRepository(db: app.db, territory: territory, principal: coordination.scope.principal)
            .save(PartnerDraft(name: "Centre social Balayage", kind: "centre-social", services: ["childcare"]), roles: nil)
        let agreement = try await FundingRepository(db: app.db, scope: coordination.scope).create(funderID: partner.partner.id!.uuidString, FundingAgreementDraft(
            programme: "Politique de la ville", amountCents: 2_000_000, startsOn: "2026-01-01", endsOn: "2026-12-31",
            targets: [.init(indicator: "meals-sold", target: 10_000)]), today: .today)
        let resource = try await ResourceRepository(db: app.db, principal: coordination.scope.principal)
            .create(in: territory, ResourceDraft(name: "Salle polyvalente", kind: "room"), offeredByCoop: nil)
        return Target(coopID: caillols.id!, territoryID: caillols.$territory.id, assignmentID: staff.assignmentID,
                      referralID: referral.id!, pathwayID: pathway.id!, objectiveID: objective.id!, actionID: try #require(objective.actions.first?.id),
                      entryID: entry.id!, appointmentID: appointment.id!, trainingID: training.id!,
                      competenceID: try #require(try await coordination.competences().first?.id), productID: try #require(product?.id), card: household.card, saleID: sale.id!, closingID: closing.id!, invoiceID: quote.id!,
                      supplierID: supplier.id!, purchaseID: purchase.id!, recipeID: recipe.id!, assemblyID: assembly.id!, resolutionID: resolution.id!,
                      memberID: member.id!, requestID: subscription.id!, decisionID: decision.id!, partnerID: partner.partner.id!, agreementID: agreement.id!, resourceID: resource.id!)
    }

    /// Calls every route of the given kinds as `email`: pages with the session (and its CSRF
    /// token), the API with a bearer token. Bodies are valid, so only access can refuse them.
    static func sweep(_ app: Application, as email: String, target: Target, kinds: Set<RouteKind>) async throws -> [(String, RouteKind, HTTPResponseStatus)] {
        var browser = Browser(app)
        try await browser.login(email)
        let api = try await APIClient.forDemo(email, app: app)
        var outcomes: [(String, RouteKind, HTTPResponseStatus)] = []
        for route in app.routes.all {
            let key = key(route)
            guard let kind = RouteKind.table[key], kinds.contains(kind) else { continue }
            let path = target.path(route)
            let status: HTTPResponseStatus
            if route.path.first?.description == "api" {
                let json: String? = switch route.method {
                case .POST where path.hasSuffix("territories"): #"{"name":"Balayage","kind":"rural"}"#
                case .POST: #"{"name":"Balayage","territoryID":"\#(target.territoryID)","legalForm":"scic"}"#
                case .PATCH: #"{"stage":"consolidation"}"#
                case .POST where path.hasSuffix("referrals"): #"{"person":{"firstName":"A","lastName":"B"},"reason":"Balayage","consent":{"given":true}}"#
                case .POST where path.hasSuffix("transitions"): #"{"to":"refused","reason":"Balayage"}"#
                case .POST where path.hasSuffix("exit"): #"{"date":"2026-01-05","destination":"cdi"}"#
                case .POST where path.hasSuffix("barriers"): #"{"barrier":"mobility","level":"light"}"#
                default: nil
                }
                status = try await api.send(route.method, path, json: json).status
            } else if route.method == .GET {
                status = try await browser.get(path).status
            } else {
                try await browser.get("/profile")
                status = try await browser.post(path, form: [
                    "name": "Balayage", "kind": "rural", "territoryID": target.territoryID.uuidString,
                    "legalForm": "scic", "stage": "creation", "email": "balayage@exemple.fr", "role": "staff",
                    "scope": "cooperative:\(target.coopID.uuidString)", "to": "refused", "reason": "Balayage",
                    "firstName": "A", "lastName": "B", "consent": "on", "destination": "cdi", "date": "2026-01-05",
                    "barrier": "mobility", "level": "light", "focus": "Emploi", "objectiveKind": "employment", "objectiveTitle": "Commis",
                    "label": "Balayage", "status": "done", "noteBody": "Balayage", "week": "2026-11-23", "hours": "7",
                    "competenceID": target.competenceID.uuidString, "skillLevel": "autonomous", "startsAt": "2026-12-01T14:00",
                    "durationMinutes": "60", "appointmentKind": "appointment", "appointmentTitle": "Balayage", "title": "Balayage",
                    "pathwayID": target.pathwayID.uuidString, "evaluation": "acquired", "satisfaction": "5", "active": "false",
                ]).status
            }
            outcomes.append((key, kind, status))
        }
        #expect(outcomes.count > 15)
        return outcomes
    }
}

extension AccessSweepTests.RouteKind: Hashable {}
