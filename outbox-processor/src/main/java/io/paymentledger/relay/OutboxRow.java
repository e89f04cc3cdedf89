package io.paymentledger.relay;

import java.time.Instant;

/** One claimed {@code outbox_event} row, as the relay needs it. {@code payload} is the jsonb text. */
record OutboxRow(long id, String eventId, String aggregateType, String aggregateId, long aggregateVersion,
                 String eventType, int eventVersion, String payload, String correlationId, Instant occurredAt,
                 int attempts) {
}
