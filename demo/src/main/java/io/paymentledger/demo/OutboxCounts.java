package io.paymentledger.demo;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;

import io.paymentledger.outbox.OutboxStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** The outbox at one moment: rows written, published, dead and pending, and the age of the oldest pending one. */
record OutboxCounts(long written, long published, long dead, long pending, Duration oldestPendingAge) {

    static OutboxCounts read(DSLContext dsl, Instant now) {
        var pending = OUTBOX_EVENT.STATUS.eq(OutboxStatus.PENDING);
        var row = dsl.select(DSL.count(),
                        DSL.count().filterWhere(OUTBOX_EVENT.STATUS.eq(OutboxStatus.PUBLISHED)),
                        DSL.count().filterWhere(OUTBOX_EVENT.STATUS.eq(OutboxStatus.DEAD)),
                        DSL.count().filterWhere(pending),
                        DSL.min(OUTBOX_EVENT.OCCURRED_AT).filterWhere(pending))
                .from(OUTBOX_EVENT)
                .fetchOne();
        OffsetDateTime oldest = row.value5();
        return new OutboxCounts(row.value1(), row.value2(), row.value3(), row.value4(),
                oldest == null ? Duration.ZERO : Duration.between(oldest.toInstant(), now));
    }
}
