package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.outbox.OutboxStatus.DEAD;
import static io.paymentledger.outbox.OutboxStatus.PENDING;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.Row3;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The failure path's writes to {@code outbox_event}: attempts, errors, retry times, dead rows. Only failed rows pay for
 * them, and only inside the transaction that settles a batch ({@link ClaimStore#settle}), so they are fenced by its
 * claim like every change.
 */
final class FailureStore {
    private FailureStore() {
    }

    /** Records one failed attempt per row and releases each until its own next attempt time. */
    static int retry(DSLContext tx, List<Settlement.Retry> retries, Instant now) {
        if (retries.isEmpty()) {
            return 0;
        }
        Table<Record3<Long, String, OffsetDateTime>> failed = failures(retries.stream()
                .map(r -> failureRow(r.failure(), r.nextAttemptAt())).toList());
        return recordFailures(tx, failed, now,
                Map.of(OUTBOX_EVENT.NEXT_ATTEMPT_AT, failed.field("next_attempt_at", OffsetDateTime.class)));
    }

    /**
     * Releases rows of {@code claim} until {@code until} without counting an attempt: their dead-letter topic is
     * missing, which is no fault of theirs. Runs inside the settling transaction, fenced by its claim.
     */
    static int postpone(DSLContext tx, Collection<Long> ids, Instant until) {
        if (ids.isEmpty()) {
            return 0;
        }
        return tx.update(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.NEXT_ATTEMPT_AT, OutboxRows.utc(until))
                .where(ClaimStore.pendingAmong(ids))
                .execute();
    }

    /** Marks dead-lettered rows dead, counting their last attempt; {@code park} blocks their aggregates. */
    static int dead(DSLContext tx, List<Failure> dead, Instant now, boolean park) {
        if (dead.isEmpty()) {
            return 0;
        }
        Table<Record3<Long, String, OffsetDateTime>> failed = failures(dead.stream()
                .map(f -> failureRow(f, now)).toList());
        return recordFailures(tx, failed, now,
                Map.of(OUTBOX_EVENT.STATUS, DEAD, OUTBOX_EVENT.PARKED, park,
                        OUTBOX_EVENT.DEAD_LETTERED_AT, OutboxRows.utc(now)));
    }

    /**
     * One statement for a set of failed rows: counts the attempt, stores each row's error, stamps the failure times,
     * and sets {@code outcome} (retry time, or dead). Runs inside the settling transaction, fenced by its claim.
     */
    private static int recordFailures(DSLContext tx, Table<Record3<Long, String, OffsetDateTime>> failed,
                                      Instant now, Map<? extends Field<?>, ?> outcome) {
        return tx.update(OUTBOX_EVENT)
                .set(outcome)
                .set(OUTBOX_EVENT.ATTEMPTS, OUTBOX_EVENT.ATTEMPTS.plus(1))
                .set(OUTBOX_EVENT.LAST_ERROR, failed.field("error", String.class))
                .set(OUTBOX_EVENT.FIRST_FAILURE_AT,
                        DSL.coalesce(OUTBOX_EVENT.FIRST_FAILURE_AT, DSL.val(OutboxRows.utc(now))))
                .set(OUTBOX_EVENT.LAST_FAILURE_AT, OutboxRows.utc(now))
                .from(failed)
                .where(OUTBOX_EVENT.ID.eq(failed.field("id", Long.class)))
                .and(OUTBOX_EVENT.STATUS.eq(PENDING))
                .execute();
    }

    /** A row of the failures table: the row's id, its error text, and a time (next attempt, or now). */
    private static Row3<Long, String, OffsetDateTime> failureRow(Failure failure, Instant at) {
        return DSL.row(DSL.val(failure.row().id(), SQLDataType.BIGINT), DSL.val(failure.describe(), SQLDataType.CLOB),
                DSL.val(OutboxRows.utc(at), SQLDataType.TIMESTAMPWITHTIMEZONE));
    }

    @SuppressWarnings("unchecked")
    private static Table<Record3<Long, String, OffsetDateTime>> failures(
            List<Row3<Long, String, OffsetDateTime>> rows) {
        return DSL.values(rows.toArray(Row3[]::new)).as("failed", "id", "error", "next_attempt_at");
    }

}
