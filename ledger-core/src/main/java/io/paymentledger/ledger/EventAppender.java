package io.paymentledger.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.jooq.DSLContext;

/** Writes one event of the payment aggregate into the outbox, inside the command's transaction. */
interface EventAppender {
    /**
     * Appends the event and returns its event id.
     *
     * @throws IllegalStateException when the payload violates its schema: a bug in the ledger, which must fail the
     *                               command before the event reaches the outbox
     */
    String append(DSLContext tx, String paymentId, long aggregateVersion, String eventType, ObjectNode payload,
                  String correlationId, Instant occurredAt);
}
