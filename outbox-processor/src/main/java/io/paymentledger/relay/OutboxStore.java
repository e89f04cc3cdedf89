package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;

import io.paymentledger.db.jooq.tables.records.OutboxEventRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The relay's side of {@code outbox_event}. Every method is one short statement in its own transaction; none is
 * open while the relay waits on Kafka.
 */
final class OutboxStore {
    static final String PENDING = "pending";
    static final String PUBLISHED = "published";
    private static final int MAX_ERROR_LENGTH = 2_000;

    private final DSLContext dsl;

    OutboxStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * Claims up to {@code limit} due pending rows for {@code instance} until {@code claimedUntil}. Rows claimed by
     * another live instance are skipped ({@code SKIP LOCKED} and unexpired claims); expired claims are taken over.
     * Pending rows are selected by status, never by a high-water mark, so a row whose transaction commits late is
     * still found. Returned in aggregate order, version ascending.
     */
    List<OutboxRow> claimBatch(String instance, int limit, Instant now, Instant claimedUntil) {
        OffsetDateTime at = utc(now);
        var due = DSL.select(OUTBOX_EVENT.ID).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.STATUS.eq(PENDING))
                .and(OUTBOX_EVENT.NEXT_ATTEMPT_AT.le(at))
                .and(OUTBOX_EVENT.CLAIMED_UNTIL.isNull().or(OUTBOX_EVENT.CLAIMED_UNTIL.lt(at)))
                .orderBy(OUTBOX_EVENT.ID)
                .limit(limit)
                .forUpdate()
                .skipLocked();
        return dsl.update(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.CLAIMED_BY, instance)
                .set(OUTBOX_EVENT.CLAIMED_UNTIL, utc(claimedUntil))
                .where(OUTBOX_EVENT.ID.in(due))
                .returning()
                .fetch()
                .stream()
                .map(OutboxStore::toRow)
                .sorted(Comparator.comparing(OutboxRow::aggregateType).thenComparing(OutboxRow::aggregateId)
                        .thenComparingLong(OutboxRow::aggregateVersion))
                .toList();
    }

    /** Marks rows published, only where this instance still holds the claim (a fenced-out instance changes nothing). */
    int markPublished(String instance, List<Long> ids, Instant now) {
        if (ids.isEmpty()) {
            return 0;
        }
        return dsl.update(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.STATUS, PUBLISHED)
                .set(OUTBOX_EVENT.PUBLISHED_AT, utc(now))
                .setNull(OUTBOX_EVENT.CLAIMED_BY)
                .setNull(OUTBOX_EVENT.CLAIMED_UNTIL)
                .where(OUTBOX_EVENT.ID.in(ids))
                .and(OUTBOX_EVENT.CLAIMED_BY.eq(instance))
                .and(OUTBOX_EVENT.STATUS.eq(PENDING))
                .execute();
    }

    /** Records a failed attempt and releases the row until {@code nextAttemptAt}. */
    int markFailed(String instance, long id, String error, Instant now, Instant nextAttemptAt) {
        return dsl.update(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.ATTEMPTS, OUTBOX_EVENT.ATTEMPTS.plus(1))
                .set(OUTBOX_EVENT.LAST_ERROR, truncate(error))
                .set(OUTBOX_EVENT.FIRST_FAILURE_AT, DSL.coalesce(OUTBOX_EVENT.FIRST_FAILURE_AT, DSL.val(utc(now))))
                .set(OUTBOX_EVENT.LAST_FAILURE_AT, utc(now))
                .set(OUTBOX_EVENT.NEXT_ATTEMPT_AT, utc(nextAttemptAt))
                .setNull(OUTBOX_EVENT.CLAIMED_BY)
                .setNull(OUTBOX_EVENT.CLAIMED_UNTIL)
                .where(OUTBOX_EVENT.ID.eq(id))
                .and(OUTBOX_EVENT.CLAIMED_BY.eq(instance))
                .and(OUTBOX_EVENT.STATUS.eq(PENDING))
                .execute();
    }

    private static OutboxRow toRow(OutboxEventRecord r) {
        return new OutboxRow(r.getId(), r.getEventId(), r.getAggregateType(), r.getAggregateId(),
                r.getAggregateVersion(), r.getEventType(), r.getEventVersion(), r.getPayload().data(),
                r.getCorrelationId(), r.getOccurredAt().toInstant(), r.getAttempts());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static String truncate(String error) {
        return error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
    }
}
