package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.outbox.OutboxStatus.PUBLISHED;

import io.paymentledger.db.jooq.Routines;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.types.YearToSecond;

/**
 * Retention without per-row deletes (V14). Rows published by position live in a ring of four partitions: the relay
 * {@link #rotate rotates} the ring every {@link #rotationPeriod period}, and {@link #truncatePassed truncates} a
 * retired partition as a whole once every lane's cursor has passed all its rows and it retired before the cutoff.
 * Only rows published from the retry set (the failure path) are {@link #deleteRetried deleted row by row}.
 */
final class RetentionStore {
    /**
     * Ids come in ranges of 2^this, range k going to ring slot k mod 4, and a rotation moves the id sequence to the
     * next range (V14's partition key and {@code outbox_rotate}).
     */
    static final int ID_RANGE_BITS = 36;
    /** The shortest rotation period, used with {@code OUTBOX_RETENTION_HOURS=0}. */
    static final Duration MIN_ROTATION_PERIOD = Duration.ofSeconds(10);
    /** How long a truncation waits for a transaction still using the partition before it tries again later. */
    static final Duration LOCK_WAIT = Duration.ofMillis(200);

    private final DSLContext dsl;

    RetentionStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * How long a ring slot takes new rows: half the retention (at least {@link #MIN_ROTATION_PERIOD}), so a slot
     * retired at t can be truncated at t + retention, one period before the ring comes back to it.
     */
    static Duration rotationPeriod(Duration retention) {
        Duration half = retention.dividedBy(2);
        return half.compareTo(MIN_ROTATION_PERIOD) > 0 ? half : MIN_ROTATION_PERIOD;
    }

    /** Retires the current slot if it is due and the next one is empty; returns the new current slot if it did. */
    Optional<Short> rotate(Instant at, Duration period) {
        return Optional.ofNullable(Routines.outboxRotate(dsl.configuration(), OutboxRows.utc(at),
                YearToSecond.valueOf(period)));
    }

    /** Truncates the retired slots that every cursor passed and that retired by {@code cutoff}; returns them. */
    List<Short> truncatePassed(Instant cutoff, Instant at) {
        return Arrays.asList(Routines.outboxTruncatePassed(dsl.configuration(), OutboxRows.utc(cutoff),
                YearToSecond.valueOf(LOCK_WAIT), OutboxRows.utc(at)));
    }

    /** Deletes up to {@code limit} rows published from the retry set before {@code cutoff}; returns how many. */
    int deleteRetried(Instant cutoff, int limit) {
        var old = dsl.select(OUTBOX_EVENT.ID).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.STATUS.eq(PUBLISHED))
                .and(OUTBOX_EVENT.PUBLISHED_AT.lt(OutboxRows.utc(cutoff)))
                .orderBy(OUTBOX_EVENT.PUBLISHED_AT)
                .limit(limit)
                .forUpdate()
                .skipLocked();
        return dsl.deleteFrom(OUTBOX_EVENT).where(OUTBOX_EVENT.ID.in(old)).execute();
    }
}
