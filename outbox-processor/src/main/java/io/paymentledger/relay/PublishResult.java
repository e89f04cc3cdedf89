package io.paymentledger.relay;

/** What happened to one row of a batch. */
sealed interface PublishResult {
    OutboxRow row();

    /** The broker acknowledged the record (acks=all). */
    record Published(OutboxRow row) implements PublishResult {
    }

    /** A failure that may pass: retry the row later. */
    record RetryLater(OutboxRow row, Exception error) implements PublishResult {
    }

    /** A failure of the record itself that no retry can fix (too large, invalid topic, ...). */
    record Rejected(OutboxRow row, Exception error) implements PublishResult {
    }
}
