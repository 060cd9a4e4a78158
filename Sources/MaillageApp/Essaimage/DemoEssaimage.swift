import Fluent
import Foundation
import MaillageCore

/// The demo's road to the SCIC for each cooperative, as far as its stage, and the Caillols
/// setup saved as a template. `seed --demo` only.
enum DemoEssaimage {
    static func load(on db: any Database, cooperatives: [Cooperative], admin: User) async throws {
        for coop in cooperatives {
            // Steps done by stage: emergence 1, préfiguration 3, création 5, consolidation all.
            let done: Int = switch CooperativeStage(rawValue: coop.stage) {
            case .emergence: 1
            case .prefiguration: 3
            case .creation: 5
            default: OnboardingStep.fromCollectiveToSCIC.count
            }
            let start = CalendarDay.today.adding(months: -3 * done - 2)
            try await TemplateRepository.startOnboarding(OnboardingStep.fromCollectiveToSCIC, for: coop, start: start, on: db)
            let tasks = try await OnboardingTask.query(on: db).filter(\.$cooperativeID == coop.id!).sort(\.$position).all()
            for task in tasks.prefix(done) {
                task.doneOn = task.dueOn
                try await task.save(on: db)
            }
        }
        guard let caillols = cooperatives.first, let principal = try await PrincipalLoader.load(userID: admin.id!, db: db, viaBearerToken: false) else { return }
        _ = try await TemplateRepository(db: db, principal: principal).save(
            from: caillols.id!.uuidString,
            TemplateDraft(name: "Cantine solidaire de quartier", description: "Le montage des Caillols : trois collèges, des parts à 20 €, la cantine à 1 € selon le quotient familial, la grille de compétences de la cuisine."))
    }
}
