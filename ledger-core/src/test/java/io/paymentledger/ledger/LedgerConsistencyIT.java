package io.paymentledger.ledger;

import static io.paymentledger.db.jooq.Tables.ACCOUNT;
import static io.paymentledger.db.jooq.Tables.JOURNAL_ENTRY;
import static io.paymentledger.db.jooq.Tables.PAYMENT;
import static io.paymentledger.db.jooq.Tables.POSTING;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymentledger.config.CommandLines;
import io.paymentledger.config.Env;
import io.paymentledger.ledger.cli.LedgerMain;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The consistency check finds each kind of broken books: the books are built by real commands, then broken on purpose
 * in this test's own database, one invariant at a time, and the check must name exactly what was broken.
 */
class LedgerConsistencyIT {
    private TestDatabase database;
    private DSLContext dsl;
    private Ledger ledger;
    private String payment;

    @BeforeEach
    void booksFromRealCommands() {
        database = TestInfrastructure.get().newDatabase("ledger-consistency");
        dsl = database.dsl();
        ledger = Ledger.postgres(dsl, Clock.systemUTC(), EventSchemas.load());
        ledger.openAccount(new OpenAccount("payer", "EUR", 10_000));
        ledger.openAccount(new OpenAccount("payee", "EUR", 0));
        String captured = authorize("k-1", 2_000);
        ledger.capture(new CapturePayment("k-2", captured, Money.of(2_000, "EUR"), "c-1"));
        payment = authorize("k-3", 1_000);
        assertThat(ledger.checkConsistency().consistent()).as("books made by real commands").isTrue();
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void anEntryWhosePostingsDoNotSumToZeroIsReported() {
        String entry = dsl.select(JOURNAL_ENTRY.ENTRY_ID).from(JOURNAL_ENTRY)
                .where(JOURNAL_ENTRY.PAYMENT_ID.eq(payment)).fetchAny(JOURNAL_ENTRY.ENTRY_ID);
        dsl.insertInto(POSTING).set(POSTING.ENTRY_ID, entry).set(POSTING.ACCOUNT_ID, "payee")
                .set(POSTING.BUCKET, "available").set(POSTING.AMOUNT_MINOR, 5L).set(POSTING.CURRENCY, "EUR").execute();
        addPosted("payee", 5);

        ConsistencyReport report = ledger.checkConsistency();

        assertThat(report.unbalancedEntries()).singleElement().asString()
                .isEqualTo("entry " + entry + ": EUR postings sum to 5");
        assertOnlyFinding(report, report.unbalancedEntries().size());
    }

    @Test
    void aBalanceThatIsNotTheSumOfItsPostingsIsReported() {
        addPosted("payee", 100);

        ConsistencyReport report = ledger.checkConsistency();

        assertThat(report.balanceMismatches()).singleElement().asString()
                .isEqualTo("account payee: posted 2100 but postings sum to 2000; held 0 but held postings sum to 0");
        assertOnlyFinding(report, report.balanceMismatches().size());
    }

    @Test
    void aHoldThatDoesNotMatchTheOpenAuthorizationsIsReported() {
        dsl.update(PAYMENT).set(PAYMENT.AMOUNT_MINOR, 1_500L).where(PAYMENT.PAYMENT_ID.eq(payment)).execute();

        ConsistencyReport report = ledger.checkConsistency();

        assertThat(report.holdMismatches()).singleElement().asString()
                .isEqualTo("account payer: held 1000 but its open authorizations total 1500");
        assertOnlyFinding(report, report.holdMismatches().size());
    }

    @Test
    void anOverdrawnCustomerAccountIsReportedAndTheCommandLineExitsOne() {
        // The schema refuses an overdraft; this test's own database drops that guard to see the check catch one.
        dsl.alterTable(ACCOUNT).dropConstraint("account_customer_not_overdrawn").execute();
        String entry = "broken-overdraft";
        dsl.insertInto(JOURNAL_ENTRY).set(JOURNAL_ENTRY.ENTRY_ID, entry).set(JOURNAL_ENTRY.KIND, "opening")
                .set(JOURNAL_ENTRY.CREATED_AT, OffsetDateTime.now(ZoneOffset.UTC)).execute();
        dsl.insertInto(POSTING, POSTING.ENTRY_ID, POSTING.ACCOUNT_ID, POSTING.BUCKET, POSTING.AMOUNT_MINOR,
                        POSTING.CURRENCY)
                .values(entry, "payee", "available", -2_500L, "EUR")
                .values(entry, "funding-EUR", "available", 2_500L, "EUR")
                .execute();
        addPosted("payee", -2_500);
        addPosted("funding-EUR", 2_500);

        ConsistencyReport report = ledger.checkConsistency();

        assertThat(report.overdrawnAccounts()).singleElement().asString()
                .isEqualTo("account payee: posted -500, held 0");
        assertOnlyFinding(report, report.overdrawnAccounts().size());
        StringWriter out = new StringWriter();
        int exit = CommandLines.execute(new LedgerMain(new Env(database.env())), new PrintWriter(out),
                new PrintWriter(new StringWriter()), "check");
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("INCONSISTENT").contains("account payee: posted -500, held 0");
    }

    private String authorize(String key, long amount) {
        AuthorizationResult result = ledger.authorize(new AuthorizePayment(key, "payer", "payee",
                Money.of(amount, "EUR"), null));
        assertThat(result).isInstanceOf(AuthorizationResult.Authorized.class);
        return result.paymentId();
    }

    private void addPosted(String account, long amount) {
        dsl.update(ACCOUNT).set(ACCOUNT.POSTED_MINOR, ACCOUNT.POSTED_MINOR.plus(amount))
                .where(ACCOUNT.ACCOUNT_ID.eq(account)).execute();
    }

    /** The one broken invariant is all the report finds. */
    private static void assertOnlyFinding(ConsistencyReport report, int findingsOfTheBrokenKind) {
        assertThat(report.consistent()).isFalse();
        assertThat(report.unbalancedEntries().size() + report.balanceMismatches().size()
                + report.holdMismatches().size() + report.overdrawnAccounts().size())
                .as("findings: %s", report).isEqualTo(findingsOfTheBrokenKind);
    }
}
