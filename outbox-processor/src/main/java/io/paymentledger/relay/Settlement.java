package io.paymentledger.relay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * What a pass does with its batch, decided in one pure step from the publish results: rows published, rows to retry
 * (one attempt spent, with their next attempt time), rows that failed for good and go to the dead-letter topic, and
 * rows released without an attempt (an outage, a row held behind its aggregate's failure, a missing topic). Once the
 * dead letters are sent, {@link #afterDeadLetters} turns each into dead, retry or postponed. The store applies a
 * settlement in one write fenced by the pass's claim ({@link PassStore#settle}); nothing here reads a clock, the
 * database or Kafka.
 *
 * @param published     acknowledged by Kafka
 * @param retries       failed for a reason of their own, to be tried again at their next attempt time
 * @param toDeadLetter  failed for good, not yet on the dead-letter topic
 * @param dead          on the dead-letter topic, to be marked dead
 * @param postponed     rows whose dead-letter topic is missing, released without an attempt until {@code postponeUntil}
 * @param released      rows released without an attempt (outage, held behind a failure); they are claimable at once
 * @param topicMissing  rows released without an attempt because their topic is missing
 * @param outage        the first transport failure, counted against the circuit breaker; null when there was none
 */
record Settlement(List<OutboxRow> published, List<Retry> retries, List<Failure> toDeadLetter, List<Failure> dead,
                  List<Long> postponed, Instant postponeUntil, int released, int topicMissing, Exception outage) {

    /** A failed attempt to retry at {@code nextAttemptAt}. */
    record Retry(Failure failure, Instant nextAttemptAt) {
    }

    /** The rules a settlement follows: how many attempts a row gets, and how long it waits between them. */
    record Rules(int maxAttempts, Backoff backoff, DoubleSupplier random) {
        Retry retry(Failure failure, Instant now) {
            int attempt = failure.row().attempts() + 1;
            return new Retry(failure, now.plus(backoff.delay(attempt, random)));
        }
    }

    Settlement {
        published = List.copyOf(published);
        retries = List.copyOf(retries);
        toDeadLetter = List.copyOf(toDeadLetter);
        dead = List.copyOf(dead);
        postponed = List.copyOf(postponed);
    }

    /** Decides each row's outcome from {@code results} (one per row of the batch, in batch order) at {@code now}. */
    static Settlement of(List<PublishResult> results, Rules rules, Instant now) {
        List<OutboxRow> published = new ArrayList<>();
        List<Retry> retries = new ArrayList<>();
        List<Failure> doomed = new ArrayList<>();
        int released = 0;
        int topicMissing = 0;
        Exception outage = null;
        for (PublishResult result : holdBehindFailures(results)) {
            OutboxRow row = result.row();
            if (result instanceof PublishResult.Published) {
                published.add(row);
            } else if (result instanceof PublishResult.Held) {
                released++;
            } else if (result instanceof PublishResult.TopicMissing) {
                topicMissing++;
            } else if (result instanceof PublishResult.Unavailable u) {
                released++;
                outage = outage == null ? u.error() : outage;
            } else if (result instanceof PublishResult.RetryLater r && row.attempts() + 1 < rules.maxAttempts()) {
                retries.add(rules.retry(new Failure(row, r.error()), now));
            } else {
                doomed.add(new Failure(row, errorOf(result)));
            }
        }
        return new Settlement(published, retries, doomed, List.of(), List.of(), null, released, topicMissing, outage);
    }

    /**
     * This settlement once its dead letters were sent ({@code sent}: one result per {@link #toDeadLetter}, in order):
     * an acknowledged letter makes its row dead; a missing dead-letter topic postpones the row without an attempt
     * until {@code postponeUntil}; an outage releases it (and counts as one); any other failure retries it (its stored error stays the
     * record's own; the relay logs the DLQ's).
     */
    Settlement afterDeadLetters(List<PublishResult> sent, Rules rules, Instant now, Instant postponeUntil) {
        List<Failure> dead = new ArrayList<>();
        List<Long> postponedIds = new ArrayList<>();
        List<Retry> moreRetries = new ArrayList<>(retries);
        int moreReleased = released;
        Exception firstOutage = outage;
        for (int i = 0; i < sent.size(); i++) {
            Failure failure = toDeadLetter.get(i);
            PublishResult result = sent.get(i);
            if (result instanceof PublishResult.Published) {
                dead.add(failure);
            } else if (result instanceof PublishResult.TopicMissing) {
                postponedIds.add(failure.row().id());
            } else if (result instanceof PublishResult.Unavailable u) {
                moreReleased++;
                firstOutage = firstOutage == null ? u.error() : firstOutage;
            } else {
                moreRetries.add(rules.retry(failure, now));
            }
        }
        return new Settlement(published, moreRetries, List.of(), dead, postponedIds, postponeUntil, moreReleased,
                topicMissing, firstOutage);
    }

    /** True when every row of the batch was published, so the settlement is one mark and the claim's end. */
    boolean onlyPublished() {
        return retries.isEmpty() && toDeadLetter.isEmpty() && dead.isEmpty() && postponed.isEmpty();
    }

    /**
     * Per aggregate, only the first failure of a batch counts: a later failed row of the same aggregate becomes
     * {@link PublishResult.Held} (released, no attempt spent), so only the aggregate's head spends attempts or goes
     * to the DLQ, as when it is sent alone. Outages stay outages. A later row acknowledged after an earlier one failed
     * is already on Kafka; the relay logs that as an order anomaly ({@link #acknowledgedBehindFailures}).
     */
    static List<PublishResult> holdBehindFailures(List<PublishResult> results) {
        Set<AggregateKey> failed = new HashSet<>();
        List<PublishResult> held = new ArrayList<>(results.size());
        for (PublishResult result : results) {
            AggregateKey aggregate = result.row().aggregate();
            boolean behindFailure = failed.contains(aggregate);
            if (result instanceof PublishResult.Published) {
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

    /** Rows acknowledged after an earlier version of their aggregate failed in the same batch (order anomalies). */
    static List<OutboxRow> acknowledgedBehindFailures(List<PublishResult> results) {
        Set<AggregateKey> failed = new HashSet<>();
        List<OutboxRow> anomalies = new ArrayList<>();
        for (PublishResult result : results) {
            AggregateKey aggregate = result.row().aggregate();
            if (!(result instanceof PublishResult.Published)) {
                failed.add(aggregate);
            } else if (failed.contains(aggregate)) {
                anomalies.add(result.row());
            }
        }
        return anomalies;
    }

    static Exception errorOf(PublishResult result) {
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
}
