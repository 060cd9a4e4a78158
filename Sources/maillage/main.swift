import Foundation
import Logging
import MaillageApp
import Vapor

// Entry point: `maillage serve | migrate | seed | user | token | routes`.
var env = try Environment.detect()
try LoggingSystem.bootstrap(from: &env)
let app = try await Application.make(env)
do {
    try await configure(app)
    // `serve` (also the default command) brings the schema up to date before listening.
    let command = env.arguments.dropFirst().first
    if command == nil || command == "serve" || command?.hasPrefix("-") == true {
        try await migrateDatabase(app)
        startBackgroundTasks(app)
    }
} catch {
    app.logger.report(error: error)
    try? await app.asyncShutdown()
    exit(1)
}
do {
    try await app.execute()
} catch {
    // Vapor has logged the error; a command's refusal is also said plainly, whatever the log level.
    if let failure = error as? CommandFailure {
        FileHandle.standardError.write(Data((failure.description + "\n").utf8))
    }
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
