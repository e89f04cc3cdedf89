package io.paymentledger.ledger;

import static io.paymentledger.db.jooq.Tables.ACCOUNT;

import io.paymentledger.db.jooq.tables.records.AccountRecord;
import io.paymentledger.ledger.JournalStore.Posting;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jooq.DSLContext;

/**
 * Accounts and their denormalized balances. Balances change only through {@link #apply}, from the same postings the
 * journal records, so an account's balances always equal the sums of its postings.
 *
 * <p>Lock order: a command locks its payment first (if any), then its accounts in ascending id order, so two
 * commands never wait on each other in a cycle.
 */
final class AccountStore {
    static final String CUSTOMER = "customer";
    static final String SYSTEM = "system";
    static final String OPEN = "open";
    static final String CLOSED = "closed";

    /**
     * Locks the account for a balance change. {@code FOR NO KEY UPDATE} still lets other transactions take the
     * {@code KEY SHARE} lock a foreign key needs, so a payer lock never waits on a posting that references it.
     */
    Optional<AccountRecord> lockForBalanceChange(DSLContext tx, String accountId) {
        return tx.selectFrom(ACCOUNT).where(ACCOUNT.ACCOUNT_ID.eq(accountId)).forNoKeyUpdate().fetchOptional();
    }

    /** Locks the accounts in ascending id order (see the class comment); absent ids are missing from the map. */
    Map<String, AccountRecord> lockInOrder(DSLContext tx, Collection<String> accountIds) {
        return tx.selectFrom(ACCOUNT)
                .where(ACCOUNT.ACCOUNT_ID.in(new TreeSet<>(accountIds)))
                .orderBy(ACCOUNT.ACCOUNT_ID)
                .forNoKeyUpdate()
                .fetch()
                .stream()
                .collect(Collectors.toMap(AccountRecord::getAccountId, Function.identity()));
    }

    Optional<AccountRecord> find(DSLContext tx, String accountId) {
        return tx.selectFrom(ACCOUNT).where(ACCOUNT.ACCOUNT_ID.eq(accountId)).fetchOptional();
    }

    List<AccountRecord> all(DSLContext tx) {
        return tx.selectFrom(ACCOUNT).orderBy(ACCOUNT.ACCOUNT_ID).fetch();
    }

    /** Inserts the account; false when an account with that id already exists. */
    boolean insert(DSLContext tx, String accountId, String currency, String kind, Long singlePaymentLimitMinor,
                   Instant at) {
        return tx.insertInto(ACCOUNT)
                .set(ACCOUNT.ACCOUNT_ID, accountId)
                .set(ACCOUNT.CURRENCY, currency)
                .set(ACCOUNT.KIND, kind)
                .set(ACCOUNT.SINGLE_PAYMENT_LIMIT_MINOR, singlePaymentLimitMinor)
                .set(ACCOUNT.CREATED_AT, at.atOffset(ZoneOffset.UTC))
                .onConflictDoNothing()
                .execute() == 1;
    }

    void close(DSLContext tx, String accountId) {
        tx.update(ACCOUNT).set(ACCOUNT.STATUS, CLOSED).where(ACCOUNT.ACCOUNT_ID.eq(accountId)).execute();
    }

    /**
     * Moves the balances of every account the postings touch: posted by the sum of its postings, held by the sum of
     * its {@code held} postings. Accounts are updated in id order, the lock order.
     */
    void apply(DSLContext tx, List<Posting> postings) {
        Map<String, long[]> deltas = new TreeMap<>();
        for (Posting posting : postings) {
            long[] delta = deltas.computeIfAbsent(posting.accountId(), id -> new long[2]);
            delta[0] = Math.addExact(delta[0], posting.amountMinor());
            if (JournalStore.HELD.equals(posting.bucket())) {
                delta[1] = Math.addExact(delta[1], posting.amountMinor());
            }
        }
        deltas.forEach((accountId, delta) -> {
            if (delta[0] != 0 || delta[1] != 0) {
                tx.update(ACCOUNT)
                        .set(ACCOUNT.POSTED_MINOR, ACCOUNT.POSTED_MINOR.plus(delta[0]))
                        .set(ACCOUNT.HELD_MINOR, ACCOUNT.HELD_MINOR.plus(delta[1]))
                        .where(ACCOUNT.ACCOUNT_ID.eq(accountId))
                        .execute();
            }
        });
    }

    static boolean isOpen(AccountRecord account) {
        return OPEN.equals(account.getStatus());
    }

    static long available(AccountRecord account) {
        return account.getPostedMinor() - account.getHeldMinor();
    }

    static AccountBalance toBalance(AccountRecord account) {
        return new AccountBalance(account.getAccountId(), account.getCurrency(), account.getKind(),
                account.getStatus(), account.getPostedMinor(), account.getHeldMinor(), available(account));
    }
}
