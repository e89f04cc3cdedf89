package io.paymentledger.relay;

import io.paymentledger.db.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running relay: a worker thread that loops over relay passes until closed. While a full batch was claimed it
 * goes on at once; otherwise it waits until a writer commits (PostgreSQL {@code NOTIFY}, see {@link CommitListener})
 * or, as a fallback, {@code OUTBOX_POLL_INTERVAL_SECONDS}.
 */
public final class Relay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private final OutboxRelay relay;
    private final Publisher publisher;
    private final RelayConfig config;
    private final CommitListener commits;
    private final Semaphore wakeUps = new Semaphore(0);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running;
    private Thread worker;

    Relay(OutboxRelay relay, Publisher publisher, RelayConfig config) {
        this.relay = relay;
        this.publisher = publisher;
        this.config = config;
        this.commits = new CommitListener(config.database(), this::wakeUp);
    }

    /** Wires the relay over a pool; the caller owns the pool. */
    public static Relay create(RelayConfig config, DataSource dataSource, Clock clock) {
        Publisher publisher = KafkaPublisher.create(config.kafka(), config.routing(), config.instanceId());
        OutboxRelay relay = new OutboxRelay(new OutboxStore(Database.dsl(dataSource)), publisher, config, clock,
                () -> ThreadLocalRandom.current().nextDouble());
        return new Relay(relay, publisher, config);
    }

    /** One pass on the caller's thread; returns the number of rows claimed. */
    public int runOnce() throws InterruptedException {
        return relay.runOnce();
    }

    /** Starts the worker thread. */
    public synchronized void start() {
        if (worker != null) {
            throw new IllegalStateException("relay already started");
        }
        running = true;
        commits.start();
        worker = new Thread(this::loop, "outbox-relay");
        worker.start();
        log.info("Relay {} started: batch size {}, poll interval {}", config.instanceId(), config.batchSize(),
                config.pollInterval());
    }

    /** Ends the current wait so new rows are claimed now. */
    public void wakeUp() {
        wakeUps.release();
    }

    private void loop() {
        try {
            while (running) {
                int claimed = passSafely();
                if (claimed < config.batchSize() && running) {
                    awaitWork(config.pollInterval());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    private int passSafely() throws InterruptedException {
        try {
            return relay.runOnce();
        } catch (DataAccessException e) {
            log.warn("Relay pass failed on the database, retrying after {}: {}", config.pollInterval(), e.getMessage());
            return 0;
        } catch (RuntimeException e) {
            // Never let the worker die silently: the rows stay pending and the next pass retries them.
            log.error("Relay pass failed, retrying after {}", config.pollInterval(), e);
            return 0;
        }
    }

    private void awaitWork(Duration timeout) throws InterruptedException {
        if (wakeUps.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            wakeUps.drainPermits();
        }
    }

    /**
     * Stops claiming, lets the in-flight pass finish (its rows are recorded or, past {@code timeout}, left claimed to
     * expire and be re-sent), then closes the producer, flushing what it holds.
     */
    public void stop(Duration timeout) throws InterruptedException {
        running = false;
        commits.close();
        wakeUp();
        if (worker != null && !stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("Relay pass did not finish within {}; its rows stay claimed until their claim expires", timeout);
            worker.interrupt();
        }
        publisher.close();
    }

    @Override
    public void close() {
        try {
            stop(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
