package io.paymentledger.ledger;

import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/** The ledger's queries. Reads take no locks; the consistency check reads one snapshot. */
final class LedgerReads {
    private final DSLContext dsl;
    private final AccountStore accounts;
    private final PaymentStore payments;
    private final JournalStore journal;
    private final LedgerAudit audit = new LedgerAudit();

    LedgerReads(DSLContext dsl, AccountStore accounts, PaymentStore payments, JournalStore journal) {
        this.dsl = dsl;
        this.accounts = accounts;
        this.payments = payments;
        this.journal = journal;
    }

    Optional<AccountBalance> balance(String accountId) {
        return accounts.find(dsl, accountId).map(AccountStore::toBalance);
    }

    List<AccountBalance> balances() {
        return accounts.all(dsl).stream().map(AccountStore::toBalance).toList();
    }

    Optional<PaymentView> payment(String paymentId) {
        return payments.find(dsl, paymentId);
    }

    List<JournalEntryView> journal(String paymentId) {
        return snapshot(tx -> journal.entries(tx, paymentId));
    }

    /**
     * Runs the audit in one REPEATABLE READ, read-only transaction: its queries see the same committed state, so
     * commands running meanwhile cannot show up as half-applied mismatches.
     */
    ConsistencyReport checkConsistency() {
        return snapshot(audit::check);
    }

    private <T> T snapshot(java.util.function.Function<DSLContext, T> reads) {
        return dsl.connectionResult(connection -> {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                return reads.apply(DSL.using(connection, SQLDialect.POSTGRES, dsl.settings()));
            } finally {
                connection.rollback();
                connection.setReadOnly(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                connection.setAutoCommit(autoCommit);
            }
        });
    }
}
