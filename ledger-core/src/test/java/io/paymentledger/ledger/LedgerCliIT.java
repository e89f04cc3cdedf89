package io.paymentledger.ledger;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymentledger.config.CommandLines;
import io.paymentledger.config.Env;
import io.paymentledger.ledger.cli.LedgerMain;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ledger command line against a real PostgreSQL, configured through the same variables as in production. */
class LedgerCliIT {
    private static TestDatabase database;
    private static Env env;

    @BeforeAll
    static void createDatabase() {
        database = TestInfrastructure.get().newDatabase("ledger-cli");
        env = new Env(Map.of("DATABASE_URL", database.config().url(), "DATABASE_USER", database.config().user(),
                "DATABASE_PASSWORD", database.config().password()));
    }

    @AfterAll
    static void dropPool() {
        database.close();
    }

    private static String run(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = CommandLines.execute(new LedgerMain(env), new PrintWriter(out), new PrintWriter(err), args);
        assertThat(exit).as("exit of %s, stderr: %s", String.join(" ", args), err).isEqualTo(expectedExit);
        return out + err.toString();
    }

    @Test
    void migrateIsSafeToRepeat() {
        assertThat(run(0, "migrate")).contains("migrated: 0 applied");
    }

    @Test
    void opensAccountsAuthorizesAndShowsBalances() {
        run(0, "open-account", "--id", "cli-payer", "--currency", "EUR", "--opening-balance-minor", "5000");
        run(0, "open-account", "--id", "cli-payee", "--currency", "EUR");

        String authorized = run(0, "authorize", "--idempotency-key", "cli-1", "--payer", "cli-payer",
                "--payee", "cli-payee", "--amount-minor", "1200", "--currency", "EUR");
        String declined = run(0, "authorize", "--idempotency-key", "cli-2", "--payer", "cli-payer",
                "--payee", "cli-payee", "--amount-minor", "9000", "--currency", "EUR");

        assertThat(authorized).startsWith("authorized payment ");
        assertThat(declined).startsWith("declined payment ").contains("insufficient_funds");
        assertThat(run(0, "balance", "cli-payer")).contains("posted=5000 held=1200 available=3800");
        assertThat(database.dsl().fetchCount(OUTBOX_EVENT)).isEqualTo(2);
    }

    @Test
    void badInputExitsWithUsageCodeAndNamesTheProblem() {
        assertThat(run(2, "open-account", "--id", "x", "--currency", "EURO")).contains("ISO 4217");
        assertThat(run(1, "balance", "nobody")).contains("no account 'nobody'");
    }
}
