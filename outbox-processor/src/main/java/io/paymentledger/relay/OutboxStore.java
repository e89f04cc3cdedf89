package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.OUTBOX_RELAY_INSTANCE;

import io.paymentledger.db.jooq.tables.OutboxEvent;
import io.paymentledger.db.jooq.tables.records.OutboxEventRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.Row3;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The relay's side of {@code outbox_event}. Every method is one short statement in its own transaction; none is
 * open while the relay waits on Kafka. Every change to a claimed row is fenced: it applies only while this instance
 * still holds the claim, so an instance that lost its claim changes nothing.
 */
final class OutboxStore {
    static final String PENDING = "pending";
    static final String PUBLISHED = "published";
    static final String DEAD = "dead";

    private final DSLContext dsl;

    OutboxStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * Claims up to {@code limit} due pending rows for {@code instance} until {@code claimedUntil}: per aggregate only
     * the next row to send, i.e. one with no earlier version still pending or parked. Rows claimed by another live
     * instance are skipped ({@code SKIP LOCKED} and unexpired claims); expired claims are taken over. Rows are
     * selected by status, never by a high-water mark, so a row whose transaction commits late is still found.
     */
    List<OutboxRow> claimBatch(String instance, int limit, Instant now, Instant claimedUntil) {
        OffsetDateTime at = utc(now);
        OutboxEvent earlier = OUTBOX_EVENT.as("earlier");
        var due = DSL.select(OUTBOX_EVENT.ID).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.STATUS.eq(PENDING))
                .and(OUTBOX_EVENT.NEXT_ATTEMPT_AT.le(at))
                .and(OUTBOX_EVENT.CLAIMED_UNTIL.isNull().or(OUTBOX_EVENT.CLAIMED_UNTIL.lt(at)))
                .andNotExists(DSL.selectOne().from(earlier)
                        .where(earlier.AGGREGATE_TYPE.eq(OUTBOX_EVENT.AGGREGATE_TYPE))
                        .and(earlier.AGGREGATE_ID.eq(OUTBOX_EVENT.AGGREGATE_ID))
                        .and(earlier.AGGREGATE_VERSION.lt(OUTBOX_EVENT.AGGREGATE_VERSION))
                        .and(earlier.STATUS.ne(PUBLISHED))
                        .and(earlier.STATUS.eq(PENDING).or(earlier.PARKED.isTrue())))
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
                .map(OutboxStore::toRow);
    }

    /** Extends this instance's claim on {@code ids}; returns the ids it still held (the others were taken over). */
    List<Long> renewClaims(String instance, Collection<Long> ids, Instant now, Instant claimedUntil) {
        return dsl.update(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.CLAIMED_UNTIL, utc(claimedUntil))
                .where(OUTBOX_EVENT.ID.in(ids))
                .and(heldBy(instance, now))
                .returning(OUTBOX_EVENT.ID)
                .fetch(OUTBOX_EVENT.ID);
    }

    /** Marks rows published. */
    int markPublished(String instance, Collection<Long> ids, Instant now) {
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

    /** Releases rows without spending an attempt (the broker was unavailable, or the relay is stopping). */
    int release(String instance, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return dsl.update(OUTBOX_EVENT)
                .setNull(OUTBOX_EVENT.CLAIMED_BY)
                .setNull(OUTBOX_EVENT.CLAIMED_UNTIL)
                .where(OUTBOX_EVENT.ID.in(ids))
                .and(OUTBOX_EVENT.CLAIMED_BY.eq(instance))
                .and(OUTBOX_EVENT.STATUS.eq(PENDING))
                .execute();
    }

    /** Records one failed attempt per row and releases each until its own next attempt time. */
    int markRetry(String instance, List<Retry> retries, Instant now) {
        if (retries.isEmpty()) {
            return 0;
        }
        Table<Record3<Long, String, OffsetDateTime>> failed = failures(retries.stream()
                .map(r -> failureRow(r.failure(), r.nextAttemptAt())).toList());
        return recordFailures(instance, failed, now,
                Map.of(OUTBOX_EVENT.NEXT_ATTEMPT_AT, failed.field("next_attempt_at", OffsetDateTime.class)));
    }

    /** Marks dead-lettered rows dead, counting their last attempt; {@code park} blocks their aggregates. */
    int markDead(String instance, List<Failure> dead, Instant now, boolean park) {
        if (dead.isEmpty()) {
            return 0;
        }
        Table<Record3<Long, String, OffsetDateTime>> failed = failures(dead.stream()
                .map(f -> failureRow(f, now)).toList());
        return recordFailures(instance, failed, now,
                Map.of(OUTBOX_EVENT.STATUS, DEAD, OUTBOX_EVENT.PARKED, park, OUTBOX_EVENT.DEAD_LETTERED_AT, utc(now)));
    }

    /**
     * One statement for a set of failed rows: counts the attempt, stores each row's error, stamps the failure times,
     * releases the claim, and sets {@code outcome} (retry time, or dead). Fenced by the claim like every change.
     */
    private int recordFailures(String instance, Table<Record3<Long, String, OffsetDateTime>> failed, Instant now,
                               Map<? extends Field<?>, ?> outcome) {
        return dsl.update(OUTBOX_EVENT)
                .set(outcome)
                .set(OUTBOX_EVENT.ATTEMPTS, OUTBOX_EVENT.ATTEMPTS.plus(1))
                .set(OUTBOX_EVENT.LAST_ERROR, failed.field("error", String.class))
                .set(OUTBOX_EVENT.FIRST_FAILURE_AT, DSL.coalesce(OUTBOX_EVENT.FIRST_FAILURE_AT, DSL.val(utc(now))))
                .set(OUTBOX_EVENT.LAST_FAILURE_AT, utc(now))
                .setNull(OUTBOX_EVENT.CLAIMED_BY)
                .setNull(OUTBOX_EVENT.CLAIMED_UNTIL)
                .from(failed)
                .where(OUTBOX_EVENT.ID.eq(failed.field("id", Long.class)))
                .and(OUTBOX_EVENT.CLAIMED_BY.eq(instance))
                .and(OUTBOX_EVENT.STATUS.eq(PENDING))
                .execute();
    }

    /** A row of the failures table: the row's id, its error text, and a time (next attempt, or now). */
    private static Row3<Long, String, OffsetDateTime> failureRow(Failure failure, Instant at) {
        return DSL.row(DSL.val(failure.row().id(), SQLDataType.BIGINT), DSL.val(failure.describe(), SQLDataType.CLOB),
                DSL.val(utc(at), SQLDataType.TIMESTAMPWITHTIMEZONE));
    }

    /** Deletes up to {@code limit} rows published before {@code cutoff}; returns how many it deleted. */
    int deletePublishedBefore(Instant cutoff, int limit) {
        var old = DSL.select(OUTBOX_EVENT.ID).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.STATUS.eq(PUBLISHED))
                .and(OUTBOX_EVENT.PUBLISHED_AT.lt(utc(cutoff)))
                .orderBy(OUTBOX_EVENT.PUBLISHED_AT)
                .limit(limit)
                .forUpdate()
                .skipLocked();
        return dsl.deleteFrom(OUTBOX_EVENT).where(OUTBOX_EVENT.ID.in(old)).execute();
    }

    /** Records that {@code instance} is alive, for operators' {@code status}. */
    void heartbeat(String instance, Instant startedAt, Instant now, String circuitState) {
        dsl.insertInto(OUTBOX_RELAY_INSTANCE)
                .set(OUTBOX_RELAY_INSTANCE.INSTANCE_ID, instance)
                .set(OUTBOX_RELAY_INSTANCE.STARTED_AT, utc(startedAt))
                .set(OUTBOX_RELAY_INSTANCE.HEARTBEAT_AT, utc(now))
                .set(OUTBOX_RELAY_INSTANCE.CIRCUIT_STATE, circuitState)
                .onConflict(OUTBOX_RELAY_INSTANCE.INSTANCE_ID)
                .doUpdate()
                .set(OUTBOX_RELAY_INSTANCE.STARTED_AT, utc(startedAt))
                .set(OUTBOX_RELAY_INSTANCE.HEARTBEAT_AT, utc(now))
                .set(OUTBOX_RELAY_INSTANCE.CIRCUIT_STATE, circuitState)
                .execute();
    }

    /** How many pending rows {@code instance} holds claimed at {@code now}. */
    int claimsHeld(String instance, Instant now) {
        return dsl.fetchCount(OUTBOX_EVENT, heldBy(instance, now));
    }

    /** Removes a stopped instance from the live list. */
    void signOff(String instance) {
        dsl.deleteFrom(OUTBOX_RELAY_INSTANCE).where(OUTBOX_RELAY_INSTANCE.INSTANCE_ID.eq(instance)).execute();
    }

    private static Condition heldBy(String instance, Instant now) {
        return OUTBOX_EVENT.CLAIMED_BY.eq(instance)
                .and(OUTBOX_EVENT.CLAIMED_UNTIL.gt(utc(now)))
                .and(OUTBOX_EVENT.STATUS.eq(PENDING));
    }

    @SuppressWarnings("unchecked")
    private static Table<Record3<Long, String, OffsetDateTime>> failures(
            List<Row3<Long, String, OffsetDateTime>> rows) {
        return DSL.values(rows.toArray(Row3[]::new)).as("failed", "id", "error", "next_attempt_at");
    }

    private static OutboxRow toRow(OutboxEventRecord r) {
        return new OutboxRow(r.getId(), r.getEventId(), r.getAggregateType(), r.getAggregateId(),
                r.getAggregateVersion(), r.getEventType(), r.getEventVersion(), r.getPayload().data(),
                r.getCorrelationId(), r.getOccurredAt().toInstant(), r.getAttempts(),
                r.getFirstFailureAt() == null ? null : r.getFirstFailureAt().toInstant());
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** A failed attempt to retry at {@code nextAttemptAt}. */
    record Retry(Failure failure, Instant nextAttemptAt) {
    }
}
