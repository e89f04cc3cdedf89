package io.paymentledger.ledger;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.PAYMENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.selectCount;

import io.paymentledger.ledger.simulation.SimulationSettings;
import io.paymentledger.ledger.simulation.SimulationSummary;
import io.paymentledger.ledger.simulation.Simulator;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Many threads on few accounts: no overdraft, no deadlock, books that balance, versions without gaps. */
class LedgerConcurrencyIT {
    private static final int THREADS = 16;
    private static TestDatabase database;
    private static Ledger ledger;

    @BeforeAll
    static void createDatabase() {
        database = TestInfrastructure.get().newDatabase("ledger-concurrency");
        ledger = Ledger.postgres(database.dsl(), Clock.systemUTC(), EventSchemas.load());
    }

    @AfterAll
    static void dropPool() {
        database.close();
    }

    @Test
    void anAuthorizeStormNeverOverdrawsThePayer() throws Exception {
        ledger.openAccount(new OpenAccount("storm-payer", "EUR", 100_000));
        ledger.openAccount(new OpenAccount("storm-payee", "EUR", 0));
        List<Callable<List<AuthorizationResult>>> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads.add(() -> {
                List<AuthorizationResult> results = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    results.add(ledger.authorize(new AuthorizePayment("storm-" + thread + "-" + i, "storm-payer",
                            "storm-payee", Money.of(300, "EUR"), null)));
                }
                return results;
            });
        }

        List<AuthorizationResult> results = LedgerIdempotencyIT.runAll(threads).stream().flatMap(List::stream).toList();

        assertThat(results).filteredOn(AuthorizationResult.Authorized.class::isInstance).hasSize(333);
        assertThat(results).filteredOn(AuthorizationResult.Declined.class::isInstance).hasSize(640 - 333)
                .allSatisfy(declined -> assertThat(((AuthorizationResult.Declined) declined).reason())
                        .isEqualTo(DeclineReason.INSUFFICIENT_FUNDS));
        AccountBalance payer = ledger.balance("storm-payer").orElseThrow();
        assertThat(payer.heldMinor()).isEqualTo(99_900);
        assertThat(payer.availableMinor()).isEqualTo(100);
        assertThat(ledger.checkConsistency().consistent()).isTrue();
    }

    @Test
    void mixedFlowsOnHotAccountsNeverDeadlockAndKeepTheBooksBalanced() {
        SimulationSettings settings = new SimulationSettings(8, 1_500, 8, 0, 42, "hot");

        SimulationSummary summary = new Simulator(ledger, Clock.systemUTC()).run(settings, Duration.ofMinutes(1),
                progress -> { });

        assertThat(summary.payments()).isEqualTo(1_500);
        assertThat(summary.captured() + summary.partiallyCaptured()).isPositive();
        assertThat(summary.refunds() + summary.partialRefunds()).isPositive();
        assertThat(summary.replayMismatches()).isZero();
        ConsistencyReport report = ledger.checkConsistency();
        assertThat(report.consistent()).as(report.toString()).isTrue();
        assertThat(database.dsl().fetchCount(OUTBOX_EVENT, OUTBOX_EVENT.AGGREGATE_ID.in(
                database.dsl().select(PAYMENT.PAYMENT_ID).from(PAYMENT).where(PAYMENT.PAYER_ACCOUNT_ID.like("sim-hot-%")))))
                .isEqualTo(summary.events());
        assertThat(database.dsl().fetchCount(PAYMENT, PAYMENT.VERSION.ne(selectCount().from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.AGGREGATE_ID.eq(PAYMENT.PAYMENT_ID)).asField().cast(Long.class))))
                .as("payments whose events are not exactly versions 1..version").isZero();
    }
}
