package io.paymentledger.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymentledger.outbox.InvalidEventException;
import io.paymentledger.outbox.OutboxEvent;
import io.paymentledger.outbox.OutboxWriter;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.schemas.Json;
import java.time.Instant;
import org.jooq.DSLContext;

/**
 * Writes events into {@code outbox_event} inside the command's transaction, through the validating
 * {@link OutboxWriter}: an invalid event is a bug in the ledger and fails the command, it never reaches the outbox.
 * The OpenTelemetry context current on the caller's thread, when there is one, travels with the event.
 */
final class OutboxAppender implements EventAppender {
    static final String PAYMENT_AGGREGATE = "Payment";

    private final OutboxWriter writer;

    OutboxAppender(EventSchemas schemas) {
        this.writer = OutboxWriter.validating(schemas);
    }

    @Override
    public String append(DSLContext tx, String paymentId, long aggregateVersion, String eventType, ObjectNode payload,
                  String correlationId, Instant occurredAt) {
        OutboxEvent event = OutboxEvent.of(PAYMENT_AGGREGATE, paymentId, aggregateVersion, eventType, toJson(payload))
                .withCorrelationId(correlationId).withOccurredAt(occurredAt).inCurrentTrace();
        try {
            return writer.append(tx, event);
        } catch (InvalidEventException e) {
            throw new IllegalStateException(eventType + " for payment " + paymentId + " violates its schema: "
                    + e.problems(), e);
        }
    }

    private static String toJson(ObjectNode payload) {
        try {
            return Json.mapper().writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ObjectNode always serializes", e);
        }
    }
}
