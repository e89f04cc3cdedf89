package io.paymentledger.relay;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.paymentledger.config.KafkaPassThrough;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One relay pass: claim a batch (short transaction; per aggregate a run of its next versions to send), publish
 * it (no transaction open), record the outcomes (one fenced transaction per outcome kind), end the claim (which
 * releases every row left pending). A crash between publishing and recording leaves the rows pending and claimed
 * until the claim expires, so they are sent again: at-least-once, never lost. Broker outages go through the circuit
 * breaker and spend no attempts; so does a missing topic, whose rows are left out of claims until it exists
 * ({@link MissingTopics}).
 */
final class OutboxRelay {
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final OutboxStore store;
    private final Publisher publisher;
    private final DeadLetters deadLetters;
    private final CircuitBreaker breaker;
    private final RelayConfig config;
    private final Clock clock;
    private final DoubleSupplier random;
    private final RelayMetrics metrics;
    private final MissingTopics missing;

    OutboxRelay(OutboxStore store, Publisher publisher, DeadLetters deadLetters, CircuitBreaker breaker,
                RelayConfig config, Clock clock, DoubleSupplier random, RelayMetrics metrics, MissingTopics missing) {
        this.store = store;
        this.publisher = publisher;
        this.deadLetters = deadLetters;
        this.breaker = breaker;
        this.config = config;
        this.clock = clock;
        this.random = random;
        this.metrics = metrics;
        this.missing = missing;
    }

    /** What one pass did. */
    record Pass(int claimed, boolean circuitOpen) {
        static final Pass CIRCUIT_OPEN = new Pass(0, true);
    }

    /** Runs one pass, unless the circuit is open (then it claims nothing and spends nothing). */
    Pass runOnce() throws InterruptedException {
        if (!breaker.tryAcquirePermission()) {
            return Pass.CIRCUIT_OPEN;
        }
        long started = System.nanoTime();
        boolean counted = false;
        try {
            Instant now = clock.instant();
            OutboxStore.Claim claim = store.claimBatch(config.instanceId(), config.batchSize(), now,
                    now.plus(config.claimTimeout()), config.routing(), missing.routingKeys());
            if (claim.rows().isEmpty()) {
                return new Pass(0, false);
            }
            metrics.claimed(claim.rows().size());
            Exception outage = settle(claim);
            long elapsed = System.nanoTime() - started;
            metrics.batchDone(elapsed);
            if (outage != null) {
                breaker.onError(elapsed, TimeUnit.NANOSECONDS, outage);
            } else {
                breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
            }
            counted = true;
            return new Pass(claim.rows().size(), false);
        } finally {
            if (!counted) {
                breaker.releasePermission();
            }
        }
    }

    /**
     * Publishes the claimed rows, records their outcomes and ends the claim, also when publishing or recording
     * failed (then the rows left pending are claimable again at once, rather than when the claim expires).
     */
    private Exception settle(OutboxStore.Claim claim) throws InterruptedException {
        boolean ended = false;
        try {
            Recorded recorded = record(claim.id(), publisher.publish(claim.rows()));
            ended = recorded.claimEnded();
            return recorded.outage();
        } finally {
            if (!ended) {
                endClaim(claim);
            }
        }
    }

    /** What recording a batch's outcomes did: the first transport failure (or null), and whether it ended the claim. */
    private record Recorded(Exception outage, boolean claimEnded) {
    }

    private void endClaim(OutboxStore.Claim claim) {
        try {
            store.endClaim(claim.id());
        } catch (DataAccessException e) {
            log.warn("Could not end claim {} of {} rows; they become claimable when it expires ({})", claim.id(),
                    claim.rows().size(), e.toString());
        }
    }

    /**
     * Records every outcome. Without dead letters to send, the published marks also end the claim (one statement);
     * otherwise the claim is kept for the dead letters' fence and ended by the caller.
     */
    private Recorded record(long claim, List<PublishResult> results) throws InterruptedException {
        List<OutboxRow> published = new ArrayList<>();
        int unavailable = 0;
        int topicMissing = 0;
        List<OutboxStore.Retry> retries = new ArrayList<>();
        List<Failure> doomed = new ArrayList<>();
        Exception outage = null;
        Instant now = clock.instant();
        for (PublishResult result : holdBehindFailures(results)) {
            OutboxRow row = result.row();
            if (result instanceof PublishResult.Published) {
                published.add(row);
            } else if (result instanceof PublishResult.Held) {
                unavailable++;
            } else if (result instanceof PublishResult.TopicMissing) {
                topicMissing++;
            } else if (result instanceof PublishResult.Unavailable u) {
                unavailable++;
                outage = outage == null ? u.error() : outage;
            } else if (result instanceof PublishResult.RetryLater r && row.attempts() + 1 < config.maxRetries()) {
                retries.add(retry(new Failure(row, r.error()), now));
            } else {
                doomed.add(new Failure(row, errorOf(result)));
            }
        }
        store.markRetry(claim, retries, now);
        markPublished(claim, published, now, doomed.isEmpty());
        metrics.transportFailures(unavailable);
        metrics.recordFailures(retries.size() + doomed.size());
        metrics.heldForMissingTopic(topicMissing);
        if (outage != null) {
            log.warn("Kafka unavailable: {} rows released without spending an attempt ({})", unavailable,
                    KafkaPassThrough.explain(outage));
        }
        if (doomed.isEmpty()) {
            return new Recorded(outage, true);
        }
        Exception deadLetterOutage = deadLetter(claim, doomed);
        return new Recorded(outage != null ? outage : deadLetterOutage, false);
    }

    /**
     * Per aggregate, only the first failure of a batch counts: a later failed row of the same aggregate becomes
     * {@link PublishResult.Held} (released, no attempt spent), so only the aggregate's head spends attempts or goes
     * to the DLQ, as when it is sent alone. Outages stay outages. A later row acknowledged after an earlier one failed
     * is already on Kafka; that is logged as an order anomaly (the producer's per-partition order makes it rare).
     */
    static List<PublishResult> holdBehindFailures(List<PublishResult> results) {
        Set<AggregateKey> failed = new HashSet<>();
        List<PublishResult> held = new ArrayList<>(results.size());
        for (PublishResult result : results) {
            AggregateKey aggregate = result.row().aggregate();
            boolean behindFailure = failed.contains(aggregate);
            if (result instanceof PublishResult.Published) {
                if (behindFailure) {
                    OutboxRow row = result.row();
                    withEventId(row, () -> log.error("Order anomaly: {} {} v{} was acknowledged after an earlier "
                            + "version of its aggregate failed in the same batch", row.eventType(), row.aggregateId(),
                            row.aggregateVersion()));
                }
                held.add(result);
                continue;
            }
            failed.add(aggregate);
            boolean keep = !behindFailure || result instanceof PublishResult.Unavailable
                    || result instanceof PublishResult.Held || result instanceof PublishResult.TopicMissing;
            held.add(keep ? result : new PublishResult.Held(result.row()));
        }
        return held;
    }

    private void markPublished(long claim, List<OutboxRow> published, Instant now, boolean endClaim) {
        metrics.published(published, now);
        List<Long> ids = published.stream().map(OutboxRow::id).toList();
        int marked = endClaim ? store.markPublishedAndEnd(claim, ids, now) : store.markPublished(claim, ids, now);
        if (marked < published.size()) {
            log.warn("{} of {} published rows were no longer claimed by {}; another instance took them over and "
                    + "will publish them again (consumers drop the duplicates by event_id)",
                    published.size() - marked, published.size(), config.instanceId());
        }
    }

    private OutboxStore.Retry retry(Failure failure, Instant now) {
        OutboxRow row = failure.row();
        int attempt = row.attempts() + 1;
        Instant next = now.plus(config.backoff().delay(attempt, random));
        withEventId(row, () -> log.warn("Delivery of {} {} v{} failed (attempt {} of {}), next attempt at {}: {}",
                row.eventType(), row.aggregateId(), row.aggregateVersion(), attempt, config.maxRetries(), next,
                failure.error().toString()));
        return new OutboxStore.Retry(failure, next);
    }

    /**
     * Sends the dead letters of rows that failed for good, then marks them dead. The claim is renewed first and the
     * rows are dead-lettered only while it is still held (the fence). Returns a transport failure of the DLQ, or null.
     */
    private Exception deadLetter(long claim, List<Failure> failures) throws InterruptedException {
        if (failures.isEmpty()) {
            return null;
        }
        Instant now = clock.instant();
        if (!store.renewClaim(claim, now.plus(config.claimTimeout()))) {
            log.warn("{} rows to dead-letter were no longer claimed by {}; another instance took them over",
                    failures.size(), config.instanceId());
            return null;
        }
        List<DeadLetter> letters = failures.stream()
                .map(f -> deadLetters.write(f, publisher.topicOf(f.row()), f.row().attempts() + 1, now)).toList();
        List<PublishResult> sent = publisher.deadLetter(letters);
        List<Failure> dead = new ArrayList<>();
        int unavailable = 0;
        List<Long> postponed = new ArrayList<>();
        List<OutboxStore.Retry> retries = new ArrayList<>();
        Exception outage = null;
        for (int i = 0; i < sent.size(); i++) {
            Failure failure = failures.get(i);
            PublishResult result = sent.get(i);
            if (result instanceof PublishResult.Published) {
                dead.add(failure);
                logDead(failure);
            } else if (result instanceof PublishResult.TopicMissing) {
                postponed.add(failure.row().id());
            } else if (result instanceof PublishResult.Unavailable u) {
                unavailable++;
                outage = outage == null ? u.error() : outage;
            } else {
                logDeadLetterFailed(failure, errorOf(result));
                retries.add(retry(failure, now));
            }
        }
        store.markDead(claim, dead, now, config.deadLetterPolicy() == DeadLetterPolicy.PARK);
        store.markRetry(claim, retries, now);
        // The dead-letter topic is missing: no fault of the rows, so no attempt; they come back after its next check.
        store.postpone(claim, postponed, now.plus(MissingTopics.RECHECK_INTERVAL));
        metrics.heldForMissingTopic(postponed.size());
        metrics.deadLettered(dead.size());
        metrics.transportFailures(unavailable);
        return outage;
    }

    private void logDead(Failure failure) {
        OutboxRow row = failure.row();
        withEventId(row, () -> log.error("Dead-lettered {} {} v{} to {} after {} attempts{}: {}", row.eventType(),
                row.aggregateId(), row.aggregateVersion(), config.kafka().deadLetterTopic(), row.attempts() + 1,
                config.deadLetterPolicy() == DeadLetterPolicy.PARK ? "; aggregate parked until redrive or skip" : "",
                failure.describe()));
    }

    private void logDeadLetterFailed(Failure failure, Exception error) {
        OutboxRow row = failure.row();
        withEventId(row, () -> log.error("Could not dead-letter {} {} v{} to {}; the row stays pending and is tried "
                + "again: {}", row.eventType(), row.aggregateId(), row.aggregateVersion(),
                config.kafka().deadLetterTopic(), error.toString()));
    }

    private static Exception errorOf(PublishResult result) {
        if (result instanceof PublishResult.RetryLater r) {
            return r.error();
        }
        if (result instanceof PublishResult.Rejected r) {
            return r.error();
        }
        if (result instanceof PublishResult.Unavailable u) {
            return u.error();
        }
        throw new IllegalArgumentException("not a failure: " + result);
    }

    private static void withEventId(OutboxRow row, Runnable action) {
        MDC.put("event_id", row.eventId());
        MDC.put("aggregate_id", row.aggregateId());
        try {
            action.run();
        } finally {
            MDC.remove("event_id");
            MDC.remove("aggregate_id");
        }
    }
}
