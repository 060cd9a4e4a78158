import Foundation

/// Two referrals are probably the same person when the first and last names match once case,
/// accents, hyphens and spaces are set aside, and the birth year is the same ("Aïcha Ben-Saïd,
/// 1994" and "aicha ben said, 1994"). Without a birth year nothing is claimed: a common name
/// alone says too little.
public enum DuplicateReferral {
    public static func key(firstName: String, lastName: String, birthYear: Int?) -> String? {
        guard let birthYear else { return nil }
        let letters = { (text: String) in
            String(SearchText.fold(text).unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
        }
        let first = letters(firstName), last = letters(lastName)
        guard !first.isEmpty, !last.isEmpty else { return nil }
        return "\(first)|\(last)|\(birthYear)"
    }
}
