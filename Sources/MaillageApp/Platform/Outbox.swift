import Fluent
import Foundation

/// An email waiting to leave. Maillage writes messages here in the transaction that decides
/// them (a convocation…), so that none is sent for a change that rolled back; the operator's
/// mail relay drains the table (see docs/OPERATIONS.md).
final class OutboxMessage: Model, @unchecked Sendable {
    static let schema = "outbox_messages"

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "cooperative_id") var cooperativeID: UUID?
    @Field(key: "recipient") var recipient: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "sent_at") var sentAt: Date?

    init() {}

    init(cooperativeID: UUID?, recipient: String, subject: String, body: String) {
        self.cooperativeID = cooperativeID
        self.recipient = recipient
        self.subject = subject
        self.body = body
    }
}
