import Fluent
import SQLKit
import Foundation
import MaillageCore
import Vapor

/// Logging in, passwords and tokens. Used by the web pages, the API and the commands.
struct AccountService: Sendable {
    let db: any Database
    var throttle: LoginThrottle = .standard
    var addressThrottle: LoginThrottle = .sharedAddress

    enum LoginResult: Sendable {
        case success(User)
        case invalid
        case throttled(retryAfter: Int)
    }

    /// Checks a password, refusing guesses once an account or an address has failed too often.
    /// Every attempt is recorded; unknown emails cost as much time as known ones.
    ///
    /// The attempt is counted before the password is checked, and the count and the record
    /// happen as one step (in turn per account): forty guesses sent at once get five answers
    /// and thirty-five refusals, on one instance or several.
    func login(email rawEmail: String, password: String, address: String, request: Request?) async throws -> LoginResult {
        let email = User.normalise(email: rawEmail)
        let gate = request?.application.sqliteWriteGate
        let admission = try await admit(email: email, address: address, gate: request?.application.loginGate)
        guard case .admitted(let attempt) = admission else {
            if case .throttled(let wait) = admission {
                try await AuditLog.record(.loginThrottled, on: db, actor: nil, actorLabel: email, subject: AuditSubject(entityType: "user"), details: address, requestID: request?.requestID)
                return .throttled(retryAfter: Int(wait))
            }
            return .invalid
        }

        let user = try await User.query(on: db).filter(\.$email == email).first()
        // Verify against a fixed hash when the account does not exist, so timing reveals nothing.
        let hash = user?.passwordHash ?? Self.decoyHash
        // bcrypt takes a quarter of a second of CPU: off the event loop, so that forty
        // guesses at once do not stall every other request (and their database connections).
        let matches: Bool
        if let pool = request?.application.threadPool {
            matches = (try? await pool.runIfActive { try Bcrypt.verify(password, created: hash) }) ?? false
        } else {
            matches = (try? Bcrypt.verify(password, created: hash)) ?? false
        }
        let succeeded = matches && user != nil && user!.isActive
        let db = self.db, requestID = request?.requestID
        let record: @Sendable () async throws -> Void = {
            try await db.transaction { tx in
                if succeeded {
                    attempt.succeeded = true
                    try await attempt.update(on: tx)
                }
                try await AuditLog.record(
                    succeeded ? .loginSucceeded : .loginFailed, on: tx, actor: succeeded ? user?.id : nil, actorLabel: email,
                    subject: AuditSubject(entityType: "user", entityID: user?.id), details: address, requestID: requestID
                )
            }
        }
        if let gate { try await gate.serialize(record) } else { try await record() }
        return succeeded ? .success(user!) : .invalid
    }

    private enum Admission: Sendable {
        case admitted(LoginAttempt)
        case throttled(Double)
    }

    /// Counts the recent failures of the account and of the address and, when neither is at
    /// its limit, records this attempt as a failure (turned into a success once the password
    /// matches). On PostgreSQL advisory locks on the address and the account make instances wait in turn;
    /// on SQLite the in-process write gate does (one instance writes an SQLite file).
    private func admit(email: String, address: String, gate: WriteGate?) async throws -> Admission {
        let db = self.db, throttle = self.throttle, addressThrottle = self.addressThrottle
        let step: @Sendable () async throws -> Admission = {
            try await db.transaction { tx in
                if let sql = tx as? any SQLDatabase, sql.dialect.name == "postgresql" {
                    // The address first, then the account: always in that order, so that two
                    // attempts never wait for each other's second lock.
                    try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "login-address:" + address)))").run()
                    try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "login:" + email)))").run()
                }
                // The time is read once the turn is ours: attempts recorded while this one
                // waited are in the past, and count.
                let now = Date()
                let windowStart = Date(timeIntervalSince1970: addressThrottle.windowStart(now: now.timeIntervalSince1970))
                let failures = try await LoginAttempt.query(on: tx)
                    .filter(\.$succeeded == false)
                    .filter(\.$attemptedAt > windowStart)
                    .group(.or) { $0.filter(\.$email == email).filter(\.$address == address) }
                    .all()
                let byAccount = failures.filter { $0.email == email }.map { $0.attemptedAt.timeIntervalSince1970 }
                let byAddress = failures.filter { $0.address == address }.map { $0.attemptedAt.timeIntervalSince1970 }
                let waits = [throttle.retryAfter(failures: byAccount, now: now.timeIntervalSince1970),
                             addressThrottle.retryAfter(failures: byAddress, now: now.timeIntervalSince1970)]
                if let wait = waits.compactMap({ $0 }).max() { return .throttled(wait) }
                let attempt = LoginAttempt(email: email, address: address, succeeded: false, at: now)
                try await attempt.create(on: tx)
                return .admitted(attempt)
            }
        }
        if let gate { return try await gate.serialize(step) }
        return try await step()
    }

    static let decoyHash: String = (try? Bcrypt.hash("maillage-decoy-password", cost: bcryptCost)) ?? ""

    static func hash(_ password: String) throws -> String {
        try Bcrypt.hash(password, cost: bcryptCost)
    }

    /// bcrypt's work factor; tests lower it through the environment to stay fast.
    static let bcryptCost: Int = {
        if let raw = ProcessInfo.processInfo.environment["MAILLAGE_BCRYPT_COST"], let cost = Int(raw), (4...16).contains(cost) {
            return cost
        }
        return 12
    }()

    /// Creates an account with one role. Used by invitations, the `user create` command and
    /// the demo.
    func createUser(email: String, name: String, password: String, language: AppLanguage = .french) async throws -> User {
        var errors = FieldErrors()
        let cleanEmail = User.normalise(email: email)
        if !FrenchIdentifiers.isPlausibleEmail(cleanEmail) { errors.add("email", "Cette adresse électronique n'est pas valide.") }
        let cleanName = TextRules.requireName(name, into: &errors)
        if let problem = PasswordPolicy.problem(with: password, email: cleanEmail) { errors.add("password", problem) }
        if errors["email"] == nil, try await User.query(on: db).filter(\.$email == cleanEmail).count() > 0 {
            errors.add("email", "Un compte existe déjà avec cette adresse.")
        }
        try errors.throwIfAny()
        let user = User(email: cleanEmail, name: cleanName, passwordHash: try Self.hash(password), locale: language)
        try await user.create(on: db)
        return user
    }

    /// Gives `role` on `scope`, checking that the role can be held there. Idempotent.
    func grant(_ role: Role, on scope: ScopeKind, id scopeID: UUID, to userID: UUID, by actor: UUID?, request: Request?) async throws {
        guard role.allowedScopeKinds.contains(scope) else {
            throw Problem.invalid(FieldErrors(["scope": "Ce rôle ne peut pas être donné à ce niveau."]))
        }
        let existing = try await RoleAssignment.query(on: db)
            .filter(\.$user.$id == userID).filter(\.$role == role.rawValue)
            .filter(\.$scopeKind == scope.rawValue).filter(\.$scopeID == scopeID).first()
        guard existing == nil else { return }
        let networkID = try await ScopeDirectory(db: db).networkID(of: scope, id: scopeID)
        try await RoleAssignment(userID: userID, role: role, scope: scope, scopeID: scopeID, grantedByID: actor).create(on: db)
        try await AuditLog.record(
            .roleGranted, on: db, actor: actor, subject: AuditSubject(entityType: "user", entityID: userID, networkID: networkID, cooperativeID: scope == .cooperative ? scopeID : nil),
            details: "\(role.rawValue) @ \(scope.rawValue):\(scopeID.uuidString.lowercased())", requestID: request?.requestID
        )
    }

    /// A new API token for a user; the secret is returned once and only its digest is kept.
    func createToken(for user: User, name: String, actor: UUID?) async throws -> String {
        let secret = "mlg_" + Secrets.make()
        try await db.transaction { tx in
            try await ApiToken(userID: user.id!, name: name, tokenHash: Secrets.digest(secret), expiresAt: nil).create(on: tx)
            try await AuditLog.record(.tokenCreated, on: tx, actor: actor ?? user.id, subject: AuditSubject(entityType: "user", entityID: user.id), details: name)
        }
        return secret
    }
}

/// Finds what a scope id names and the network it belongs to.
struct ScopeDirectory: Sendable {
    let db: any Database

    func networkID(of kind: ScopeKind, id: UUID) async throws -> UUID {
        switch kind {
        case .network:
            guard try await Network.find(id, on: db) != nil else { throw unknown }
            return id
        case .territory:
            guard let territory = try await Territory.find(id, on: db) else { throw unknown }
            return territory.$network.id
        case .cooperative:
            guard let coop = try await Cooperative.find(id, on: db) else { throw unknown }
            return coop.networkID
        }
    }

    private var unknown: Problem { Problem.invalid(FieldErrors(["scope": "Ce territoire, cette coopérative ou ce réseau n'existe pas."])) }
}
