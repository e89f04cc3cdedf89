package io.paymentledger.bench;

import io.paymentledger.outbox.OutboxEvent;
import io.paymentledger.outbox.OutboxWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jooq.DSLContext;

/**
 * Writers that insert the plan's events into {@code outbox_event} as a service would: each transaction one multi-row
 * insert, committed. Writer {@code t} of {@code W} owns the aggregates {@code a} with {@code a mod W = t} and writes
 * their events in event order, so each aggregate's versions commit in order. Records each event's commit time.
 */
final class OutboxWriters {
    private static final OutboxWriter WRITER = OutboxWriter.unvalidated();
    private final DSLContext dsl;
    private final EventPlan plan;
    private final int writers;
    private final int transactionSize;
    private final long[] commitMillis;
    private final AtomicInteger written = new AtomicInteger();
    private final AtomicLong firstStartMillis = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastCommitMillis = new AtomicLong();

    OutboxWriters(DSLContext dsl, EventPlan plan, int writers, int transactionSize) {
        this.dsl = dsl;
        this.plan = plan;
        this.writers = writers;
        this.transactionSize = transactionSize;
        this.commitMillis = new long[plan.events()];
    }

    /**
     * Writes every event and returns when all are committed.
     *
     * @param eventsPerSecond total pace of all writers, or 0 for as fast as they can
     */
    void writeAll(int eventsPerSecond) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                int writer = t;
                done.add(pool.submit(() -> {
                    write(writer, eventsPerSecond);
                    return null;
                }));
            }
            for (Future<?> future : done) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("a writer failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private void write(int writer, int eventsPerSecond) {
        double perWriter = eventsPerSecond / (double) writers;
        long intervalNanos = eventsPerSecond == 0 ? 0 : (long) (transactionSize / perWriter * 1e9);
        long start = System.nanoTime();
        firstStartMillis.accumulateAndGet(System.currentTimeMillis(), Math::min);
        int[] batch = new int[transactionSize];
        int size = 0;
        long transactions = 0;
        for (int event = 0; event < plan.events(); event++) {
            if ((event % plan.aggregates()) % writers != writer) {
                continue;
            }
            batch[size++] = event;
            if (size == transactionSize) {
                pace(start, transactions++, intervalNanos);
                commit(batch, size);
                size = 0;
            }
        }
        if (size > 0) {
            pace(start, transactions, intervalNanos);
            commit(batch, size);
        }
    }

    /** Waits for the transaction's slot on the writer's schedule; a writer behind schedule goes at once. */
    private static void pace(long start, long transaction, long intervalNanos) {
        long due = start + transaction * intervalNanos;
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    /**
     * One transaction of {@code size} rows in one multi-row insert, through the writer API. Unvalidated: payloads are
     * padded to {@code --payload-bytes}, and the benchmark measures the relay, not the writers' schema checks.
     */
    private void commit(int[] events, int size) {
        List<OutboxEvent> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int event = events[i];
            batch.add(OutboxEvent.of(EventPlan.AGGREGATE_TYPE, plan.aggregateId(event), plan.version(event),
                    plan.eventType(), plan.payload(event)));
        }
        WRITER.appendAll(dsl, batch);
        long committed = System.currentTimeMillis();
        for (int i = 0; i < size; i++) {
            commitMillis[events[i]] = committed;
        }
        lastCommitMillis.accumulateAndGet(committed, Math::max);
        written.addAndGet(size);
    }

    int written() {
        return written.get();
    }

    long commitMillis(int event) {
        return commitMillis[event];
    }

    long firstStartMillis() {
        return firstStartMillis.get();
    }

    long lastCommitMillis() {
        return lastCommitMillis.get();
    }
}
