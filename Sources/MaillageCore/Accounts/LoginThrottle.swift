/// Slows down password guessing: after `maximumFailures` failed logins for one account, or
/// from one network address, within `window`, further attempts are refused (HTTP 429) until
/// the oldest failure leaves the window.
public struct LoginThrottle: Sendable {
    public var maximumFailures: Int
    public var windowSeconds: Double

    /// For one account: five guesses in a quarter of an hour.
    public static let standard = LoginThrottle(maximumFailures: 5, windowSeconds: 15 * 60)
    /// For one network address: a social centre's or a school's shared connection carries many
    /// people, each of whom may mistype; it stops a sweep over many accounts, not a room.
    public static let sharedAddress = LoginThrottle(maximumFailures: 50, windowSeconds: 15 * 60)

    public init(maximumFailures: Int, windowSeconds: Double) {
        self.maximumFailures = maximumFailures
        self.windowSeconds = windowSeconds
    }

    /// `failures` are the times (seconds since any fixed origin) of recent failed attempts for
    /// the account or the address; returns how many seconds to wait, or nil when allowed.
    public func retryAfter(failures: [Double], now: Double) -> Double? {
        let recent = failures.filter { $0 > now - windowSeconds && $0 <= now }.sorted()
        guard recent.count >= maximumFailures else { return nil }
        // Allowed again once enough failures have aged out to drop below the limit.
        let oldestThatMustExpire = recent[recent.count - maximumFailures]
        return max(1, (oldestThatMustExpire + windowSeconds - now).rounded(.up))
    }

    /// The earliest failure time that still counts at `now`.
    public func windowStart(now: Double) -> Double { now - windowSeconds }
}
