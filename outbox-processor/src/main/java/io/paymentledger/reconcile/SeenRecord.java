package io.paymentledger.reconcile;

import java.time.Instant;

/**
 * One record read from Kafka, by what identifies its event. {@code deadLetter} marks a record of the DLQ.
 * {@code eventId} and the aggregate come from the record's headers and key, as the relay writes them.
 */
record SeenRecord(String eventId, String topic, int partition, long offset, String aggregateType, String aggregateId,
                  Long aggregateVersion, Instant timestamp, boolean deadLetter) {
}
