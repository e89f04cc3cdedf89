package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_LANE;
import static io.paymentledger.db.jooq.Tables.OUTBOX_RELAY_INSTANCE;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Row2;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lane leases ({@code outbox_lane}): an instance holds a lane as {@code owner} at an {@code epoch} until
 * {@code lease_until}. Taking a lane bumps its epoch, so a lease is one (lane, epoch) pair and an instance that lost a
 * lane can no longer renew or claim in it, even if it takes the lane back later.
 */
final class LaneStore {
    private static final Logger log = LoggerFactory.getLogger(LaneStore.class);

    /** The number of lanes; {@code outbox_lane} and {@code outbox_lane_of} are created with it (migration V11). */
    static final int LANES = 32;

    private final DSLContext dsl;

    LaneStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Extends the leases in {@code held} until {@code until}; returns those still held (the others were taken). */
    Map<Integer, Long> renew(String instance, Map<Integer, Long> held, Instant until) {
        if (held.isEmpty()) {
            return Map.of();
        }
        Map<Integer, Long> renewed = new TreeMap<>();
        dsl.update(OUTBOX_LANE)
                .set(OUTBOX_LANE.LEASE_UNTIL, OutboxRows.utc(until))
                .where(leases(instance, held))
                .returning(OUTBOX_LANE.LANE, OUTBOX_LANE.EPOCH)
                .fetch()
                .forEach(r -> renewed.put(r.getLane().intValue(), r.getEpoch()));
        return renewed;
    }

    /**
     * Takes up to {@code max} lanes that are free or whose lease ran out before {@code now}, each at its next epoch,
     * until {@code until}. The new owner goes on from the lane's cursor: the page the old owner had in flight is sent
     * again (consumers drop duplicates by event id), and the old owner's settlement of it changes nothing, because
     * it is fenced by the epoch this bumps. A lease that ran out but was not taken is renewed by its owner as usual
     * (see {@link #renew}), so a blip sends nothing twice.
     */
    Map<Integer, Long> acquire(String instance, int max, Instant now, Instant until) {
        if (max <= 0) {
            return Map.of();
        }
        return dsl.transactionResult(tx -> {
            OffsetDateTime at = OutboxRows.utc(now);
            Map<Integer, String> taken = new HashMap<>();
            tx.dsl().select(OUTBOX_LANE.LANE, OUTBOX_LANE.OWNER).from(OUTBOX_LANE)
                    .where(OUTBOX_LANE.OWNER.isNull().or(OUTBOX_LANE.LEASE_UNTIL.lt(at)))
                    .orderBy(OUTBOX_LANE.LANE)
                    .limit(max)
                    .forUpdate()
                    .skipLocked()
                    .fetch()
                    .forEach(r -> taken.put(r.value1().intValue(), r.value2()));
            if (taken.isEmpty()) {
                return Map.of();
            }
            Map<Integer, Long> acquired = new TreeMap<>();
            tx.dsl().update(OUTBOX_LANE)
                    .set(OUTBOX_LANE.OWNER, instance)
                    .set(OUTBOX_LANE.EPOCH, OUTBOX_LANE.EPOCH.plus(1))
                    .set(OUTBOX_LANE.LEASE_UNTIL, OutboxRows.utc(until))
                    .where(OUTBOX_LANE.LANE.in(taken.keySet().stream().map(Integer::shortValue).toList()))
                    .returning(OUTBOX_LANE.LANE, OUTBOX_LANE.EPOCH)
                    .fetch()
                    .forEach(r -> acquired.put(r.getLane().intValue(), r.getEpoch()));
            logTakeover(instance, taken);
            return acquired;
        });
    }

    private static void logTakeover(String instance, Map<Integer, String> taken) {
        Map<String, List<Integer>> byOwner = new TreeMap<>();
        taken.forEach((lane, owner) -> {
            if (owner != null && !owner.equals(instance)) {
                byOwner.computeIfAbsent(owner, o -> new ArrayList<>()).add(lane);
            }
        });
        byOwner.forEach((owner, lanes) -> log.warn("Took over lanes {} from relay {}, whose lease ran out (it died or "
                + "stalled); going on from their cursors, its page in flight is sent again", lanes, owner));
    }

    /**
     * Lets go of what an earlier run of {@code instance} (same {@code OUTBOX_INSTANCE_ID}, killed before it could sign
     * off) left behind: its lanes become free, so a restarted relay need not wait for its own old leases to run out.
     * Called once, before this run has leased anything.
     */
    void forgetEarlierRun(String instance) {
        dsl.transaction(tx -> {
            int lanes = tx.dsl().update(OUTBOX_LANE)
                    .setNull(OUTBOX_LANE.OWNER)
                    .setNull(OUTBOX_LANE.LEASE_UNTIL)
                    .where(OUTBOX_LANE.OWNER.eq(instance))
                    .execute();
            if (lanes > 0) {
                log.warn("An earlier run of relay {} left {} lanes leased; freed them (its pages in flight are sent "
                        + "again, consumers drop duplicates by event_id)", instance, lanes);
            }
        });
    }

    /** Gives up {@code lanes} held by {@code instance} (they become free at once); returns how many it gave up. */
    int release(String instance, Collection<Integer> lanes) {
        if (lanes.isEmpty()) {
            return 0;
        }
        return dsl.update(OUTBOX_LANE)
                .setNull(OUTBOX_LANE.OWNER)
                .setNull(OUTBOX_LANE.LEASE_UNTIL)
                .where(OUTBOX_LANE.OWNER.eq(instance))
                .and(OUTBOX_LANE.LANE.in(lanes.stream().map(Integer::shortValue).toList()))
                .execute();
    }

    /** Instances with a heartbeat newer than {@code within} before {@code now}, {@code instance} counted always. */
    int liveInstances(String instance, Instant now, Duration within) {
        int others = dsl.fetchCount(OUTBOX_RELAY_INSTANCE,
                OUTBOX_RELAY_INSTANCE.HEARTBEAT_AT.gt(OutboxRows.utc(now.minus(within)))
                        .and(OUTBOX_RELAY_INSTANCE.INSTANCE_ID.ne(instance)));
        return others + 1;
    }

    @SuppressWarnings("unchecked")
    static Condition leases(String instance, Map<Integer, Long> held) {
        Row2<Short, Long>[] pairs = held.entrySet().stream()
                .map(e -> DSL.row(e.getKey().shortValue(), e.getValue())).toArray(Row2[]::new);
        return OUTBOX_LANE.OWNER.eq(instance).and(DSL.row(OUTBOX_LANE.LANE, OUTBOX_LANE.EPOCH).in(pairs));
    }
}
