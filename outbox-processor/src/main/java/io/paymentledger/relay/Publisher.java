package io.paymentledger.relay;

import java.util.List;

/** Sends rows to their topics, and dead letters to the DLQ, and reports for each what happened. */
interface Publisher extends AutoCloseable {
    /**
     * Sends every row and waits for all outcomes. Rows of one aggregate come in version order; once one of them
     * fails when sent, the aggregate's later rows are not sent and come back {@link PublishResult.Held}.
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
