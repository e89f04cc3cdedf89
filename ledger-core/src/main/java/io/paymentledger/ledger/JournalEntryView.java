package io.paymentledger.ledger;

import java.time.Instant;
import java.util.List;

/**
 * One journal entry and its postings; the postings sum to zero per currency.
 *
 * @param kind e.g. {@code authorization}, {@code capture}, {@code void}, {@code refund}, {@code opening_balance}
 */
public record JournalEntryView(String entryId, String paymentId, String kind, Instant createdAt,
                               List<PostingView> postings) {
    public JournalEntryView {
        postings = List.copyOf(postings);
    }

    /**
     * One leg of an entry.
     *
     * @param bucket {@code available} or {@code held}: an account's posted balance is the sum of both buckets, its
     *               held amount the sum of the {@code held} bucket
     */
    public record PostingView(String accountId, String bucket, long amountMinor, String currency) {
    }
}
