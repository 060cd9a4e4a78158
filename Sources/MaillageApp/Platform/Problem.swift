import FluentKit
import Foundation
import MaillageCore
import Vapor

/// An error meant for the user: an HTTP status, a French title and detail, and for invalid
/// input one message per field. The error middleware renders it as RFC 9457
/// `application/problem+json` on the API and as a page or a form on the web.
struct Problem: Error, Sendable {
    var status: HTTPResponseStatus
    var title: String
    var detail: String
    var fieldErrors: [String: String] = [:]
    var headers: HTTPHeaders = [:]

    static let unauthenticated = Problem(status: .unauthorized, title: "Connexion requise", detail: "Connectez-vous pour continuer.")
    static let invalidToken = Problem(
        status: .unauthorized, title: "Jeton invalide", detail: "Ce jeton d'API est inconnu ou a expiré.",
        headers: ["WWW-Authenticate": "Bearer"]
    )
    static let forbidden = Problem(status: .forbidden, title: "Accès refusé", detail: "Votre rôle ne permet pas cette action.")
    static let internalError = Problem(status: .internalServerError, title: "Erreur interne",
                                       detail: "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez dans un instant.")
    static let notFound = Problem(status: .notFound, title: "Introuvable", detail: "Cette page ou cette ressource n'existe pas.")
    static let csrf = Problem(
        status: .forbidden, title: "Formulaire expiré",
        detail: "Ce formulaire a expiré ou ne vient pas de Maillage. Rechargez la page et recommencez."
    )

    static func invalid(_ errors: FieldErrors, detail: String = "Certaines informations sont à corriger.") -> Problem {
        Problem(status: .unprocessableEntity, title: "Données invalides", detail: detail, fieldErrors: errors.messages)
    }

    static func malformedBody(_ detail: String = "Le corps de la requête n'est pas un JSON valide.") -> Problem {
        Problem(status: .badRequest, title: "Requête mal formée", detail: detail)
    }

    static func tooManyAttempts(retryAfter seconds: Int) -> Problem {
        let minutes = max(1, (seconds + 59) / 60)
        return Problem(
            status: .tooManyRequests, title: "Trop de tentatives",
            detail: "Trop de tentatives de connexion. Réessayez dans \(minutes) minute\(minutes > 1 ? "s" : "").",
            headers: ["Retry-After": String(seconds)]
        )
    }

    /// A problem for any error, so that nothing reaches the user untranslated.
    static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let errors as FieldErrors:
            return .invalid(errors)
        case let decoding as DecodingError:
            return fromDecoding(decoding)
        case let abort as any AbortError:
            return fromStatus(abort.status, headers: abort.headers)
        case let database as any DatabaseError where database.isConstraintFailure:
            // Two writes of the same thing at once: the other one won.
            return Problem(status: .conflict, title: "Déjà enregistré",
                           detail: "La même information vient d'être enregistrée par ailleurs : rechargez la page pour la voir.")
        case let database as any DatabaseError where database.isContention:
            return Problem(status: .conflict, title: "Enregistrement simultané",
                           detail: "Une autre modification était enregistrée au même moment : réessayez dans un instant.")
        default:
            return Problem(
                status: .internalServerError, title: "Erreur interne",
                detail: "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez dans un instant."
            )
        }
    }

    static func fromStatus(_ status: HTTPResponseStatus, headers: HTTPHeaders = [:]) -> Problem {
        switch status {
        case .notFound: return .notFound
        case .unauthorized: return .unauthenticated
        case .forbidden: return .forbidden
        case .payloadTooLarge:
            return Problem(status: status, title: "Envoi trop volumineux", detail: "Ce que vous envoyez dépasse la taille autorisée.")
        case .unsupportedMediaType:
            return Problem(status: status, title: "Format non pris en charge", detail: "Envoyez du JSON (Content-Type: application/json) ou un formulaire.")
        case .methodNotAllowed:
            return Problem(status: status, title: "Méthode non autorisée", detail: "Cette adresse n'accepte pas cette méthode HTTP.")
        case .badRequest:
            return .malformedBody("La requête est mal formée.")
        default:
            var problem = Problem(status: status, title: status.reasonPhrase, detail: "La requête n'a pas pu aboutir (\(status.code)).")
            problem.headers = headers
            return problem
        }
    }

    /// Broken JSON is a 400; JSON whose values have the wrong type or are missing is a 422
    /// naming the field.
    static func fromDecoding(_ error: DecodingError) -> Problem {
        func field(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .malformedBody()
        case .dataCorrupted(let context):
            return .invalid(FieldErrors([field(context.codingPath): "Cette valeur n'est pas valide."]))
        case .typeMismatch(_, let context):
            return .invalid(FieldErrors([field(context.codingPath): "Cette valeur n'a pas le bon type."]))
        case .valueNotFound(_, let context):
            return .invalid(FieldErrors([field(context.codingPath): "Ce champ est obligatoire."]))
        case .keyNotFound(let key, let context):
            return .invalid(FieldErrors([field(context.codingPath + [key]): "Ce champ est obligatoire."]))
        @unknown default:
            return .malformedBody()
        }
    }
}

/// RFC 9457 body.
struct ProblemDocument: Content {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var instance: String?
    var errors: [String: String]?
}

extension Problem {
    func jsonResponse(for request: Request) -> Response {
        let document = ProblemDocument(
            type: "about:blank", title: title, status: Int(status.code), detail: detail,
            instance: request.url.path, errors: fieldErrors.isEmpty ? nil : fieldErrors
        )
        var headers = self.headers
        headers.contentType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
        let body = (try? JSONEncoder.api.encode(document)) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(data: body))
    }
}

extension JSONEncoder {
    /// The API's encoder: ISO 8601 dates, stable key order.
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension JSONDecoder {
    static var api: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// Turns every error into a French answer: problem+json under `/api/`, a page elsewhere,
/// a redirect to the login page when an anonymous visitor asks for a page.
struct ProblemMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let problem = Problem.from(error)
            if problem.status.code >= 500 {
                request.logger.report(error: error)
            }
            if request.isAPI {
                return problem.jsonResponse(for: request)
            }
            if problem.status == .unauthorized && request.principal == nil {
                let next = request.method == .GET ? request.url.string : "/"
                return request.redirect(to: SiteURL.login(next: next).path)
            }
            return ErrorPage.response(for: problem, request: request)
        }
    }
}

extension Request {
    var isAPI: Bool { url.path.hasPrefix("/api/") }
}

/// A form's submission: invalid input (a 422 problem) shows the form again with one message
/// per field, instead of an error page; any other error goes on to the error middleware.
enum FormSubmission {
    static func handle(
        _ action: () async throws -> Response,
        invalid: ([String: String]) async throws -> Response
    ) async throws -> Response {
        do {
            return try await action()
        } catch {
            let problem = Problem.from(error)
            guard problem.status == .unprocessableEntity else { throw error }
            return try await invalid(problem.fieldErrors)
        }
    }
}
