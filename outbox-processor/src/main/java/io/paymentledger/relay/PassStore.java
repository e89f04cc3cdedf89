package io.paymentledger.relay;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a relay pass needs from the database: claim a page to send, check it is still this instance's while dead
 * letters are sent, and settle it in one write fenced by its lanes' epochs. {@link CursorStore} is the PostgreSQL one;
 * a unit test may fake it.
 */
interface PassStore {
    /**
     * Claims up to {@code limit} rows to send in the lanes {@code instance} leases ({@code lanes}: lane to epoch): the
     * due heads of the retry set and the next page of the lanes' batch, leaving out (holding) the rows whose routing
     * key is in {@code heldKeys} (their topic is missing) and the later rows of their aggregates. {@code claimedUntil}
     * is the pass's deadline. Returns {@link Claim#NONE} when nothing is due.
     */
    Claim claimBatch(String instance, Map<Integer, Long> lanes, int limit, Instant now, Instant claimedUntil,
                     TopicRouting routing, Set<String> heldKeys);

    /** Checks {@code claim} is still this instance's (its lanes were not taken over) before dead letters go out. */
    boolean renewClaim(long claim, Instant claimedUntil);

    /** Ends {@code claim} without settling it: nothing moves, its rows are read again; false when it was unknown. */
    boolean endClaim(long claim);

    /**
     * Applies {@code settlement} to the rows of {@code claim} and ends the claim, in one write that changes nothing
     * when a lane of the claim was taken over. Rows the settlement does not name are released, without an attempt.
     *
     * @param park whether a dead row parks its aggregate ({@code OUTBOX_DEAD_LETTER_POLICY=park})
     * @return how many published rows were settled: fewer than the settlement's when the claim was taken over
     */
    int settle(long claim, Settlement settlement, Instant now, boolean park);

    /** A pass's claim: its id and the claimed rows, in the order to send them. */
    record Claim(long id, List<OutboxRow> rows) {
        static final Claim NONE = new Claim(0, List.of());

        public Claim {
            rows = List.copyOf(rows);
        }
    }
}
