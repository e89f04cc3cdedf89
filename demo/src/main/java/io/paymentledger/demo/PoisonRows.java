package io.paymentledger.demo;

import com.github.f4b6a3.ulid.UlidCreator;
import io.paymentledger.outbox.OutboxEvent;
import io.paymentledger.outbox.OutboxWriter;
import java.util.List;
import org.jooq.DSLContext;

/**
 * Four unusual rows written straight into {@code outbox_event}, as writers of other services could, so the demo shows
 * where each one ends:
 * <ul>
 *   <li>a 1.2 MB payload: too large for Kafka, dead-lettered at once with its metadata and size;</li>
 *   <li>an event type that cannot name a topic ({@code Payment Charged Back!}): dead-lettered at once;</li>
 *   <li>a new event type whose topic nobody created yet ({@code PaymentChargedBack}): not the record's fault, so it is
 *       held (no attempt spent, nothing dead-lettered) and reported until the demo creates the topic, as an operator
 *       would; then it is delivered, and the consumer, which does not know the type, rejects it as
 *       {@code unknown_event_type};</li>
 *   <li>a payload that breaks its schema: the relay delivers it (it does not judge payloads); the consumer rejects
 *       it as {@code invalid_payload} and stores it with the reason.</li>
 * </ul>
 */
final class PoisonRows {
    /** How many rows {@link #insert} writes. */
    static final int ROWS = 4;
    /** Rows that end on {@code payments.dlq}. */
    static final int DEAD_LETTERED = 2;
    /** Rows delivered to a ledger topic that the consumer rejects: the new event type and the invalid payload. */
    static final int REJECTED_BY_CONSUMER = 2;
    static final String INVALID_TOPIC_EVENT_TYPE = "Payment Charged Back!";
    /** A valid event type whose topic, {@code payments.paymentchargedback}, is missing until the demo creates it. */
    static final String NEW_EVENT_TYPE = "PaymentChargedBack";
    static final String NEW_TOPIC_NAME = "paymentchargedback";

    private PoisonRows() {
    }

    /** Inserts the rows; returns their event ids. */
    static List<String> insert(DSLContext dsl) {
        String tooLarge = insert(dsl, "PaymentAuthorized", "{\"blob\":\"" + "x".repeat(1_200_000) + "\"}");
        String invalidTopic = insert(dsl, INVALID_TOPIC_EVENT_TYPE, "{\"payment_id\":\"poison\"}");
        String newType = insert(dsl, NEW_EVENT_TYPE, "{\"payment_id\":\"poison\"}");
        String invalidPayload = insert(dsl, "PaymentAuthorized", "{\"payment_id\":\"poison\",\"amount_minor\":\"lots\"}");
        return List.of(tooLarge, invalidTopic, newType, invalidPayload);
    }

    /** Written as another service's writer would, through the writer API but without validation (they are bad). */
    private static String insert(DSLContext dsl, String eventType, String payload) {
        return OutboxWriter.unvalidated().append(dsl, OutboxEvent.of("Payment", "poison-" + UlidCreator
                .getMonotonicUlid(), 1, eventType, payload));
    }
}
