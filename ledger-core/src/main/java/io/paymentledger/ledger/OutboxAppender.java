package io.paymentledger.ledger;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.f4b6a3.ulid.UlidCreator;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.schemas.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/**
 * Writes events into {@code outbox_event} inside the command's transaction. Every payload is validated against its
 * schema first: an invalid event is a bug in the ledger and fails the command, it never reaches the outbox.
 */
final class OutboxAppender implements EventAppender {
    static final String PAYMENT_AGGREGATE = "Payment";
    private static final int EVENT_VERSION = 1;

    private final EventSchemas schemas;

    OutboxAppender(EventSchemas schemas) {
        this.schemas = schemas;
    }

    @Override
    public String append(DSLContext tx, String paymentId, long aggregateVersion, String eventType, ObjectNode payload,
                  String correlationId, Instant occurredAt) {
        List<String> problems = schemas.validatePayload(eventType, EVENT_VERSION, payload);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(eventType + " for payment " + paymentId + " violates its schema: " + problems);
        }
        String eventId = UlidCreator.getMonotonicUlid().toString();
        tx.insertInto(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.EVENT_ID, eventId)
                .set(OUTBOX_EVENT.AGGREGATE_TYPE, PAYMENT_AGGREGATE)
                .set(OUTBOX_EVENT.AGGREGATE_ID, paymentId)
                .set(OUTBOX_EVENT.AGGREGATE_VERSION, aggregateVersion)
                .set(OUTBOX_EVENT.EVENT_TYPE, eventType)
                .set(OUTBOX_EVENT.EVENT_VERSION, EVENT_VERSION)
                .set(OUTBOX_EVENT.PAYLOAD, JSONB.valueOf(toJson(payload)))
                .set(OUTBOX_EVENT.CORRELATION_ID, correlationId)
                .set(OUTBOX_EVENT.OCCURRED_AT, occurredAt.atOffset(ZoneOffset.UTC))
                .execute();
        return eventId;
    }

    private static String toJson(ObjectNode payload) {
        try {
            return Json.mapper().writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ObjectNode always serializes", e);
        }
    }
}
