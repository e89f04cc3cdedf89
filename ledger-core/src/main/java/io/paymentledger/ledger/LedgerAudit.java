package io.paymentledger.ledger;

import static io.paymentledger.db.jooq.Tables.ACCOUNT;
import static io.paymentledger.db.jooq.Tables.JOURNAL_ENTRY;
import static io.paymentledger.db.jooq.Tables.PAYMENT;
import static io.paymentledger.db.jooq.Tables.POSTING;
import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.sum;

import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.SQLDataType;

/**
 * The books' invariants, checked with a few aggregate queries in one read-only snapshot. Each finding names the
 * entry or account and both sides of the mismatch; at most {@value #MAX_FINDINGS} per kind are listed.
 */
final class LedgerAudit {
    static final int MAX_FINDINGS = 100;

    ConsistencyReport check(DSLContext tx) {
        return new ConsistencyReport(tx.fetchCount(ACCOUNT), tx.fetchCount(JOURNAL_ENTRY), unbalancedEntries(tx),
                balanceMismatches(tx), holdMismatches(tx), overdrawnAccounts(tx));
    }

    private static List<String> unbalancedEntries(DSLContext tx) {
        Field<Long> total = sum(POSTING.AMOUNT_MINOR).cast(SQLDataType.BIGINT);
        return tx.select(POSTING.ENTRY_ID, POSTING.CURRENCY, total)
                .from(POSTING)
                .groupBy(POSTING.ENTRY_ID, POSTING.CURRENCY)
                .having(sum(POSTING.AMOUNT_MINOR).ne(inline(java.math.BigDecimal.ZERO)))
                .orderBy(POSTING.ENTRY_ID)
                .limit(MAX_FINDINGS)
                .fetch(row -> "entry " + row.value1() + ": " + row.value2() + " postings sum to " + row.value3());
    }

    private static List<String> balanceMismatches(DSLContext tx) {
        var sums = tx.select(POSTING.ACCOUNT_ID,
                        sum(POSTING.AMOUNT_MINOR).cast(SQLDataType.BIGINT).as("posted"),
                        sum(POSTING.AMOUNT_MINOR).filterWhere(POSTING.BUCKET.eq(JournalStore.HELD))
                                .cast(SQLDataType.BIGINT).as("held"))
                .from(POSTING)
                .groupBy(POSTING.ACCOUNT_ID)
                .asTable("sums");
        Field<Long> posted = coalesce(sums.field(name("posted"), Long.class), inline(0L));
        Field<Long> held = coalesce(sums.field(name("held"), Long.class), inline(0L));
        return tx.select(ACCOUNT.ACCOUNT_ID, ACCOUNT.POSTED_MINOR, posted, ACCOUNT.HELD_MINOR, held)
                .from(ACCOUNT)
                .leftJoin(sums).on(sums.field(POSTING.ACCOUNT_ID).eq(ACCOUNT.ACCOUNT_ID))
                .where(ACCOUNT.POSTED_MINOR.ne(posted).or(ACCOUNT.HELD_MINOR.ne(held)))
                .orderBy(ACCOUNT.ACCOUNT_ID)
                .limit(MAX_FINDINGS)
                .fetch(row -> "account " + row.value1() + ": posted " + row.value2() + " but postings sum to "
                        + row.value3() + "; held " + row.value4() + " but held postings sum to " + row.value5());
    }

    private static List<String> holdMismatches(DSLContext tx) {
        var open = tx.select(PAYMENT.PAYER_ACCOUNT_ID, sum(PAYMENT.AMOUNT_MINOR).cast(SQLDataType.BIGINT).as("open"))
                .from(PAYMENT)
                .where(PAYMENT.STATUS.eq(PaymentStatus.AUTHORIZED.code()))
                .groupBy(PAYMENT.PAYER_ACCOUNT_ID)
                .asTable("open_holds");
        Field<Long> openHolds = coalesce(open.field(name("open"), Long.class), inline(0L));
        return tx.select(ACCOUNT.ACCOUNT_ID, ACCOUNT.HELD_MINOR, openHolds)
                .from(ACCOUNT)
                .leftJoin(open).on(open.field(PAYMENT.PAYER_ACCOUNT_ID).eq(ACCOUNT.ACCOUNT_ID))
                .where(ACCOUNT.HELD_MINOR.ne(openHolds))
                .orderBy(ACCOUNT.ACCOUNT_ID)
                .limit(MAX_FINDINGS)
                .fetch(row -> "account " + row.value1() + ": held " + row.value2()
                        + " but its open authorizations total " + row.value3());
    }

    private static List<String> overdrawnAccounts(DSLContext tx) {
        return tx.select(ACCOUNT.ACCOUNT_ID, ACCOUNT.POSTED_MINOR, ACCOUNT.HELD_MINOR)
                .from(ACCOUNT)
                .where(ACCOUNT.KIND.eq(AccountStore.CUSTOMER))
                .and(ACCOUNT.POSTED_MINOR.minus(ACCOUNT.HELD_MINOR).lt(0L).or(ACCOUNT.HELD_MINOR.lt(0L)))
                .orderBy(ACCOUNT.ACCOUNT_ID)
                .limit(MAX_FINDINGS)
                .fetch(row -> "account " + row.value1() + ": posted " + row.value2() + ", held " + row.value3());
    }
}
