package io.paymentledger.consumer;

/** What the consumer did with each record; the defaults do nothing. Called on the consumer thread after commit. */
public interface ConsumptionListener {
    /** A valid event; {@code duplicate} when this group had already processed its event id. */
    default void processed(Envelope envelope, boolean duplicate) {
    }

    /** A record that failed validation; its offset is committed and it is never retried. */
    default void rejected(String topic, int partition, long offset, Validation.Invalid verdict) {
    }
}
