package io.paymentledger.ledger;

import io.paymentledger.config.CommandLines;
import io.paymentledger.config.Env;
import io.paymentledger.ledger.cli.LedgerMain;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;

/**
 * Runs one {@code ledger-core.jar} command line against a fresh database on the test infrastructure's PostgreSQL
 * (embedded when no other is configured), e.g. a long {@code simulate} without installing a database. Not a test;
 * run it with {@code mvn -B -ntp -pl ledger-core -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.paymentledger.ledger.EmbeddedLedgerCli
 * -Dexec.args="simulate --accounts 1000 --payments 100000 --threads 4"}.
 */
public final class EmbeddedLedgerCli {
    private EmbeddedLedgerCli() {
    }

    public static void main(String[] args) {
        int exit;
        try (TestDatabase database = TestInfrastructure.get().newDatabase("ledger-cli-run")) {
            exit = CommandLines.execute(new LedgerMain(new Env(database.env())), args);
        }
        System.exit(exit);
    }
}
