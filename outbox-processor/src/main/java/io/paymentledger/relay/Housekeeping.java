package io.paymentledger.relay;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's background chores on their own thread: a heartbeat (so {@code status} lists live instances), the
 * backlog snapshot behind the relay's gauges (every {@link #BACKLOG_INTERVAL}, or less often when a huge backlog makes
 * it slow, see {@link #backlogDelay}) and retention (the ring of partitions rotates and retired partitions that every
 * lane's cursor passed are truncated once they retired before {@code OUTBOX_RETENTION_HOURS}; rows published from the
 * retry set are deleted in batches of {@value #RETENTION_BATCH}, each its own short transaction; with
 * {@code OUTBOX_RETENTION_HOURS=0} every {@link #PROMPT_RETENTION_INTERVAL}, see {@link RetentionStore}),
 * and the missing topics: each is asked about every {@link MissingTopics#RECHECK_INTERVAL} and
 * released once it exists, their held rows are counted with the backlog, and the heartbeat reports them.
 */
final class Housekeeping {
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    static final Duration RETENTION_INTERVAL = Duration.ofMinutes(1);
    /** How often retention runs with {@code OUTBOX_RETENTION_HOURS=0}: delivered rows go within seconds. */
    static final Duration PROMPT_RETENTION_INTERVAL = Duration.ofSeconds(1);
    static final Duration BACKLOG_INTERVAL = Duration.ofSeconds(5);
    /** A snapshot may take at most 1/(1 + this) of the time: it reads every unsettled row. */
    static final int BACKLOG_WAIT_PER_WORK = 9;
    static final int RETENTION_BATCH = 1_000;
    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    private final InstanceStore instances;
    private final RetentionStore retention;
    private final Operations operations;
    private final RelayConfig config;
    private final Clock clock;
    private final CircuitBreaker breaker;
    private final RelayListener listener;
    private final MissingTopics missing;
    private final TopicRecheck topics;
    private final LaneLeases lanes;
    private final IntSupplier rowsInFlight;
    private final Instant startedAt;
    private ScheduledExecutorService executor;
    /** Heartbeats and lane leases on their own thread: a long retention or backlog run must not let leases expire. */
    private ScheduledExecutorService leases;

    /** Asks the cluster about the held topics again ({@link TopicGate#recheck}). */
    @FunctionalInterface
    interface TopicRecheck {
        void recheck() throws InterruptedException;
    }

    Housekeeping(InstanceStore instances, RetentionStore retention, Operations operations, RelayConfig config,
                 Clock clock, CircuitBreaker breaker, RelayListener listener, MissingTopics missing,
                 TopicRecheck topics, LaneLeases lanes, IntSupplier rowsInFlight) {
        this.instances = instances;
        this.retention = retention;
        this.operations = operations;
        this.config = config;
        this.clock = clock;
        this.breaker = breaker;
        this.listener = listener;
        this.missing = missing;
        this.topics = topics;
        this.lanes = lanes;
        this.rowsInFlight = rowsInFlight;
        this.startedAt = clock.instant();
    }

    /**
     * Starts the chores. The first heartbeat and lane balance run before this returns, so the relay's passes start
     * with their lanes.
     */
    synchronized void start() {
        safely("heartbeat", this::heartbeat);
        safely("lane balance", lanes::balance);
        leases = daemon("outbox-relay-leases");
        leases.scheduleWithFixedDelay(() -> safely("heartbeat", this::heartbeat), HEARTBEAT_INTERVAL.toMillis(),
                HEARTBEAT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        leases.scheduleWithFixedDelay(() -> safely("lane balance", lanes::balance),
                LaneLeases.BALANCE_INTERVAL.toMillis(), LaneLeases.BALANCE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        executor = daemon("outbox-relay-housekeeping");
        scheduleBacklog(Duration.ZERO);
        Duration retentionInterval = config.deletesPublishedRows() ? PROMPT_RETENTION_INTERVAL : RETENTION_INTERVAL;
        executor.scheduleWithFixedDelay(() -> safely("retention", this::deleteExpired), 0,
                retentionInterval.toMillis(), TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(() -> safely("missing topics check", this::recheckTopics),
                MissingTopics.RECHECK_INTERVAL.toMillis(), MissingTopics.RECHECK_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private static ScheduledExecutorService daemon(String name) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    private void heartbeat() {
        instances.heartbeat(config.instanceId(), startedAt, clock.instant(), breaker.getState().name(), missing.all());
    }

    /** Releases the held topics that exist now; the gauge drops a released topic at once. */
    void recheckTopics() {
        if (missing.isEmpty()) {
            return;
        }
        try {
            topics.recheck();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener.missingTopics(missing.all());
    }

    private synchronized void scheduleBacklog(Duration delay) {
        if (executor == null || executor.isShutdown()) {
            return;
        }
        executor.schedule(() -> {
            long started = System.nanoTime();
            safely("backlog snapshot", this::refreshBacklog);
            scheduleBacklog(backlogDelay(Duration.ofNanos(System.nanoTime() - started)));
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The wait before the next backlog snapshot: {@link #BACKLOG_INTERVAL}, or {@link #BACKLOG_WAIT_PER_WORK} times
     * as long as the last one took, whichever is longer. The snapshot reads every unsettled row, so a backlog of a
     * million rows makes it take most of a second; then the gauges refresh less often instead of taking a tenth of
     * a database core away from the relay that is draining that backlog.
     */
    static Duration backlogDelay(Duration lastSnapshotTook) {
        Duration stretched = lastSnapshotTook.multipliedBy(BACKLOG_WAIT_PER_WORK);
        return stretched.compareTo(BACKLOG_INTERVAL) > 0 ? stretched : BACKLOG_INTERVAL;
    }

    /** Reads the outbox's backlog for the gauges; on failure they keep the last snapshot. */
    void refreshBacklog() {
        Instant now = clock.instant();
        Operations.Status status = operations.status(now);
        listener.backlog(new RelayListener.Backlog(status.pending(), status.oldestPendingAge().toMillis() / 1000.0,
                status.retrying(), status.dead(), status.parkedAggregates(), status.liveInstances().size(),
                rowsInFlight.getAsInt()));
        Set<String> heldKeys = missing.routingKeys();
        if (!heldKeys.isEmpty()) {
            missing.countRows(operations.pendingByRoutingKey(config.routing(), heldKeys));
        }
        listener.missingTopics(missing.all());
    }

    /**
     * Retention: rotates the ring of partitions if due, truncates the retired partitions that every cursor passed and
     * that retired before the cutoff, and deletes the rows published from the retry set before it, one small batch
     * at a time. Returns how many rows it deleted one by one.
     */
    int deleteExpired() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(config.retention());
        retention.rotate(now, RetentionStore.rotationPeriod(config.retention()))
                .ifPresent(slot -> log.info("Retention: new rows now go to partition outbox_event_r{}", slot));
        List<Short> truncated = retention.truncatePassed(cutoff, now);
        if (!truncated.isEmpty()) {
            log.info("Retention: truncated partitions {} (retired before {}, every lane past them)", truncated,
                    cutoff);
        }
        int total = 0;
        int deleted;
        do {
            deleted = retention.deleteRetried(cutoff, RETENTION_BATCH);
            total += deleted;
        } while (deleted == RETENTION_BATCH && !Thread.currentThread().isInterrupted());
        if (total > 0) {
            log.info("Retention: deleted {} rows published from the retry set before {}", total, cutoff);
        }
        return total;
    }

    private static void safely(String chore, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.warn("Relay {} failed, trying again at its next run: {}", chore, e.toString());
        }
    }

    /**
     * For a relay driven pass by pass without {@link #start}: keeps its lanes leased (see
     * {@link LaneLeases#balanceIfDue}).
     */
    void balanceLanesIfDue() {
        lanes.balanceIfDue();
    }

    /** Stops the chores (if started), gives up this instance's lanes and takes it off the live list. */
    synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
            leases.shutdownNow();
            leases = null;
        }
        safely("lane release", lanes::releaseAll);
        safely("sign-off", () -> instances.signOff(config.instanceId()));
    }
}
