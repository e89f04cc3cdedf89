package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.outbox.OutboxStatus.PUBLISHED;

import java.time.Instant;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Retention: deletes published rows past {@code OUTBOX_RETENTION_HOURS}, oldest first, in small batches. */
final class RetentionStore {
    private final DSLContext dsl;

    RetentionStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Deletes up to {@code limit} rows published before {@code cutoff}; returns how many it deleted. */
    int deletePublishedBefore(Instant cutoff, int limit) {
        var old = DSL.select(OUTBOX_EVENT.ID).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.STATUS.eq(PUBLISHED))
                .and(OUTBOX_EVENT.PUBLISHED_AT.lt(OutboxRows.utc(cutoff)))
                .orderBy(OUTBOX_EVENT.PUBLISHED_AT)
                .limit(limit)
                .forUpdate()
                .skipLocked();
        return dsl.deleteFrom(OUTBOX_EVENT).where(OUTBOX_EVENT.ID.in(old)).execute();
    }

}
