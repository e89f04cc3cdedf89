package io.paymentledger.faults;

import com.github.f4b6a3.ulid.UlidCreator;
import io.paymentledger.outbox.OutboxEvent;
import io.paymentledger.outbox.OutboxWriter;
import io.paymentledger.schemas.EventSchemas;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many threads appending versions to a few hot aggregates, each version in its own transaction, so commits of many
 * aggregates interleave all the time while the relays claim. Written as another service would write the outbox
 * (valid {@code PaymentAuthorized} payloads). A failed write (database cut) re-reads the aggregate's version.
 */
final class HotWriter {
    private static final Logger log = LoggerFactory.getLogger(HotWriter.class);
    /** Through the validating writer, as a real service would: every hot event is a valid PaymentAuthorized. */
    private static final OutboxWriter WRITER = OutboxWriter.validating(EventSchemas.load());

    private final DSLContext dsl;
    private final List<Aggregate> aggregates = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong committed = new AtomicLong();
    private final double ratePerSecond;
    private volatile boolean running;
    private long pauseNanos;

    private static final class Aggregate {
        final String id;
        final ReentrantLock lock = new ReentrantLock();
        long version = -1;

        Aggregate(String id) {
            this.id = id;
        }
    }

    /** {@code ratePerSecond}: writes per second across all threads (paced, so the relays can keep up). */
    HotWriter(DSLContext dsl, int aggregates, double ratePerSecond) {
        this.dsl = dsl;
        this.ratePerSecond = ratePerSecond;
        for (int i = 0; i < aggregates; i++) {
            // Payment ids are ULIDs in the event schemas.
            this.aggregates.add(new Aggregate(UlidCreator.getMonotonicUlid().toString()));
        }
    }

    void start(int threadCount) {
        running = true;
        pauseNanos = (long) (threadCount * 1e9 / ratePerSecond);
        for (int i = 0; i < threadCount; i++) {
            Thread thread = new Thread(this::loop, "hot-writer-" + i);
            threads.add(thread);
            thread.start();
        }
    }

    private void loop() {
        while (running) {
            Aggregate aggregate = aggregates.get(ThreadLocalRandom.current().nextInt(aggregates.size()));
            aggregate.lock.lock();
            try {
                appendNext(aggregate);
                committed.incrementAndGet();
            } catch (RuntimeException e) {
                aggregate.version = -1;
                log.debug("Hot write to {} failed; re-reading its version: {}", aggregate.id, e.toString());
                LockSupport.parkNanos(200_000_000L);
            } finally {
                aggregate.lock.unlock();
            }
            LockSupport.parkNanos(pauseNanos);
        }
    }

    private void appendNext(Aggregate aggregate) {
        if (aggregate.version < 0) {
            // Not from outbox_event: the relays truncate delivered rows (OUTBOX_RETENTION_HOURS=0), so its highest
            // version may be long gone. A writer keeps its version with its aggregate, as the ledger does.
            aggregate.version = CommittedRecord.highestVersion(dsl, "Payment", aggregate.id);
        }
        long next = aggregate.version + 1;
        WRITER.append(dsl, OutboxEvent.of("Payment", aggregate.id, next, "PaymentAuthorized",
                "{\"payment_id\":\"" + aggregate.id + "\",\"payer_account_id\":\"hot-payer\","
                        + "\"payee_account_id\":\"hot-payee\",\"amount_minor\":" + next + ",\"currency\":\"EUR\"}"));
        aggregate.version = next;
    }

    /** Stops every thread after its current write; returns how many writes committed. */
    long stop() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join();
        }
        return committed.get();
    }
}
