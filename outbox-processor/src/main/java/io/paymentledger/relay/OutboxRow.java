package io.paymentledger.relay;

import io.paymentledger.outbox.TraceContext;
import java.time.Instant;

/**
 * One claimed {@code outbox_event} row, as the relay needs it. {@code payload} is the jsonb text; {@code attempts}
 * and {@code firstFailureAt} (null before the first failure) are the row's failure history before this pass;
 * {@code trace} is the writer's well-formed trace context, or null.
 */
record OutboxRow(long id, String eventId, String aggregateType, String aggregateId, long aggregateVersion,
                 String eventType, int eventVersion, String payload, String correlationId, Instant occurredAt,
                 int attempts, Instant firstFailureAt, TraceContext trace) {

    /** A row without a trace context. */
    OutboxRow(long id, String eventId, String aggregateType, String aggregateId, long aggregateVersion,
              String eventType, int eventVersion, String payload, String correlationId, Instant occurredAt,
              int attempts, Instant firstFailureAt) {
        this(id, eventId, aggregateType, aggregateId, aggregateVersion, eventType, eventVersion, payload,
                correlationId, occurredAt, attempts, firstFailureAt, null);
    }

    /** The aggregate this row belongs to. */
    AggregateKey aggregate() {
        return new AggregateKey(aggregateType, aggregateId);
    }
}
