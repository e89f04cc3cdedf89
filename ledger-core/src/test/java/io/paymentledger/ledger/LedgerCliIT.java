package io.paymentledger.ledger;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.PAYMENT;
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
        env = new Env(database.env());
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
        assertThat(database.dsl().fetchCount(OUTBOX_EVENT, OUTBOX_EVENT.AGGREGATE_ID.in(database.dsl()
                .select(PAYMENT.PAYMENT_ID).from(PAYMENT).where(PAYMENT.PAYER_ACCOUNT_ID.eq("cli-payer"))))).isEqualTo(2);
    }

    @Test
    void badInputExitsWithUsageCodeAndNamesTheProblem() {
        assertThat(run(2, "open-account", "--id", "x", "--currency", "EURO")).contains("ISO 4217");
        assertThat(run(1, "balance", "nobody")).contains("no account 'nobody'");
    }

    private static String paymentId(String output) {
        return output.replaceAll("(?s)^\\w+ payment (\\w+).*$", "$1");
    }

    @Test
    void capturesRefundsAndShowsThePaymentWithItsJournal() {
        run(0, "open-account", "--id", "life-payer", "--currency", "EUR", "--opening-balance-minor", "10000");
        run(0, "open-account", "--id", "life-payee", "--currency", "EUR");
        String payment = paymentId(run(0, "authorize", "--idempotency-key", "life-1", "--payer", "life-payer",
                "--payee", "life-payee", "--amount-minor", "3000", "--currency", "EUR",
                "--metadata", "{\"order_id\":\"o-7\"}"));

        assertThat(run(0, "capture", payment, "--idempotency-key", "life-2", "--amount-minor", "2000"))
                .startsWith("captured 2000 EUR of payment " + payment + ": now captured").contains("version 2");
        assertThat(run(0, "refund", payment, "--idempotency-key", "life-3", "--amount-minor", "500"))
                .contains("now partially_refunded").contains("version 3");
        String shown = run(0, "payment", payment);

        assertThat(shown).contains("status    partially_refunded", "captured 2000, refunded 500", "order_id",
                "authorization", "capture", "life-payee/available -500 EUR");
        assertThat(run(0, "balances", "--prefix", "life-")).contains("life-payer", "life-payee")
                .doesNotContain("funding-EUR");
        assertThat(run(0, "check")).startsWith("consistent: ");
    }

    @Test
    void refusedCommandExitsWithUsageCodeAndNamesTheReason() {
        run(0, "open-account", "--id", "refused-payer", "--currency", "EUR", "--opening-balance-minor", "100");
        run(0, "open-account", "--id", "refused-payee", "--currency", "EUR");
        String payment = paymentId(run(0, "authorize", "--idempotency-key", "refused-1", "--payer", "refused-payer",
                "--payee", "refused-payee", "--amount-minor", "100", "--currency", "EUR"));
        run(0, "void", payment, "--idempotency-key", "refused-2");

        assertThat(run(2, "capture", payment, "--idempotency-key", "refused-3"))
                .contains("illegal_transition: cannot capture payment " + payment + ": it is voided");
        assertThat(run(2, "authorize", "--idempotency-key", "refused-4", "--payer", "refused-payer",
                "--payee", "refused-payee", "--amount-minor", "1", "--currency", "EUR", "--metadata", "[1]"))
                .contains("metadata_invalid: metadata must be a JSON object");
    }

    @Test
    void simulateRunsFlowsAndEndsWithABalancedBooksCheck() {
        String output = run(0, "simulate", "--accounts", "50", "--payments", "400", "--threads", "4", "--seed", "7");

        assertThat(output).contains("simulated 400 payments", "seed 7", "declined", "captured", "events",
                "payments/s", "0 returned a different result").contains("consistent: ");
        assertThat(database.dsl().fetchCount(OUTBOX_EVENT)).isGreaterThan(400);
    }

    @Test
    void badLimitConfigurationNamesTheVariable() {
        StringWriter err = new StringWriter();
        Map<String, String> variables = new java.util.HashMap<>(database.env());
        variables.put("LEDGER_METADATA_MAX_DEPTH", "0");
        Env bad = new Env(variables);

        int exit = CommandLines.execute(new LedgerMain(bad), new PrintWriter(new StringWriter()), new PrintWriter(err),
                "balances");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("LEDGER_METADATA_MAX_DEPTH").contains("'0'");
    }
}
