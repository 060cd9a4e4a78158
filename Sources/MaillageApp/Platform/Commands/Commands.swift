import Fluent
import Foundation
import MaillageCore
import Vapor

/// The executable's own commands, beside Vapor's `serve`, `migrate` and `routes`.
enum Commands {
    static func register(on app: Application) {
        app.asyncCommands.use(SeedCommand(), as: "seed")
        app.asyncCommands.use(UserCommands(), as: "user")
        app.asyncCommands.use(TokenCommands(), as: "token")
        app.asyncCommands.use(PrivacyCommands(), as: "privacy")
        app.asyncCommands.use(JournalCommands(), as: "journal")
        app.asyncCommands.use(BackupCommand(), as: "backup")
        app.asyncCommands.use(RestoreCommand(), as: "restore")
    }
}

/// `maillage seed --demo`: the demo network, idempotent. `maillage seed --scale N`: a network of
/// 10×N cooperatives with three years of records, for the benchmarks (`bench/run`).
struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "demo", help: "Load the demo network (three territories, three cooperatives, one account per role).")
        var demo: Bool
        @Option(name: "scale", help: "Load a network at scale N (N = 1: 10 cooperatives, 5 000 people, 1 000 000 till lines over three years).")
        var scale: Int?
    }

    var help: String { "Loads data: --demo for the demo network, --scale N for a network at scale." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if let scale = signature.scale {
            guard (1...100).contains(scale) else {
                context.console.error("--scale attend un nombre de 1 à 100.")
                throw Abort(.badRequest, reason: "seed --scale needs 1...100")
            }
            try await app.autoMigrate()
            let started = Date()
            let console = context.console
            guard let counts = try await ScaleData.load(scale: scale, on: app.db, progress: { console.print($0) }) else {
                context.console.print("Le « \(ScaleData.networkName(scale: scale)) » est déjà présent : rien n'a été modifié.")
                return
            }
            context.console.print("\(ScaleData.networkName(scale: scale)) chargé en \(String(format: "%.1f", Date().timeIntervalSince(started))) s : \(counts.summary).")
            context.console.print("Comptes : \(ScaleData.adminEmail), \(ScaleData.coordinatorEmail(1)), \(ScaleData.cashierEmail(1))… (mot de passe : \(DemoData.password))")
            return
        }
        guard signature.demo else {
            context.console.error("Précisez ce qu'il faut charger : --demo ou --scale N.")
            throw Abort(.badRequest, reason: "seed needs --demo or --scale N")
        }
        try await app.autoMigrate()
        let created = try await DemoData.load(on: app.db, history: true)
        context.console.print(created ? "Données de démonstration chargées." : "Données de démonstration déjà présentes : rien n'a été modifié.")
        context.console.print(DemoData.accountsTable)
    }
}

/// `maillage user create --email E --name N --password P --role ROLE [--coop ID | --territory ID]`
struct UserCommands: AsyncCommandGroup {
    var help: String { "Manages accounts." }
    var commands: [String: any AnyAsyncCommand] { ["create": CreateUserCommand()] }
}

struct CreateUserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email") var email: String?
        @Option(name: "name") var name: String?
        @Option(name: "password") var password: String?
        @Option(name: "role", help: "network-admin, coordinator, staff, cooperant, member, referrer or funder") var role: String?
        @Option(name: "coop", help: "The cooperative's id, for a role in one cooperative") var coop: String?
        @Option(name: "territory", help: "The territory's id, for a role over one territory") var territory: String?
    }

    var help: String { "Creates an account with one role." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        guard let rawRole = signature.role, let role = Role(rawValue: rawRole) else {
            throw CommandFailure("--role doit être l'un de : \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let scope: (ScopeKind, UUID)
        switch (signature.coop, signature.territory) {
        case (let coop?, nil):
            guard let id = UUID(uuidString: coop), try await Cooperative.find(id, on: db) != nil else { throw CommandFailure("Coopérative inconnue : \(coop).") }
            scope = (.cooperative, id)
        case (nil, let territory?):
            guard let id = UUID(uuidString: territory), try await Territory.find(id, on: db) != nil else { throw CommandFailure("Territoire inconnu : \(territory).") }
            scope = (.territory, id)
        case (nil, nil):
            guard role == .networkAdmin else { throw CommandFailure("Ce rôle s'applique à une coopérative (--coop ID) ou à un territoire (--territory ID).") }
            scope = (.network, try await DemoData.defaultNetwork(on: db).id!)
        default:
            throw CommandFailure("Donnez --coop ou --territory, pas les deux.")
        }
        guard role.allowedScopeKinds.contains(scope.0) else {
            throw CommandFailure("Le rôle \(role.rawValue) ne peut pas être donné sur un(e) \(AccessService.scopeKindLabel(scope.0)).")
        }
        do {
            let user = try await db.transaction { tx in
                let user = try await AccountService(db: tx).createUser(email: signature.email ?? "", name: signature.name ?? "", password: signature.password ?? "")
                try await AccountService(db: tx).grant(role, on: scope.0, id: scope.1, to: user.id!, by: nil, request: nil)
                try await AuditLog.record(.userCreated, on: tx, actor: nil, actorLabel: "commande", subject: AuditSubject(entityType: "user", entityID: user.id))
                return user
            }
            context.console.print(user.id!.uuidString.lowercased())
        } catch let errors as FieldErrors {
            throw CommandFailure(errors.messages.sorted { $0.key < $1.key }.map { "\($0.key) : \($0.value)" }.joined(separator: "\n"))
        } catch let problem as Problem {
            throw CommandFailure(([problem.detail] + problem.fieldErrors.values.sorted()).joined(separator: "\n"))
        }
    }
}

/// `maillage token create --email E`: prints the new token alone on standard output.
struct TokenCommands: AsyncCommandGroup {
    var help: String { "Manages API tokens." }
    var commands: [String: any AnyAsyncCommand] { ["create": CreateTokenCommand()] }
}

struct CreateTokenCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email") var email: String?
        @Option(name: "name", help: "What the token is for") var name: String?
    }

    var help: String { "Creates an API token and prints it." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        let email = User.normalise(email: signature.email ?? "")
        guard let user = try await User.query(on: db).filter(\.$email == email).first() else {
            throw CommandFailure("Aucun compte avec l'adresse « \(email) ».")
        }
        let token = try await AccountService(db: db).createToken(for: user, name: signature.name ?? "ligne de commande", actor: nil)
        context.console.print(token)
    }
}

/// A command's refusal, printed in French.
public struct CommandFailure: Error, CustomStringConvertible, LocalizedError {
    public var description: String
    init(_ description: String) { self.description = description }
    public var errorDescription: String? { description }
}
