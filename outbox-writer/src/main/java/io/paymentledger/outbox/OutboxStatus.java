package io.paymentledger.outbox;

/**
 * The values of {@code outbox_event.status}, which the relay owns: a writer's row starts {@code pending}; the relay
 * makes it {@code published} once Kafka acknowledged it, or {@code dead} once it was dead-lettered.
 */
public final class OutboxStatus {
    /** Waiting for the relay (the column's default; writers never set it). */
    public static final String PENDING = "pending";
    /** Acknowledged by Kafka ({@code acks=all}); deleted after the relay's retention. */
    public static final String PUBLISHED = "published";
    /** Dead-lettered to {@code <prefix>.dlq}; kept for inspection and redrive. */
    public static final String DEAD = "dead";

    private OutboxStatus() {
    }
}
