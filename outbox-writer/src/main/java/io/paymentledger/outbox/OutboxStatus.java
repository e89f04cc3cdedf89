package io.paymentledger.outbox;

/**
 * The values of {@code outbox_event.status}, which the relay owns, and of {@code outbox_event_state.state}. A writer's
 * row starts {@code pending} and is published by position: once its lane's cursor passes it, the view
 * {@code outbox_event_state} shows it {@code published} while the row itself is never written. Only the failure path
 * writes {@code status}: {@code retrying}, then {@code published} or {@code dead}.
 */
public final class OutboxStatus {
    /** Not delivered yet (the column's default; writers never set it). In the table: delivered by position. */
    public static final String PENDING = "pending";
    /** In the retry set: failed, held behind an earlier failure of its aggregate, or waiting for its topic. */
    public static final String RETRYING = "retrying";
    /** Acknowledged by Kafka ({@code acks=all}); deleted after the relay's retention. */
    public static final String PUBLISHED = "published";
    /** Dead-lettered to {@code <prefix>.dlq}; kept for inspection and redrive. */
    public static final String DEAD = "dead";

    private OutboxStatus() {
    }
}
