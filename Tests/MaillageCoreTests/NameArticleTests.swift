import MaillageCore
import Testing

@Suite struct NameArticleTests {
    @Test func aNameTakesItsArticleInEverySentence() {
        let caillols = "Coopérative d'habitants des Caillols"
        #expect(NameArticle.named(caillols, .la) == "la Coopérative d'habitants des Caillols")
        #expect(NameArticle.of(caillols, .la) == "de la Coopérative d'habitants des Caillols")
        #expect(NameArticle.to(caillols, .la) == "à la Coopérative d'habitants des Caillols")
        #expect(NameArticle.of("Comptoir solidaire", .le) == "du Comptoir solidaire")
        #expect(NameArticle.to("Comptoir solidaire", .le) == "au Comptoir solidaire")
        #expect(NameArticle.of("Épicerie du Bourg", .elided) == "de l'Épicerie du Bourg")
        #expect(NameArticle.to("Jardins partagés", .les) == "aux Jardins partagés")
        #expect(NameArticle.of("Jardins partagés", .les) == "des Jardins partagés")
        // Without an article: « de Maillage », « d'Ensemble ».
        #expect(NameArticle.of("Maillage", nil) == "de Maillage")
        #expect(NameArticle.of("Ensemble", nil) == "d'Ensemble")
        #expect(NameArticle.capitalized(NameArticle.named(caillols, .la)) == "La Coopérative d'habitants des Caillols")
    }

    @Test func theCardRefusesAnUnknownArticle() throws {
        var draft = CooperativeDraft(name: "Coopérative du Vendômois", territoryID: "t", legalForm: "scic", nameArticle: "la")
        #expect(try draft.validate().nameArticle == .la)
        draft.nameArticle = "L’"
        #expect(try draft.validate().nameArticle == .elided)
        draft.nameArticle = ""
        #expect(try draft.validate().nameArticle == nil)
        draft.nameArticle = "une"
        #expect(throws: FieldErrors.self) { try draft.validate() }
    }
}
