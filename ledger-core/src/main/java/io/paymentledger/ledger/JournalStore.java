package io.paymentledger.ledger;

import static io.paymentledger.db.jooq.Tables.JOURNAL_ENTRY;
import static io.paymentledger.db.jooq.Tables.POSTING;

import com.github.f4b6a3.ulid.UlidCreator;
import java.time.Instant;
import java.time.ZoneOffset;
import io.paymentledger.ledger.JournalEntryView.PostingView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;

/** The double-entry journal: each entry's postings sum to zero per currency. */
final class JournalStore {
    static final String AVAILABLE = "available";
    static final String HELD = "held";

    /** One leg of an entry: signed minor units on one bucket of one account. */
    record Posting(String accountId, String bucket, long amountMinor, String currency) {
    }

    /**
     * Writes one entry. Refuses an unbalanced entry: that is a bug in the caller, never a state to persist.
     *
     * @param paymentId the payment the entry belongs to, or null (e.g. an opening balance)
     */
    String record(DSLContext tx, String paymentId, String kind, List<Posting> postings, Instant at) {
        requireBalanced(kind, postings);
        String entryId = UlidCreator.getMonotonicUlid().toString();
        tx.insertInto(JOURNAL_ENTRY)
                .set(JOURNAL_ENTRY.ENTRY_ID, entryId)
                .set(JOURNAL_ENTRY.PAYMENT_ID, paymentId)
                .set(JOURNAL_ENTRY.KIND, kind)
                .set(JOURNAL_ENTRY.CREATED_AT, at.atOffset(ZoneOffset.UTC))
                .execute();
        var insert = tx.insertInto(POSTING,
                POSTING.ENTRY_ID, POSTING.ACCOUNT_ID, POSTING.BUCKET, POSTING.AMOUNT_MINOR, POSTING.CURRENCY);
        for (Posting posting : postings) {
            insert = insert.values(entryId, posting.accountId(), posting.bucket(), posting.amountMinor(),
                    posting.currency());
        }
        insert.execute();
        return entryId;
    }

    /** The payment's entries with their postings, oldest first. */
    List<JournalEntryView> entries(DSLContext tx, String paymentId) {
        Map<String, List<PostingView>> postings = new HashMap<>();
        tx.selectFrom(POSTING)
                .where(POSTING.ENTRY_ID.in(tx.select(JOURNAL_ENTRY.ENTRY_ID).from(JOURNAL_ENTRY)
                        .where(JOURNAL_ENTRY.PAYMENT_ID.eq(paymentId))))
                .orderBy(POSTING.POSTING_ID)
                .forEach(posting -> postings.computeIfAbsent(posting.getEntryId(), id -> new ArrayList<>())
                        .add(new PostingView(posting.getAccountId(), posting.getBucket(), posting.getAmountMinor(),
                                posting.getCurrency())));
        return tx.selectFrom(JOURNAL_ENTRY)
                .where(JOURNAL_ENTRY.PAYMENT_ID.eq(paymentId))
                .orderBy(JOURNAL_ENTRY.CREATED_AT, JOURNAL_ENTRY.ENTRY_ID)
                .fetch(entry -> new JournalEntryView(entry.getEntryId(), entry.getPaymentId(), entry.getKind(),
                        entry.getCreatedAt().toInstant(), postings.getOrDefault(entry.getEntryId(), List.of())));
    }

    private static void requireBalanced(String kind, List<Posting> postings) {
        var sums = new HashMap<String, Long>();
        for (Posting posting : postings) {
            sums.merge(posting.currency(), posting.amountMinor(), Math::addExact);
        }
        sums.forEach((currency, sum) -> {
            if (sum != 0) {
                throw new IllegalStateException("unbalanced " + kind + " entry: " + currency + " postings sum to " + sum);
            }
        });
    }
}
