package io.paymentledger.consumer;

/**
 * What the consumer did with each record; the defaults do nothing. Called after the batch's commit, from every
 * worker thread of the service: implementations must be thread-safe.
 */
public interface ConsumptionListener {
    /** A valid event; {@code duplicate} when this group had already processed its event id. */
    default void processed(Envelope envelope, boolean duplicate) {
    }

    /** A record that failed validation; recorded, its offset committed, and never retried. */
    default void rejected(String topic, int partition, long offset, Validation.Invalid verdict) {
    }

    /** An event arrived with a version above its aggregate's highest applied + 1: versions are missing so far. */
    default void gap(Envelope envelope, long highestBefore) {
    }

    /** An event arrived below its aggregate's highest applied version: a predecessor came late. It was applied. */
    default void late(Envelope envelope, long highestBefore) {
    }

    /** A poll's {@code records} were handled and their offsets committed, in {@code nanos}. */
    default void batchHandled(int records, long nanos) {
    }
}
