package io.paymentledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Same key and request: the first result, nothing new written; same key, other request: a conflict. */
class LedgerIdempotencyIT {
    private static final int RETRIES = 16;
    private static TestDatabase database;
    private static Ledger ledger;

    @BeforeAll
    static void createDatabase() {
        database = TestInfrastructure.get().newDatabase("ledger-idempotency");
        ledger = Ledger.postgres(database.dsl(), Clock.systemUTC(), EventSchemas.load());
        ledger.openAccount(new OpenAccount("idem-payer", "EUR", 1_000_000));
        ledger.openAccount(new OpenAccount("idem-payee", "EUR", 0));
    }

    @AfterAll
    static void dropPool() {
        database.close();
    }

    private static AuthorizePayment authorize(String key, long amount) {
        return new AuthorizePayment(key, "idem-payer", "idem-payee", Money.of(amount, "EUR"), "corr-" + key,
                "{\"order_id\":\"" + key + "\"}");
    }

    @Test
    void sequentialRetriesReturnTheFirstResultAndWriteNothing() {
        AuthorizationResult first = ledger.authorize(authorize("seq-auth", 700));
        PaymentTransition capture = ledger.capture(new CapturePayment("seq-capture", first.paymentId(),
                Money.of(500, "EUR"), null));
        PaymentTransition refund = ledger.refund(new RefundPayment("seq-refund", first.paymentId(), null, null, null));
        LedgerRows after = LedgerRows.of(database.dsl());

        assertThat(ledger.authorize(authorize("seq-auth", 700))).isEqualTo(first);
        assertThat(ledger.capture(new CapturePayment("seq-capture", first.paymentId(), Money.of(500, "EUR"), null)))
                .isEqualTo(capture);
        assertThat(ledger.refund(new RefundPayment("seq-refund", first.paymentId(), null, null, null)))
                .isEqualTo(refund);
        assertThat(LedgerRows.of(database.dsl())).isEqualTo(after);
    }

    @Test
    void aReplayReturnsTheOriginalResultEvenAfterThePaymentMovedOn() {
        AuthorizationResult first = ledger.authorize(authorize("moved-auth", 900));
        PaymentTransition capture = ledger.capture(new CapturePayment("moved-capture", first.paymentId(), null, null));
        ledger.refund(new RefundPayment("moved-refund", first.paymentId(), Money.of(100, "EUR"), null, null));

        PaymentTransition replay = ledger.capture(new CapturePayment("moved-capture", first.paymentId(), null, null));

        assertThat(replay).isEqualTo(capture);
        assertThat(replay.status()).isEqualTo(PaymentStatus.CAPTURED);
        assertThat(replay.amount()).isEqualTo(Money.of(900, "EUR"));
    }

    @Test
    void theSameKeyWithAnotherRequestIsAConflictAndWritesNothing() {
        AuthorizationResult first = ledger.authorize(authorize("conflict", 100));
        LedgerRows before = LedgerRows.of(database.dsl());

        assertThatThrownBy(() -> ledger.authorize(authorize("conflict", 101)))
                .isInstanceOf(IdempotencyConflictException.class)
                .hasMessageContaining("idempotency key 'conflict' was already used for a different authorize request");
        assertThatThrownBy(() -> ledger.capture(CapturePayment.full("conflict", first.paymentId())))
                .isInstanceOf(IdempotencyConflictException.class);

        assertThat(LedgerRows.of(database.dsl())).isEqualTo(before);
    }

    @Test
    void concurrentAuthorizeRetriesWriteExactlyOneSetOfRows() throws Exception {
        LedgerRows before = LedgerRows.of(database.dsl());

        List<AuthorizationResult> results = concurrently(() -> ledger.authorize(authorize("storm-auth", 250)));

        assertThat(results).hasSize(RETRIES).containsOnly(results.get(0));
        LedgerRows after = LedgerRows.of(database.dsl());
        assertThat(after.payments()).isEqualTo(before.payments() + 1);
        assertThat(after.outboxEvents()).isEqualTo(before.outboxEvents() + 1);
        assertThat(after.journalEntries()).isEqualTo(before.journalEntries() + 1);
        assertThat(after.idempotencyKeys()).isEqualTo(before.idempotencyKeys() + 1);
        assertThat(ledger.balance("idem-payer").orElseThrow().heldMinor() - before.balances().get("idem-payer").get(1))
                .isEqualTo(250);
    }

    @Test
    void concurrentCaptureRetriesWriteExactlyOneEvent() throws Exception {
        String payment = ledger.authorize(authorize("storm-capture-auth", 400)).paymentId();

        List<PaymentTransition> results = concurrently(() ->
                ledger.capture(new CapturePayment("storm-capture", payment, Money.of(300, "EUR"), null)));

        assertThat(results).hasSize(RETRIES).containsOnly(results.get(0));
        assertThat(LedgerRows.events(database.dsl(), payment)).extracting(e -> e.getEventType())
                .containsExactly("PaymentAuthorized", "PaymentCaptured");
    }

    @Test
    void concurrentCapturesWithDifferentKeysCaptureOnce() throws Exception {
        String payment = ledger.authorize(authorize("race-auth", 400)).paymentId();
        List<Callable<Object>> attempts = new ArrayList<>();
        for (int i = 0; i < RETRIES; i++) {
            String key = "race-capture-" + i;
            attempts.add(() -> {
                try {
                    return ledger.capture(CapturePayment.full(key, payment));
                } catch (CommandRejectedException e) {
                    return e.reason();
                }
            });
        }

        List<Object> outcomes = runAll(attempts);

        assertThat(outcomes).filteredOn(PaymentTransition.class::isInstance).hasSize(1);
        assertThat(outcomes).filteredOn(CommandRejectedException.Reason.class::isInstance).hasSize(RETRIES - 1)
                .containsOnly(CommandRejectedException.Reason.ILLEGAL_TRANSITION);
        assertThat(ledger.checkConsistency().consistent()).isTrue();
    }

    private static <T> List<T> concurrently(Callable<T> command) throws Exception {
        List<Callable<T>> copies = new ArrayList<>();
        for (int i = 0; i < RETRIES; i++) {
            copies.add(command);
        }
        return runAll(copies);
    }

    /** Runs the calls on their own threads, released together by a latch. */
    static <T> List<T> runAll(List<Callable<T>> calls) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(calls.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> call : calls) {
                futures.add(threads.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }
}
