package io.paymentledger.relay;

/**
 * A lane's place in the outbox, as {@code outbox_lane} stores it: every row of the lane whose transaction is visible in
 * snapshot {@code delivered} was delivered; when a batch is in progress ({@code upto} not null), so were its rows
 * (transaction visible in {@code upto} and not in {@code delivered}) up to id {@code after}, and none of its rows has
 * an id above {@code high}. Snapshots are PostgreSQL's {@code txid_snapshot} text ({@code xmin:xmax:xip,...}).
 */
record LaneCursor(String delivered, String upto, Long after, Long high) {

    /** A lane between batches. */
    static LaneCursor at(String delivered) {
        return new LaneCursor(delivered, null, null, null);
    }

    boolean inBatch() {
        return upto != null;
    }

    /**
     * The transactions certainly in the batch, without a visibility check: those that started after {@code delivered}
     * was taken ({@code >= xmax(delivered)}) and had ended before {@code upto} was ({@code < xmin(upto)}). Rows of
     * any other transaction of the batch need {@code outbox_in_batch}.
     */
    long[] certainRange() {
        return new long[] {field(delivered, 1), field(upto, 0)};
    }

    /** Field {@code index} of a {@code xmin:xmax:xip,...} snapshot: 0 is xmin, 1 is xmax. */
    private static long field(String snapshot, int index) {
        return Long.parseLong(snapshot.split(":", 3)[index]);
    }

    /** This cursor, in a batch, once the batch was read up to id {@code lastId}, or to its end when {@code complete}. */
    LaneCursor readTo(long lastId, boolean complete) {
        return complete ? at(upto) : new LaneCursor(delivered, upto, lastId, high);
    }
}
