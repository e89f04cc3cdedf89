package io.paymentledger.relay;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.paymentledger.config.KafkaPassThrough;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One relay pass: claim a page in the lanes this instance leases (short transaction: the next page of the lanes'
 * batch, and the due heads of the retry set), publish it in rounds (no transaction open; {@link Rounds}), decide every
 * row's outcome in one pure step ({@link Settlement}), send the dead letters it calls for, and apply it in one write
 * fenced by the lanes' epochs ({@link PassStore#settle}): the lanes' cursors move past the page, and only the rows that
 * failed or were held are written. A crash between publishing and settling leaves the cursors where they were, so the
 * page is sent again: at-least-once, never lost. Broker outages go through the circuit breaker and spend no attempts;
 * so does a missing topic, whose rows wait in the retry set until it exists ({@link MissingTopics}).
 */
final class OutboxRelay {
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final PassStore store;
    private final Publisher publisher;
    private final DeadLetters deadLetters;
    private final CircuitBreaker breaker;
    private final RelayConfig config;
    private final Clock clock;
    private final Settlement.Rules rules;
    private final RelayListener listener;
    private final MissingTopics missing;
    private final Supplier<Map<Integer, Long>> lanes;

    OutboxRelay(PassStore store, Publisher publisher, DeadLetters deadLetters, CircuitBreaker breaker,
                RelayConfig config, Clock clock, DoubleSupplier random, RelayListener listener, MissingTopics missing,
                Supplier<Map<Integer, Long>> lanes) {
        this.store = store;
        this.publisher = publisher;
        this.deadLetters = deadLetters;
        this.breaker = breaker;
        this.config = config;
        this.clock = clock;
        this.rules = new Settlement.Rules(config.maxRetries(), config.backoff(), random);
        this.listener = listener;
        this.missing = missing;
        this.lanes = lanes;
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
            PassStore.Claim claim = store.claimBatch(config.instanceId(), lanes.get(), config.batchSize(), now,
                    now.plus(config.claimTimeout()), config.routing(), missing.routingKeys());
            if (claim.rows().isEmpty()) {
                return new Pass(0, false);
            }
            listener.claimed(claim.rows().size());
            Exception outage = publishAndSettle(claim);
            long elapsed = System.nanoTime() - started;
            listener.batchDone(elapsed);
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
     * Publishes the claimed rows and settles them; when publishing or settling fails, the claim is ended anyway, so
     * the rows left pending are claimable again at once rather than when the claim expires. Returns the first
     * transport failure, or null.
     */
    private Exception publishAndSettle(PassStore.Claim claim) throws InterruptedException {
        boolean settled = false;
        try {
            List<PublishResult> results = publishInRounds(claim.rows());
            Settlement settlement = Settlement.of(results, rules, clock.instant());
            logOrderAnomalies(results);
            logRetries(settlement.retries());
            if (!settlement.toDeadLetter().isEmpty()) {
                Settlement lettered = deadLetter(claim.id(), settlement);
                if (lettered == null) {
                    return settlement.outage();
                }
                settlement = lettered;
            }
            settle(claim, settlement);
            settled = true;
            return settlement.outage();
        } finally {
            if (!settled) {
                endClaim(claim);
            }
        }
    }

    /**
     * Publishes {@code rows} round by round ({@link Rounds}); an aggregate whose row failed in a round has its rows of
     * later rounds held (not sent), so its order holds. Returns one result per row, in the rows' order.
     */
    private List<PublishResult> publishInRounds(List<OutboxRow> rows) throws InterruptedException {
        PublishResult[] results = new PublishResult[rows.size()];
        Set<AggregateKey> failed = new HashSet<>();
        for (List<Integer> round : Rounds.of(rows, config.routing() == TopicRouting.EVENT_TYPE)) {
            List<Integer> sending = new ArrayList<>(round.size());
            for (int i : round) {
                if (failed.contains(rows.get(i).aggregate())) {
                    results[i] = new PublishResult.Held(rows.get(i));
                } else {
                    sending.add(i);
                }
            }
            if (sending.isEmpty()) {
                continue;
            }
            List<PublishResult> sent = publisher.publish(sending.stream().map(rows::get).toList());
            for (int j = 0; j < sent.size(); j++) {
                results[sending.get(j)] = sent.get(j);
                if (!(sent.get(j) instanceof PublishResult.Published)) {
                    failed.add(sent.get(j).row().aggregate());
                }
            }
        }
        return Arrays.asList(results);
    }

    private void settle(PassStore.Claim claim, Settlement settlement) {
        Instant now = clock.instant();
        int marked = store.settle(claim.id(), settlement, now, config.deadLetterPolicy() == DeadLetterPolicy.PARK);
        List<OutboxRow> published = settlement.published();
        if (marked < published.size()) {
            log.warn("{} of {} published rows were no longer claimed by {}; another instance took them over and "
                    + "will publish them again (consumers drop the duplicates by event_id)",
                    published.size() - marked, published.size(), config.instanceId());
        }
        listener.published(published, now);
        listener.transportFailures(settlement.released());
        listener.recordFailures(settlement.retries().size() + settlement.dead().size());
        listener.heldForMissingTopic(settlement.topicMissing() + settlement.postponed().size());
        listener.deadLettered(settlement.dead().size());
        settlement.dead().forEach(this::logDead);
        if (settlement.outage() != null) {
            log.warn("Kafka unavailable: {} rows released without spending an attempt ({})", settlement.released(),
                    KafkaPassThrough.explain(settlement.outage()));
        }
    }

    private void endClaim(PassStore.Claim claim) {
        try {
            store.endClaim(claim.id());
        } catch (DataAccessException e) {
            log.warn("Could not end claim {} of {} rows; they become claimable when it expires ({})", claim.id(),
                    claim.rows().size(), e.toString());
        }
    }

    /**
     * Sends the dead letters the settlement calls for, once the claim is renewed (the fence: another instance that
     * took the rows over dead-letters them itself), and returns the settlement with their outcomes; null when the
     * claim was taken over, so this pass must change nothing.
     */
    private Settlement deadLetter(long claim, Settlement settlement) throws InterruptedException {
        Instant now = clock.instant();
        if (!store.renewClaim(claim, now.plus(config.claimTimeout()))) {
            log.warn("{} rows to dead-letter were no longer claimed by {}; another instance took them over",
                    settlement.toDeadLetter().size(), config.instanceId());
            return null;
        }
        List<Failure> doomed = settlement.toDeadLetter();
        List<DeadLetter> letters = doomed.stream()
                .map(f -> deadLetters.write(f, publisher.topicOf(f.row()), f.row().attempts() + 1, now)).toList();
        List<PublishResult> sent = publisher.deadLetter(letters);
        for (int i = 0; i < sent.size(); i++) {
            if (sent.get(i) instanceof PublishResult.RetryLater || sent.get(i) instanceof PublishResult.Rejected) {
                logDeadLetterFailed(doomed.get(i), Settlement.errorOf(sent.get(i)));
            }
        }
        // A missing dead-letter topic is no fault of the rows: no attempt; they come back after its next check.
        return settlement.afterDeadLetters(sent, rules, now, now.plus(MissingTopics.RECHECK_INTERVAL));
    }

    private void logOrderAnomalies(List<PublishResult> results) {
        for (OutboxRow row : Settlement.acknowledgedBehindFailures(results)) {
            withEventId(row, () -> log.error("Order anomaly: {} {} v{} was acknowledged after an earlier version of "
                    + "its aggregate failed in the same batch", row.eventType(), row.aggregateId(),
                    row.aggregateVersion()));
        }
    }

    private void logRetries(List<Settlement.Retry> retries) {
        for (Settlement.Retry retry : retries) {
            OutboxRow row = retry.failure().row();
            withEventId(row, () -> log.warn("Delivery of {} {} v{} failed (attempt {} of {}), next attempt at {}: {}",
                    row.eventType(), row.aggregateId(), row.aggregateVersion(), row.attempts() + 1,
                    config.maxRetries(), retry.nextAttemptAt(), retry.failure().error().toString()));
        }
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
