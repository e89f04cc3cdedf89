package io.paymentledger.demo;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT_STATE;

import io.paymentledger.outbox.OutboxStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The outbox at one moment, as {@code outbox_event_state} shows it: rows written, published, dead and not delivered
 * yet (new, or in the retry set), and the age of the oldest of those.
 */
record OutboxCounts(long written, long published, long dead, long pending, Duration oldestPendingAge) {

    static OutboxCounts read(DSLContext dsl, Instant now) {
        var pending = OUTBOX_EVENT_STATE.STATE.in(OutboxStatus.PENDING, OutboxStatus.RETRYING);
        var row = dsl.select(DSL.count(),
                        DSL.count().filterWhere(OUTBOX_EVENT_STATE.STATE.eq(OutboxStatus.PUBLISHED)),
                        DSL.count().filterWhere(OUTBOX_EVENT_STATE.STATE.eq(OutboxStatus.DEAD)),
                        DSL.count().filterWhere(pending),
                        DSL.min(OUTBOX_EVENT_STATE.OCCURRED_AT).filterWhere(pending))
                .from(OUTBOX_EVENT_STATE)
                .fetchOne();
        OffsetDateTime oldest = row.value5();
        return new OutboxCounts(row.value1(), row.value2(), row.value3(), row.value4(),
                oldest == null ? Duration.ZERO : Duration.between(oldest.toInstant(), now));
    }
}
