package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.OUTBOX_LANE;
import static io.paymentledger.outbox.OutboxStatus.PENDING;
import static io.paymentledger.outbox.OutboxStatus.PUBLISHED;

import io.paymentledger.db.jooq.Routines;
import java.time.Instant;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * Retention: deletes published rows past {@code OUTBOX_RETENTION_HOURS}, oldest first, in small batches. A row
 * published by position (never written) is old enough when it occurred before the cutoff and its transaction ended
 * before every lane cursor's snapshot was taken, so every cursor has passed it; a row published from the retry set
 * when it was published before the cutoff.
 */
final class RetentionStore {
    private final DSLContext dsl;

    RetentionStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Deletes up to {@code limit} rows published and past {@code cutoff}; returns how many it deleted. */
    int deletePublishedBefore(Instant cutoff, int limit) {
        int deleted = deletePassed(cutoff, limit);
        return deleted + deleteRetried(cutoff, limit - deleted);
    }

    /**
     * Rows every cursor passed, read in transaction order (the {@code tx_id} index, from the oldest): at most
     * {@code limit} of them are looked at, and those that occurred before {@code cutoff} are deleted.
     */
    private int deletePassed(Instant cutoff, int limit) {
        Field<Long> passed = DSL.select(DSL.min(Routines.outboxSnapshotXmin(OUTBOX_LANE.DELIVERED)))
                .from(OUTBOX_LANE).asField();
        var oldest = DSL.select(OUTBOX_EVENT.ID, OUTBOX_EVENT.OCCURRED_AT).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.TX_ID.lt(passed))
                .and(OUTBOX_EVENT.STATUS.eq(DSL.inline(PENDING)))
                .orderBy(OUTBOX_EVENT.TX_ID)
                .limit(limit)
                .asTable("oldest");
        return dsl.deleteFrom(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.ID.in(DSL.select(oldest.field(OUTBOX_EVENT.ID)).from(oldest)
                        .where(oldest.field(OUTBOX_EVENT.OCCURRED_AT).lt(OutboxRows.utc(cutoff)))))
                .execute();
    }

    private int deleteRetried(Instant cutoff, int limit) {
        if (limit <= 0) {
            return 0;
        }
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
