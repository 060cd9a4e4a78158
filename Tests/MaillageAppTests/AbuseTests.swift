import Fluent
import Foundation
@testable import MaillageApp
import MaillageCore
import NIOCore
import Testing
import VaporTesting

/// What a careless or hostile client sends: bodies too large, markup in every text, CSV files
/// in the wrong encoding, with huge lines or formulas.
@Suite struct AbuseTests {
    /// Closes an attribute (`"`) and a text alike.
    static let markup = #"x" autofocus onfocus="alert(2)<script>alert('maillage')</script><img src=x onerror=alert(1)>"#

    @Test func oversizedBodiesAndFilesAreRefusedWith413() async throws {
        try await withMaillage { app in
            // The limits apply while the body streams in: only a real server shows them.
            let server = try app.testing(method: .running(hostname: "127.0.0.1", port: Int.random(in: 20_000...40_000)))
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let before = try await Referral.query(on: app.db).count()

            // JSON over the 1 MB limit: a problem document, nothing written.
            let huge = String(repeating: "a", count: 1_100_000)
            var apiHeaders = HTTPHeaders()
            apiHeaders.bearerAuthorization = BearerAuthorization(token: coordinator.token)
            apiHeaders.contentType = .json
            let json = try await server.sendRequest(.POST, "/api/v1/coops/\(coop.id!)/referrals", headers: apiHeaders,
                                                    body: ByteBuffer(string: #"{"person":{"firstName":"A","lastName":"B"},"reason":"\#(huge)","consent":{"given":true}}"#))
            #expect(json.status == .payloadTooLarge)
            #expect(json.headers.contentType?.subType == "problem+json")
            #expect((json.problem?["detail"] as? String)?.isEmpty == false)

            // A form over the limit, from a signed-in page.
            var browser = Browser(app)
            try await browser.login("coordination@maillage.example")
            try await browser.get("/coops/\(coop.id!)/referrals/new")
            var formHeaders = HTTPHeaders()
            formHeaders.contentType = .urlEncodedForm
            formHeaders.replaceOrAdd(name: .cookie, value: "maillage-session=\(try #require(browser.cookie))")
            let form = try await server.sendRequest(.POST, "/coops/\(coop.id!)/referrals/new", headers: formHeaders,
                                                    body: ByteBuffer(string: "_csrf=\(try #require(browser.csrf))&firstName=A&lastName=B&consent=on&reason=" + huge))
            #expect(form.status == .payloadTooLarge)
            // The same as a multipart form: only the file forms take more than 1 MB.
            var multipartHeaders = formHeaders
            multipartHeaders.contentType = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": "maillage"])
            let multipartBody = "--maillage\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(try #require(browser.csrf))\r\n"
                + "--maillage\r\nContent-Disposition: form-data; name=\"reason\"\r\n\r\n\(huge)\r\n--maillage--\r\n"
            let multipart = try await server.sendRequest(.POST, "/coops/\(coop.id!)/referrals/new", headers: multipartHeaders, body: ByteBuffer(string: multipartBody))
            #expect(multipart.status == .payloadTooLarge)

            // A purchases file over its 10 MB limit.
            var fileHeaders = apiHeaders
            fileHeaders.contentType = HTTPMediaType(type: "text", subType: "csv")
            let file = try await server.sendRequest(.POST, "/api/v1/coops/\(coop.id!)/purchases/import?dryRun=true", headers: fileHeaders,
                                                    body: ByteBuffer(repeating: UInt8(ascii: "a"), count: 10 * 1024 * 1024 + 1))
            #expect(file.status == .payloadTooLarge)
            #expect(try await Referral.query(on: app.db).count() == before)
        }
    }

    /// Issue 21, finding 1: Plot's `.title` wrote the page title into `twitter:title` and
    /// `og:title` meta tags without escaping; a member's decision title took over the
    /// coordinator's page (a refresh to another site, or a button giving the member a role).
    @Test func aDecisionTitleTypedByAMemberStaysTextInThePageTitle() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let member = try await APIClient.forDemo("societaire@maillage.example", app: app)
            let nextWeek = CalendarDay.today.adding(days: 7).description + "T18:00"
            let title = #"x\"><meta http-equiv=\"refresh\" content=\"0;url=//evil.example\"><button form=close-form name=role value=coordinator>"#
            let created = try await member.json(.POST, "/api/v1/coops/\(coop.id!)/decisions",
                                                json: #"{"kind":"proposal","title":"\#(title)","closesAt":"\#(nextWeek)"}"#)
            let id = try #require(created["id"] as? String, "\(created)")
            var coordinator = Browser(app)
            try await coordinator.login("coordination@maillage.example")
            let page = try await coordinator.get("/coops/\(coop.id!)/decisions/\(id)")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(!html.contains("<meta http-equiv"), "the title became a meta tag")
            #expect(!html.contains("<button form=close-form"), "the title became a button")
            #expect(!html.contains("twitter:title") && !html.contains("og:title"))
            #expect(html.contains("<title>x&quot;&gt;&lt;meta http-equiv") || html.contains("<title>x\"&gt;&lt;meta http-equiv"), "the title is shown escaped")
        }
    }

    /// Every Plot helper that takes a text must be shadowed by `AttributeEscaping.swift` (or be
    /// unavailable there), Plot's `.raw` and `Attribute(name:…)` must be used nowhere else: a
    /// Plot upgrade, or a new view, cannot write around the escaping without failing here.
    @Test func noPlotHelperWritesAroundTheEscaping() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let plotAPI = root.appendingPathComponent(".build/checkouts/Plot/Sources/Plot/API")
        let escaping = try String(contentsOf: root.appendingPathComponent("Sources/MaillageApp/Platform/Web/AttributeEscaping.swift"), encoding: .utf8)
        // The HTML API (RSS, podcast and site map documents are not written here).
        let files = try FileManager.default.contentsOfDirectory(atPath: plotAPI.path)
            .filter { $0.hasPrefix("HTML") || $0 == "Attribute.swift" || $0 == "Node.swift" }
        #expect(!files.isEmpty, "Plot's sources were not found at \(plotAPI.path)")
        // Helpers that escape what they write, or take no text of a user.
        // (`.raw` is left to the source scan below: the shadows use it, nowhere else may.)
        let escapesItself: Set<String> = ["element", "selfClosedElement", "attribute", "raw"]
        var missing: [String] = []
        for file in files {
            let source = try String(contentsOf: plotAPI.appendingPathComponent(file), encoding: .utf8)
            for match in source.matches(of: /static func `?(\w+)`?\(_ \w+: (String|URLRepresentable)/) {
                let name = String(match.output.1)
                if escapesItself.contains(name) { continue }
                if !escaping.contains("func \(name)(") && !escaping.contains("func `\(name)`(") { missing.append("\(file): \(name)") }
            }
        }
        #expect(missing.isEmpty, "Plot helpers that write a text around the escaping: \(missing)")

        let sources = root.appendingPathComponent("Sources/MaillageApp")
        let enumerator = try #require(FileManager.default.enumerator(atPath: sources.path))
        var bypasses: [String] = []
        while let path = enumerator.nextObject() as? String {
            guard path.hasSuffix(".swift"), !path.hasSuffix("AttributeEscaping.swift") else { continue }
            let source = try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
            if source.contains(/[\s(,]\.raw\(/) { bypasses.append("\(path): .raw(") }
            if source.contains("Attribute(name:") { bypasses.append("\(path): Attribute(name:") }
        }
        #expect(bypasses.isEmpty, "markup written around the escaping: \(bypasses)")
    }

    @Test func markupTypedInTextFieldsIsShownEscapedOnEveryPage() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let base = "/api/v1/coops/\(coop.id!)"
            let coordinator = try await APIClient.forDemo("coordination@maillage.example", app: app)
            let text = Self.markup.replacingOccurrences(of: "\"", with: "\\\"")
            let writes: [(String, String)] = [
                ("\(base)/referrals", #"{"person":{"firstName":"\#(text)","lastName":"\#(text)","commune":"\#(text)"},"reason":"\#(text)","consent":{"given":true}}"#),
                ("\(base)/suppliers", #"{"name":"\#(text)","kind":"producer","postalCode":"13400","commune":"\#(text)","contactName":"\#(text)"}"#),
                ("\(base)/products", #"{"name":"\#(text)","category":"repas","publicPriceCents":350,"vatRate":5.5}"#),
                ("/api/v1/territories/\(coop.$territory.id)/partners", #"{"name":"\#(text)","kind":"association","services":["rights"],"contacts":[{"name":"\#(text)","listed":true}]}"#),
            ]
            for (path, json) in writes {
                let response = try await coordinator.send(.POST, path, json: json)
                #expect(response.status == .created, "\(path): \(response.body.string)")
            }

            // Every page the coordination and the admin can open, with the demo's ids.
            let target = try await AccessSweepTests.target(app)
            var escapedSomewhere = 0
            for email in ["coordination@maillage.example", "admin@maillage.example"] {
                var browser = Browser(app)
                try await browser.login(email)
                for route in app.routes.all where route.method == .GET && route.path.first?.description != "api" {
                    let path = target.path(route)
                    let page = try await browser.get(path)
                    #expect(page.status.code < 500, "\(path) answered \(page.status.code)")
                    let html = page.body.string
                    #expect(!html.contains("<script>alert"), "\(path) shows the script unescaped")
                    #expect(!html.contains("<img src=x"), "\(path) shows the image unescaped")
                    // `<` and `>` are escaped in texts, so a tag with the handler is one the text made.
                    #expect(html.firstMatch(of: /<[^<>]*\sonfocus="/) == nil, "\(path) lets a text close an attribute")
                    if html.contains("&lt;script&gt;alert") { escapedSomewhere += 1 }
                }
            }
            // The texts did reach the pages (the referrals, suppliers, catalogue and partners lists).
            #expect(escapedSomewhere >= 4)
        }
    }

    @Test func purchaseFilesInAnotherEncodingWithHugeLinesOrFormulasAreHandled() async throws {
        try await withMaillage { app in
            let coop = try await Demo.cooperative(Demo.caillols, app: app)
            let path = "/api/v1/coops/\(coop.id!)/purchases/import"
            let staff = try await APIClient.forDemo("caisse@maillage.example", app: app)
            let header = "description;fournisseur;date;prix_ht;famille_produits;categories_egalim;origine;est_circuit_court;est_local;definition_local;definition_local_km"
            func send(_ bytes: [UInt8], dryRun: Bool) async throws -> TestingHTTPResponse {
                var headers = HTTPHeaders()
                headers.bearerAuthorization = BearerAuthorization(token: staff.token)
                headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                return try await app.testing().sendRequest(.POST, "\(path)?dryRun=\(dryRun)", headers: headers, body: ByteBuffer(bytes: bytes))
            }
            let lines = try await PurchaseLine.query(on: app.db).count()

            // Windows-1252 (an Excel "CSV" export): refused with a French message on `file`.
            let latin = "\(header)\r\nPêches;Ferme des Restanques;2026-04-02;48,00;FRUITS_ET_LEGUMES;BIO;FRANCE;oui;oui;DEPARTEMENT;\r\n"
            let windows = try await send(Array(try #require(latin.data(using: .windowsCP1252))), dryRun: false)
            #expect(windows.status == .unprocessableEntity)
            #expect((windows.problem?["errors"] as? [String: String])?["file"]?.contains("UTF-8") == true)

            // A 5 MB line: an error on that line, no crash, nothing saved.
            let longLine = "\(header)\n" + String(repeating: "x", count: 5_000_000) + ";Ferme;2026-04-02;1,00;FRUITS_ET_LEGUMES;;;non;non;;\n"
            let long = try await send(Array(longLine.utf8), dryRun: false)
            #expect(long.status == .unprocessableEntity, "\(long.body.string.prefix(300))")
            #expect((long.problem?["errors"] as? [[String: Any]])?.isEmpty == false)

            // A formula is kept as text; the export writes it after an apostrophe.
            let formula = "\(header)\n=cmd|' /C calc'!A0;@SOMME(A1);2026-04-02;1,00;FRUITS_ET_LEGUMES;;;non;non;;\n"
            let imported = try await send(Array(formula.utf8), dryRun: false)
            #expect(imported.status == .ok, "\(imported.body.string)")
            let saved = try #require(try await PurchaseLine.query(on: app.db).sort(\.$id).all().first { $0.description.hasPrefix("=cmd") })
            #expect(saved.description == "=cmd|' /C calc'!A0")
            #expect(try await PurchaseLine.query(on: app.db).count() == lines + 1)
            let export = try await staff.send(.GET, "/api/v1/coops/\(coop.id!)/purchases/export?year=2026")
            #expect(export.status == .ok)
            let csv = export.body.string
            #expect(csv.contains("'=cmd|' /C calc'!A0"))
            #expect(csv.contains("'@SOMME(A1)"))
            for line in csv.split(whereSeparator: \.isNewline) {
                for cell in line.split(separator: ",", omittingEmptySubsequences: false) {
                    let cell = cell.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                    #expect(!cell.hasPrefix("=") && !cell.hasPrefix("@"), "formula cell in the export: \(cell)")
                }
            }
        }
    }

    @Test func indicatorExportsNeutraliseFormulasButKeepNegativeNumbers() {
        #expect(PurchaseFile.neutralised("=SOMME(A1:A9)") == "'=SOMME(A1:A9)")
        #expect(PurchaseFile.neutralised("+33 6 00 00 00 00") == "'+33 6 00 00 00 00")
        #expect(PurchaseFile.neutralised("@cmd") == "'@cmd")
        #expect(PurchaseFile.neutralised("\t=1+1") == "'\t=1+1")
        #expect(PurchaseFile.neutralised("\r=1+1") == "'\r=1+1")
        #expect(PurchaseFile.neutralised("-12.50") == "-12.50")
        #expect(PurchaseFile.neutralised("-3") == "-3")
        #expect(PurchaseFile.neutralised("-1+1") == "'-1+1")
        #expect(PurchaseFile.neutralised("Épicerie = bio") == "Épicerie = bio")
    }
}
