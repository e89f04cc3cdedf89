package io.paymentledger.relay;

import java.time.Instant;
import java.util.List;

/**
 * What the relay's core reports as it works: every method has a no-op default, so the core runs without any
 * listener ({@link #NONE}) and a test listens only to what it checks. {@link RelayMetrics} binds it to Micrometer at
 * the edge.
 */
interface RelayListener {
    RelayListener NONE = new RelayListener() {
    };

    /** The outbox as the status queries see it: every instance's rows, plus the rows this instance is sending. */
    record Backlog(double pending, double oldestPendingAgeSeconds, double retrying, double dead,
                   double parkedAggregates, double liveInstances, double claimsHeld) {
        static final Backlog UNKNOWN = new Backlog(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN);
    }

    /** A pass claimed {@code rows} (more than none). */
    default void claimed(int rows) {
    }

    /** A non-empty pass took {@code nanos} to claim, publish and settle its batch. */
    default void batchDone(long nanos) {
    }

    /** Kafka acknowledged {@code rows} at {@code ackedAt}. */
    default void published(List<OutboxRow> rows, Instant ackedAt) {
    }

    /** {@code rows} were released without spending an attempt: the broker was unavailable, or they were held. */
    default void transportFailures(int rows) {
    }

    /** {@code rows} failed for a reason of their own: one attempt spent each. */
    default void recordFailures(int rows) {
    }

    /** {@code rows} were released without an attempt because their topic (or the DLQ) is missing. */
    default void heldForMissingTopic(int rows) {
    }

    /** {@code rows} were sent to the dead-letter topic and marked dead. */
    default void deadLettered(int rows) {
    }

    /** The topics held because they are missing, with their rows; an empty list once every topic exists. */
    default void missingTopics(List<MissingTopics.Topic> topics) {
    }

    /** This instance now leases {@code lanes} lanes. */
    default void lanesHeld(int lanes) {
    }

    /** A fresh snapshot of the whole outbox. */
    default void backlog(Backlog snapshot) {
    }
}
