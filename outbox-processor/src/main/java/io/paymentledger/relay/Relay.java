package io.paymentledger.relay;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paymentledger.config.KafkaPassThrough;
import io.paymentledger.db.Database;
import io.paymentledger.schemas.EventSchemas;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running relay: worker threads ({@code OUTBOX_WORKERS}) that loop over relay passes until stopped, and a
 * housekeeping thread (heartbeat, retention). After a pass that claimed rows it goes on at once; otherwise it waits until a writer
 * commits (PostgreSQL {@code NOTIFY}, see {@link CommitListener}) or, as a fallback,
 * {@code OUTBOX_POLL_INTERVAL_SECONDS}. While the circuit is open it claims nothing.
 */
public final class Relay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private final OutboxRelay relay;
    private final Publisher publisher;
    private final CircuitBreaker breaker;
    private final Housekeeping housekeeping;
    private final MissingTopics missing;
    private final RelayConfig config;
    private final CommitListener commits;
    private final Semaphore wakeUps = new Semaphore(0);
    private final CountDownLatch stopped;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running;
    private volatile String lastOutage;

    Relay(OutboxRelay relay, Publisher publisher, CircuitBreaker breaker, Housekeeping housekeeping,
          MissingTopics missing, RelayConfig config) {
        this.relay = relay;
        this.publisher = publisher;
        this.breaker = breaker;
        this.housekeeping = housekeeping;
        this.missing = missing;
        this.config = config;
        missing.onRelease(this::wakeUp);
        breaker.getEventPublisher().onError(event -> lastOutage = KafkaPassThrough.explain(event.getThrowable()));
        breaker.getEventPublisher().onSuccess(event -> lastOutage = null);
        this.commits = new CommitListener(config.database(), this::wakeUp);
        this.stopped = new CountDownLatch(config.workers());
    }

    /** Wires the relay over a pool, with meters nobody reads; the caller owns the pool. */
    public static Relay create(RelayConfig config, DataSource dataSource, Clock clock) {
        return create(config, dataSource, clock, new SimpleMeterRegistry());
    }

    /**
     * Wires the relay over a pool and registers its meters (see {@link RelayMetrics}), the circuit breaker's
     * (resilience4j's binding: {@code resilience4j_circuitbreaker_*{name="kafka"}}) and the producer's Kafka client
     * metrics in {@code meters}; the caller owns the pool and the registry.
     */
    public static Relay create(RelayConfig config, DataSource dataSource, Clock clock, MeterRegistry meters) {
        MissingTopics missing = new MissingTopics();
        KafkaPublisher publisher = KafkaPublisher.create(config, missing, clock);
        publisher.bindMetrics(meters);
        DSLContext dsl = Database.dsl(dataSource);
        CursorStore pages = new CursorStore(dsl, config.workers());
        CircuitBreaker breaker = circuitBreaker(config.circuit(), meters);
        RelayMetrics metrics = new RelayMetrics(meters, config.instanceId());
        LaneLeases lanes = new LaneLeases(new LaneStore(dsl), config.instanceId(), clock, metrics);
        lanes.gate(pages::releaseIdle);
        OutboxRelay relay = new OutboxRelay(pages, publisher, new DeadLetters(EventSchemas.load(), config.instanceId()),
                breaker, config, clock, () -> ThreadLocalRandom.current().nextDouble(), metrics, missing, lanes::held);
        Housekeeping housekeeping = new Housekeeping(new InstanceStore(dsl), new RetentionStore(dsl),
                new Operations(dsl), config, clock, breaker, metrics, missing, publisher.topics()::recheck, lanes,
                pages::rowsInFlight);
        Relay wired = new Relay(relay, publisher, breaker, housekeeping, missing, config);
        lanes.onAcquired(wired::wakeUp);
        return wired;
    }

    /** The breaker around the broker, named {@code kafka}, its state and calls bound to {@code meters}. */
    static CircuitBreaker circuitBreaker(CircuitSettings settings, MeterRegistry meters) {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRatePercent())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.windowSize())
                .minimumNumberOfCalls(settings.minimumCalls())
                .waitDurationInOpenState(settings.openDuration())
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        CircuitBreaker breaker = registry.circuitBreaker("kafka");
        breaker.getEventPublisher().onStateTransition(event -> log.warn("Kafka circuit breaker: {}{}",
                event.getStateTransition(), event.getStateTransition().getToState() == CircuitBreaker.State.OPEN
                        ? "; no rows are claimed until a probe pass succeeds" : ""));
        return breaker;
    }

    /**
     * One pass on the caller's thread, for a relay that was not {@link #start started}; returns the number of rows
     * claimed (0 while the circuit is open). It leases its lanes first (renewed at most once a second), as the
     * housekeeping of a started relay does; {@link #close} gives them up.
     */
    public int runOnce() throws InterruptedException {
        housekeeping.balanceLanesIfDue();
        return relay.runOnce().claimed();
    }

    /** The circuit breaker's state: CLOSED, OPEN or HALF_OPEN. */
    public String circuitState() {
        return breaker.getState().name();
    }

    /**
     * Why the last publish failed for the broker (unreachable, refused credentials, ...), in words an operator acts
     * on; empty once a publish succeeded since.
     */
    public Optional<String> lastOutage() {
        return Optional.ofNullable(lastOutage);
    }

    /** The topics whose rows this relay holds because they do not exist, by name (empty while all exist). */
    public List<String> missingTopics() {
        return missing.all().stream().map(MissingTopics.Topic::topic).toList();
    }

    /**
     * What readiness says about topics: always up (the relay delivers every other topic), with the missing ones
     * named, their held rows and since when.
     */
    public String topicsReport() {
        List<MissingTopics.Topic> topics = missing.all();
        if (topics.isEmpty()) {
            return "no topic missing";
        }
        StringBuilder report = new StringBuilder(topics.size() + " topic(s) missing, their rows held (no attempt "
                + "spent) while other topics flow; create them or set " + TopicCreation.OUTBOX_TOPIC_CREATION
                + "=create:");
        for (MissingTopics.Topic topic : topics) {
            report.append(' ').append(topic.topic()).append(" (").append(topic.rowsHeld()).append(" rows since ")
                    .append(topic.since()).append(')');
        }
        return report.toString();
    }

    /** Starts the worker threads ({@code OUTBOX_WORKERS}) and the housekeeping thread. */
    public synchronized void start() {
        if (!workers.isEmpty()) {
            throw new IllegalStateException("relay already started");
        }
        running = true;
        housekeeping.start();
        commits.start();
        for (int i = 0; i < config.workers(); i++) {
            Thread worker = new Thread(this::loop, i == 0 ? "outbox-relay" : "outbox-relay-" + i);
            workers.add(worker);
            worker.start();
        }
        log.info("Relay {} started: {} worker(s), batch size {}, poll interval {}, claim timeout {}, dead-letter "
                + "policy {}, published rows {}", config.instanceId(), config.workers(), config.batchSize(),
                config.pollInterval(), config.claimTimeout(), config.deadLetterPolicy(), config.deletesPublishedRows()
                        ? "dropped within seconds of delivery" : "kept " + config.retention().toHours() + " h");
    }

    /** Ends the current wait of an idle worker so new rows are claimed now. */
    public void wakeUp() {
        // Permits are hints, bounded by the workers: a thousand commits need not start a thousand empty passes.
        if (wakeUps.availablePermits() < config.workers()) {
            wakeUps.release();
        }
    }

    private void loop() {
        try {
            while (running) {
                OutboxRelay.Pass pass = passSafely();
                if (pass.circuitOpen() && running) {
                    awaitWork(min(config.pollInterval(), config.circuit().openDuration()));
                } else if (pass.claimed() == 0 && running) {
                    awaitWork(config.pollInterval());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    private OutboxRelay.Pass passSafely() throws InterruptedException {
        try {
            return relay.runOnce();
        } catch (DataAccessException e) {
            log.warn("Relay pass failed on the database, retrying after {}: {}", config.pollInterval(), e.getMessage());
            return new OutboxRelay.Pass(0, false);
        } catch (RuntimeException e) {
            // Never let the worker die silently: the rows stay pending and the next pass retries them.
            log.error("Relay pass failed, retrying after {}", config.pollInterval(), e);
            return new OutboxRelay.Pass(0, false);
        }
    }

    private void awaitWork(Duration timeout) throws InterruptedException {
        // One wake-up, one worker: the others keep waiting, so a burst of commits wakes one pass, not all.
        wakeUps.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Stops claiming and lets the in-flight pass finish: its sends end within the claim timeout (the producer's
     * timeouts are derived from it) and its outcomes are recorded, so its lanes' cursors move past it. Past
     * {@code timeout} the worker is interrupted and its page is not acknowledged: it is sent again by whoever takes the
     * lanes (consumers drop the duplicates by event id). Finally
     * the producer is closed, which flushes what it holds.
     */
    public void stop(Duration timeout) throws InterruptedException {
        running = false;
        commits.close();
        wakeUp();
        wakeUps.release(workers.size());
        if (!workers.isEmpty() && !stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("Relay pass did not finish within {}; its page was not acknowledged and will be sent again",
                    timeout);
            workers.forEach(Thread::interrupt);
        }
        publisher.close();
        housekeeping.stop();
    }

    @Override
    public void close() {
        try {
            stop(config.claimTimeout().plusSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
