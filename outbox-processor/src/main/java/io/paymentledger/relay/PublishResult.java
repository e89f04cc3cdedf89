package io.paymentledger.relay;

/** What happened to one row of a batch. */
sealed interface PublishResult {
    OutboxRow row();

    /** The broker acknowledged the record (acks=all). */
    record Published(OutboxRow row) implements PublishResult {
    }

    /**
     * The broker could not be reached or could not take writes (outage, timeout, not enough replicas, ...): nothing
     * is wrong with the record, so no attempt is spent; it counts against the circuit breaker.
     */
    record Unavailable(OutboxRow row, Exception error) implements PublishResult {
    }

    /**
     * Its topic does not exist and was not created (see {@link TopicGate}): a condition of the infrastructure, not of
     * the record, so it is released without spending an attempt and its topic is held ({@link MissingTopics}).
     */
    record TopicMissing(OutboxRow row, String topic, String reason) implements PublishResult {
    }

    /** A failure of this record that may pass (e.g. a corrupt record): retry it later, one attempt spent. */
    record RetryLater(OutboxRow row, Exception error) implements PublishResult {
    }

    /**
     * Not sent, or its outcome set aside, because an earlier version of its aggregate in the same batch failed: it
     * is released without spending an attempt and goes after that version, so the aggregate's order holds.
     */
    record Held(OutboxRow row) implements PublishResult {
    }

    /** A failure of the record itself that no retry can fix (too large, invalid topic, ...): dead-letter it. */
    record Rejected(OutboxRow row, Exception error) implements PublishResult {
    }
}
