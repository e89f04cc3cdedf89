package io.paymentledger.ledger.simulation;

import io.paymentledger.ledger.Ledger;
import io.paymentledger.ledger.OpenAccount;
import java.util.SplittableRandom;

/**
 * The run's customer accounts, derived from the index so no flow needs a lookup: every 40th is in GBP (the rest
 * EUR, so some payments are declined for currency mismatch), every 10th has a single-payment limit of 150.00, and
 * every 100th is closed after opening. Opening balances are 500.00-5,000.00, so
 * busy payers can run out of funds.
 */
final class SimulatedAccounts {
    static final long LIMIT_MINOR = 15_000;

    private final String runId;
    private final int count;

    SimulatedAccounts(String runId, int count) {
        this.runId = runId;
        this.count = count;
    }

    int count() {
        return count;
    }

    String id(int index) {
        return "sim-" + runId + "-" + index;
    }

    /** An account id that no one opened: payments to it are declined as account_unknown. */
    String unknownId() {
        return "sim-" + runId + "-unknown";
    }

    String currency(int index) {
        return index % 40 == 39 ? "GBP" : "EUR";
    }

    /** Opens (and, for every 100th, closes) account {@code index}. */
    void open(Ledger ledger, int index, long seed) {
        long balance = 50_000 + new SplittableRandom(seed ^ index).nextLong(450_000);
        ledger.openAccount(new OpenAccount(id(index), currency(index), balance,
                index % 10 == 7 ? LIMIT_MINOR : null));
        if (index % 100 == 99) {
            ledger.closeAccount(id(index));
        }
    }
}
