package io.paymentledger.relay;

import java.util.List;

/** Sends rows to their topics, and dead letters to the DLQ, and reports for each what happened. */
interface Publisher extends AutoCloseable {
    /**
     * Sends every row and waits for all outcomes. The caller passes at most one row per aggregate.
     *
     * @return one result per row, in the order of {@code rows}
     */
    List<PublishResult> publish(List<OutboxRow> rows) throws InterruptedException;

    /**
     * Sends dead letters to the dead-letter topic and waits for all outcomes.
     *
     * @return one result per letter, in order: {@link PublishResult.Published} when the DLQ acknowledged it
     */
    List<PublishResult> deadLetter(List<DeadLetter> letters) throws InterruptedException;

    /** The topic {@code row} belongs on under the configured routing. */
    String topicOf(OutboxRow row);

    @Override
    void close();
}
