package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.outbox.OutboxStatus.DEAD;
import static io.paymentledger.outbox.OutboxStatus.PENDING;
import static io.paymentledger.outbox.OutboxStatus.RETRYING;

import java.time.Instant;
import java.time.OffsetDateTime;
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
 * The failure path's writes to {@code outbox_event}: the retry set ({@code status = 'retrying'}) with attempts, errors
 * and retry times, and dead rows. Only failed or held rows pay for them, and only inside the transaction that settles a
 * page ({@link CursorStore#settle}), so they are fenced by its lanes' epochs like every change.
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
        return recordFailures(tx, failed, now, Map.of(OUTBOX_EVENT.STATUS, RETRYING,
                OUTBOX_EVENT.NEXT_ATTEMPT_AT, failed.field("next_attempt_at", OffsetDateTime.class)));
    }

    /**
     * Puts rows in the retry set without counting an attempt, due at {@code dueAt}: batch rows that were not sent or
     * were released (an outage, held behind an earlier failure of their aggregate, a missing topic), due at once, and
     * rows whose dead-letter topic is missing, until it is checked again. The lane's cursor passes them, and the retry
     * set sends them in their aggregate's order. Runs inside the settling transaction.
     */
    static int hold(DSLContext tx, Collection<Long> ids, Instant dueAt) {
        if (ids.isEmpty()) {
            return 0;
        }
        return tx.update(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.STATUS, RETRYING)
                .set(OUTBOX_EVENT.NEXT_ATTEMPT_AT, OutboxRows.utc(dueAt))
                .where(OUTBOX_EVENT.ID.eq(DSL.any(ids.toArray(Long[]::new))))
                .and(unsettled())
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
     * and sets {@code outcome} (retry time, or dead). Runs inside the settling transaction.
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
                .and(unsettled())
                .execute();
    }

    /** Rows not yet published or dead: new ones (pending) and the retry set's. */
    private static Condition unsettled() {
        return OUTBOX_EVENT.STATUS.in(PENDING, RETRYING);
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
