package io.paymentledger.relay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lanes this instance leases, kept to its share. Housekeeping calls {@link #balance} every
 * {@link #BALANCE_INTERVAL}: it renews the leases, gives up lanes over this instance's share when others joined, and
 * takes free or expired lanes up to its share. Leases last {@link #LEASE} and instances count as live for as long, so
 * a dead instance's lanes are taken over within {@code LEASE + BALANCE_INTERVAL} (6 s), going on from their cursors,
 * and one that stops releases its lanes as it signs off.
 */
final class LaneLeases {
    private static final Logger log = LoggerFactory.getLogger(LaneLeases.class);

    static final Duration LEASE = Duration.ofSeconds(5);
    static final Duration BALANCE_INTERVAL = Duration.ofSeconds(1);

    private final LaneStore store;
    private final String instance;
    private final Clock clock;
    private final RelayListener listener;
    private volatile Map<Integer, Long> held = Map.of();
    private boolean forgotEarlierRun;
    private Instant lastBalance;
    private volatile Runnable onAcquired = () -> { };
    private volatile Gate gate = (lanes, release) -> {
        release.accept(lanes);
        return lanes;
    };

    /** Where lanes are given up: a store with pages in flight gives up only its idle lanes (see {@link #gate}). */
    interface Gate {
        /** Runs {@code release} with those of {@code lanes} that may be given up now and returns them. */
        Set<Integer> releaseIdle(Set<Integer> lanes, Consumer<Set<Integer>> release);
    }

    LaneLeases(LaneStore store, String instance, Clock clock, RelayListener listener) {
        this.store = store;
        this.instance = instance;
        this.clock = clock;
        this.listener = listener;
    }

    /** Runs {@code action} whenever a balance acquired lanes (the relay wakes a worker: their rows may be waiting). */
    void onAcquired(Runnable action) {
        onAcquired = action;
    }

    /**
     * Gives up lanes only through {@code gate}: a lane with a page in flight stays until that page is settled (the next
     * balance gives it up), so a rebalance never makes a page's settlement fail and its rows go out twice.
     */
    void gate(Gate gate) {
        this.gate = gate;
    }

    /** The lanes leased now, each with its epoch. */
    Map<Integer, Long> held() {
        return held;
    }

    /**
     * Renews the leases, then releases or acquires lanes to this instance's share of the live instances. The first
     * balance that reaches the database first frees what an earlier run under the same instance id left leased or
     * claimed ({@link LaneStore#forgetEarlierRun}).
     */
    synchronized void balance() {
        if (!forgotEarlierRun) {
            store.forgetEarlierRun(instance);
            forgotEarlierRun = true;
        }
        Instant now = clock.instant();
        Map<Integer, Long> kept = new TreeMap<>(store.renew(instance, held, now.plus(LEASE)));
        if (kept.size() < held.size()) {
            Set<Integer> lost = new TreeSet<>(held.keySet());
            lost.removeAll(kept.keySet());
            log.warn("Lanes {} were taken over by another relay (this one's lease ran out); no more rows are "
                    + "claimed in them here", lost);
        }
        int live = store.liveInstances(instance, now, LEASE);
        LaneBalance plan = LaneBalance.plan(LaneStore.LANES, live, kept.keySet());
        if (!plan.release().isEmpty()) {
            Map<Integer, Long> before = Map.copyOf(kept);
            plan.release().forEach(kept::remove);
            held = Map.copyOf(kept);
            Set<Integer> released = gate.releaseIdle(new TreeSet<>(plan.release()),
                    lanes -> store.release(instance, lanes));
            plan.release().stream().filter(lane -> !released.contains(lane))
                    .forEach(lane -> kept.put(lane, before.get(lane)));
            if (!released.isEmpty()) {
                log.info("Released lanes {}: {} live relay instances, a share of {} lanes each", released, live,
                        LaneBalance.share(LaneStore.LANES, live));
            }
        }
        Map<Integer, Long> acquired = store.acquire(instance, plan.acquire(), now, now.plus(LEASE));
        if (!acquired.isEmpty()) {
            kept.putAll(acquired);
            log.info("Acquired lanes {}: now holding {} of {} lanes ({} live relay instances)", acquired.keySet(),
                    kept.size(), LaneStore.LANES, live);
        }
        held = Map.copyOf(kept);
        lastBalance = now;
        listener.lanesHeld(held.size());
        if (!acquired.isEmpty()) {
            onAcquired.run();
        }
    }

    /**
     * Balances unless this instance balanced less than {@link #BALANCE_INTERVAL} ago: for a relay driven pass by pass
     * on its caller's thread ({@link Relay#runOnce}), which has no housekeeping thread to keep its leases.
     */
    synchronized void balanceIfDue() {
        if (lastBalance == null || !clock.instant().isBefore(lastBalance.plus(BALANCE_INTERVAL))) {
            balance();
        }
    }

    /** Gives up every lane, for a clean stop: the other instances take them at their next balance. */
    synchronized void releaseAll() {
        Map<Integer, Long> giving = held;
        held = Map.of();
        store.release(instance, giving.keySet());
        listener.lanesHeld(0);
    }
}
