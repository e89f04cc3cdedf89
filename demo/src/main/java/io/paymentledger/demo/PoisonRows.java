package io.paymentledger.demo;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;

import com.github.f4b6a3.ulid.UlidCreator;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/**
 * Three bad rows written straight into {@code outbox_event}, as a buggy writer of another service could, so the demo
 * shows where each one ends:
 * <ul>
 *   <li>a 1.2 MB payload: too large for Kafka, dead-lettered at once with its metadata and size;</li>
 *   <li>an event type with no topic: retried with backoff, then dead-lettered after {@code OUTBOX_MAX_RETRIES};</li>
 *   <li>a payload that breaks its schema: the relay delivers it (it does not judge payloads); the consumer rejects
 *       it as {@code invalid_payload} and stores it with the reason.</li>
 * </ul>
 */
final class PoisonRows {
    /** Rows that end on {@code payments.dlq}. */
    static final int DEAD_LETTERED = 2;
    /** Rows delivered to a ledger topic that the consumer rejects. */
    static final int REJECTED_BY_CONSUMER = 1;
    static final String UNKNOWN_EVENT_TYPE = "PaymentChargedBack";

    private PoisonRows() {
    }

    /** Inserts the three rows; returns their event ids. */
    static List<String> insert(DSLContext dsl) {
        String tooLarge = insert(dsl, "PaymentAuthorized", "{\"blob\":\"" + "x".repeat(1_200_000) + "\"}");
        String unknownType = insert(dsl, UNKNOWN_EVENT_TYPE, "{\"payment_id\":\"poison\"}");
        String invalidPayload = insert(dsl, "PaymentAuthorized", "{\"payment_id\":\"poison\",\"amount_minor\":\"lots\"}");
        return List.of(tooLarge, unknownType, invalidPayload);
    }

    private static String insert(DSLContext dsl, String eventType, String payload) {
        String eventId = UlidCreator.getMonotonicUlid().toString();
        dsl.insertInto(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.EVENT_ID, eventId)
                .set(OUTBOX_EVENT.AGGREGATE_TYPE, "Payment")
                .set(OUTBOX_EVENT.AGGREGATE_ID, "poison-" + eventId)
                .set(OUTBOX_EVENT.AGGREGATE_VERSION, 1L)
                .set(OUTBOX_EVENT.EVENT_TYPE, eventType)
                .set(OUTBOX_EVENT.PAYLOAD, JSONB.valueOf(payload))
                .execute();
        return eventId;
    }
}
