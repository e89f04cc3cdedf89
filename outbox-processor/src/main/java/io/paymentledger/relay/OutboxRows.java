package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;

import io.paymentledger.outbox.TraceContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jooq.Field;
import org.jooq.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reading {@code outbox_event} rows into {@link OutboxRow}, and the UTC timestamps the relay's tables store. */
final class OutboxRows {
    private static final Logger log = LoggerFactory.getLogger(OutboxRows.class);

    private OutboxRows() {
    }

    /** The columns a claim reads: what {@link OutboxRow} holds, nothing the relay does not send or count. */
    static final List<Field<?>> FIELDS = List.of(OUTBOX_EVENT.ID, OUTBOX_EVENT.EVENT_ID,
            OUTBOX_EVENT.AGGREGATE_TYPE, OUTBOX_EVENT.AGGREGATE_ID, OUTBOX_EVENT.AGGREGATE_VERSION,
            OUTBOX_EVENT.EVENT_TYPE, OUTBOX_EVENT.EVENT_VERSION, OUTBOX_EVENT.PAYLOAD, OUTBOX_EVENT.CORRELATION_ID,
            OUTBOX_EVENT.OCCURRED_AT, OUTBOX_EVENT.ATTEMPTS, OUTBOX_EVENT.FIRST_FAILURE_AT, OUTBOX_EVENT.TRACEPARENT,
            OUTBOX_EVENT.TRACESTATE);

    static OutboxRow toRow(Record r) {
        OffsetDateTime firstFailureAt = r.get(OUTBOX_EVENT.FIRST_FAILURE_AT);
        return new OutboxRow(r.get(OUTBOX_EVENT.ID), r.get(OUTBOX_EVENT.EVENT_ID), r.get(OUTBOX_EVENT.AGGREGATE_TYPE),
                r.get(OUTBOX_EVENT.AGGREGATE_ID), r.get(OUTBOX_EVENT.AGGREGATE_VERSION),
                r.get(OUTBOX_EVENT.EVENT_TYPE), r.get(OUTBOX_EVENT.EVENT_VERSION), r.get(OUTBOX_EVENT.PAYLOAD).data(),
                r.get(OUTBOX_EVENT.CORRELATION_ID), r.get(OUTBOX_EVENT.OCCURRED_AT).toInstant(),
                r.get(OUTBOX_EVENT.ATTEMPTS), firstFailureAt == null ? null : firstFailureAt.toInstant(),
                trace(r.get(OUTBOX_EVENT.EVENT_ID), r.get(OUTBOX_EVENT.TRACEPARENT), r.get(OUTBOX_EVENT.TRACESTATE)));
    }

    /**
     * The row's trace context; a malformed traceparent (written by SQL, unchecked) is left out of the record with a
     * WARN, never a reason to hold or dead-letter the event.
     */
    private static TraceContext trace(String eventId, String traceparent, String tracestate) {
        if (traceparent == null) {
            return null;
        }
        return TraceContext.parse(traceparent, tracestate).orElseGet(() -> {
            log.warn("Event {} has a malformed traceparent '{}'; publishing it without trace headers", eventId,
                    traceparent);
            return null;
        });
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

}
