/// What a password must be. Length matters more than composition (NIST SP 800-63B); the
/// most common passwords, French ones included, are refused outright.
public enum PasswordPolicy {
    public static let minimumLength = 10
    public static let maximumLength = 128

    /// A short list of passwords that attackers try first. Compared in lower case.
    static let common: Set<String> = [
        "1234567890", "12345678910", "0123456789", "azertyuiop", "qwertyuiop", "motdepasse",
        "motdepasse1", "motdepasse123", "password123", "password1234", "azerty1234", "azertyuiop1",
        "soleil1234", "marseille13", "bonjour1234", "iloveyou123", "1111111111", "0000000000",
        "aaaaaaaaaa", "abcdefghij", "abc1234567", "qwerty1234", "azerty123456", "maillage123",
        "changeme123", "admin12345", "administrateur", "cooperative", "passw0rd123",
    ]

    /// The French message for the first rule the password breaks, or nil when it is acceptable.
    public static func problem(with password: String, email: String? = nil) -> String? {
        if password.count < minimumLength {
            return "Le mot de passe doit contenir au moins \(minimumLength) caractères."
        }
        if password.count > maximumLength {
            return "Le mot de passe ne doit pas dépasser \(maximumLength) caractères."
        }
        let lowered = password.lowercased()
        if common.contains(lowered) || Set(lowered).count < 4 {
            return "Ce mot de passe est trop courant ou trop simple : choisissez-en un autre."
        }
        if let email, let local = email.split(separator: "@").first, lowered == local.lowercased() || lowered == email.lowercased() {
            return "Le mot de passe ne doit pas reprendre l'adresse électronique."
        }
        return nil
    }
}
