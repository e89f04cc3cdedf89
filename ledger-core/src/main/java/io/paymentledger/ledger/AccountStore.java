package io.paymentledger.ledger;

import static io.paymentledger.db.jooq.Tables.ACCOUNT;

import io.paymentledger.db.jooq.tables.records.AccountRecord;
import java.time.Instant;
import java.util.Optional;
import org.jooq.DSLContext;

/** Accounts and their denormalized balances; every balance change also has its postings in the journal. */
final class AccountStore {
    static final String CUSTOMER = "customer";
    static final String SYSTEM = "system";
    static final String OPEN = "open";

    /**
     * Locks the account for a balance change. {@code FOR NO KEY UPDATE} still lets other transactions take the
     * {@code KEY SHARE} lock a foreign key needs, so a payer lock never waits on a payee reference.
     */
    Optional<AccountRecord> lockForBalanceChange(DSLContext tx, String accountId) {
        return tx.selectFrom(ACCOUNT).where(ACCOUNT.ACCOUNT_ID.eq(accountId)).forNoKeyUpdate().fetchOptional();
    }

    Optional<AccountRecord> find(DSLContext tx, String accountId) {
        return tx.selectFrom(ACCOUNT).where(ACCOUNT.ACCOUNT_ID.eq(accountId)).fetchOptional();
    }

    /** Inserts the account; false when an account with that id already exists. */
    boolean insert(DSLContext tx, String accountId, String currency, String kind, Instant at) {
        return tx.insertInto(ACCOUNT)
                .set(ACCOUNT.ACCOUNT_ID, accountId)
                .set(ACCOUNT.CURRENCY, currency)
                .set(ACCOUNT.KIND, kind)
                .set(ACCOUNT.CREATED_AT, at.atOffset(java.time.ZoneOffset.UTC))
                .onConflictDoNothing()
                .execute() == 1;
    }

    void changeBalances(DSLContext tx, String accountId, long postedDelta, long heldDelta) {
        tx.update(ACCOUNT)
                .set(ACCOUNT.POSTED_MINOR, ACCOUNT.POSTED_MINOR.plus(postedDelta))
                .set(ACCOUNT.HELD_MINOR, ACCOUNT.HELD_MINOR.plus(heldDelta))
                .where(ACCOUNT.ACCOUNT_ID.eq(accountId))
                .execute();
    }

    static AccountBalance toBalance(AccountRecord account) {
        return new AccountBalance(account.getAccountId(), account.getCurrency(), account.getStatus(),
                account.getPostedMinor(), account.getHeldMinor(), account.getPostedMinor() - account.getHeldMinor());
    }
}
