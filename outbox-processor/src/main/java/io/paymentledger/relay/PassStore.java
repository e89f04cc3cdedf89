package io.paymentledger.relay;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a relay pass needs from the database: claim a batch, keep the claim while dead letters are sent, and settle
 * it in one write fenced by the claim. {@link ClaimStore} is the PostgreSQL one; a unit test may fake it.
 */
interface PassStore {
    /**
     * Claims up to {@code limit} due rows of the lanes {@code instance} leases ({@code lanes}: lane to epoch) until
     * {@code claimedUntil}, per aggregate a run of consecutive versions from its head, leaving out the rows whose
     * routing key is in {@code heldKeys} (their topic is missing). Returns {@link Claim#NONE} when nothing is due.
     */
    Claim claimBatch(String instance, Map<Integer, Long> lanes, int limit, Instant now, Instant claimedUntil,
                     TopicRouting routing, Set<String> heldKeys);

    /** Extends {@code claim} until {@code claimedUntil}; false when it was taken over (it had expired). */
    boolean renewClaim(long claim, Instant claimedUntil);

    /** Ends {@code claim}, releasing its rows; false when it was already gone (taken over). */
    boolean endClaim(long claim);

    /**
     * Applies {@code settlement} to the rows of {@code claim} and ends the claim, in one write that changes nothing
     * when the claim was taken over. Rows the settlement does not name are released, without an attempt.
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
