package io.paymentledger.relay;

import java.util.List;

/** Sends a batch of rows and reports, for each row, what happened. */
interface Publisher extends AutoCloseable {
    /**
     * Sends every row (rows of one aggregate in the given order) and waits for all outcomes.
     *
     * @return one result per row, in the order of {@code rows}
     */
    List<PublishResult> publish(List<OutboxRow> rows) throws InterruptedException;

    @Override
    void close();
}
