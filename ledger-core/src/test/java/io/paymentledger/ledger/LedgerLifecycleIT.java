package io.paymentledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymentledger.db.jooq.tables.records.OutboxEventRecord;
import io.paymentledger.ledger.CommandRejectedException.Reason;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The payment lifecycle on a real PostgreSQL: events, versions, balances, declines and refused transitions. */
class LedgerLifecycleIT {
    private static final EventSchemas SCHEMAS = EventSchemas.load();
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static TestDatabase database;
    private static Ledger ledger;

    @BeforeAll
    static void createDatabase() {
        database = TestInfrastructure.get().newDatabase("ledger-lifecycle");
        ledger = Ledger.postgres(database.dsl(), Clock.systemUTC(), SCHEMAS);
    }

    @AfterAll
    static void dropPool() {
        database.close();
    }

    private static String key() {
        return "key-" + KEYS.incrementAndGet();
    }

    /** Opens a payer with {@code balance} EUR and a payee, with ids unique to the test. */
    private static String[] accounts(String name, long balance) {
        String payer = name + "-payer";
        String payee = name + "-payee";
        ledger.openAccount(new OpenAccount(payer, "EUR", balance));
        ledger.openAccount(new OpenAccount(payee, "EUR", 0));
        return new String[] {payer, payee};
    }

    private static String authorize(String[] accounts, long amount) {
        AuthorizationResult result = ledger.authorize(new AuthorizePayment(key(), accounts[0], accounts[1],
                Money.of(amount, "EUR"), null));
        assertThat(result).isInstanceOf(AuthorizationResult.Authorized.class);
        return result.paymentId();
    }

    private static long posted(String accountId) {
        return ledger.balance(accountId).orElseThrow().postedMinor();
    }

    @Test
    void everyTransitionWritesOneSchemaValidEventWithTheNextVersion() {
        String[] accounts = accounts("flow", 10_000);
        String payment = authorize(accounts, 4_000);
        PaymentTransition capture = ledger.capture(new CapturePayment(key(), payment, Money.of(3_000, "EUR"), "c-1"));
        PaymentTransition refund = ledger.refund(new RefundPayment(key(), payment, Money.of(1_000, "EUR"), null, null));
        PaymentTransition rest = ledger.refund(new RefundPayment(key(), payment, null, "returned", null));

        assertThat(List.of(capture.aggregateVersion(), refund.aggregateVersion(), rest.aggregateVersion()))
                .containsExactly(2L, 3L, 4L);
        assertThat(rest.status()).isEqualTo(PaymentStatus.REFUNDED);
        assertThat(rest.amount()).isEqualTo(Money.of(2_000, "EUR"));
        List<OutboxEventRecord> events = LedgerRows.events(database.dsl(), payment);
        assertThat(events).extracting(OutboxEventRecord::getEventType).containsExactly("PaymentAuthorized",
                "PaymentCaptured", "PaymentRefunded", "PaymentRefunded");
        assertThat(events).extracting(OutboxEventRecord::getAggregateVersion).containsExactly(1L, 2L, 3L, 4L);
        assertThat(events).extracting(OutboxEventRecord::getEventId).containsExactly(
                events.get(0).getEventId(), capture.eventId(), refund.eventId(), rest.eventId());
        for (OutboxEventRecord event : events) {
            assertThat(SCHEMAS.validatePayload(event.getEventType(), 1, LedgerRows.payload(event)))
                    .as(event.getEventType()).isEmpty();
        }
        assertThat(LedgerRows.payload(events.get(1)).get("released_amount_minor").asLong()).isEqualTo(1_000);
        assertThat(LedgerRows.payload(events.get(3)).get("refunded_total_minor").asLong()).isEqualTo(3_000);
        assertThat(events.get(1).getCorrelationId()).isEqualTo("c-1");
        assertThat(posted(accounts[0])).isEqualTo(10_000);
        assertThat(posted(accounts[1])).isZero();
        assertThat(ledger.payment(payment).orElseThrow().version()).isEqualTo(4);
    }

    @Test
    void captureMovesFundsAndTheJournalOfEveryEntrySumsToZero() {
        String[] accounts = accounts("capture", 10_000);
        String payment = authorize(accounts, 2_500);

        ledger.capture(CapturePayment.full(key(), payment));

        assertThat(ledger.balance(accounts[0]).orElseThrow()).satisfies(payer -> {
            assertThat(payer.postedMinor()).isEqualTo(7_500);
            assertThat(payer.heldMinor()).isZero();
        });
        assertThat(posted(accounts[1])).isEqualTo(2_500);
        List<JournalEntryView> journal = ledger.journal(payment);
        assertThat(journal).extracting(JournalEntryView::kind).containsExactly("authorization", "capture");
        assertThat(journal).allSatisfy(entry -> assertThat(entry.postings().stream()
                .mapToLong(JournalEntryView.PostingView::amountMinor).sum()).isZero());
        assertThat(ledger.checkConsistency().consistent()).isTrue();
    }

    @Test
    void voidReleasesTheWholeHold() {
        String[] accounts = accounts("void", 10_000);
        String payment = authorize(accounts, 6_000);

        PaymentTransition voided = ledger.voidPayment(new VoidPayment(key(), payment, "customer cancelled", null));

        assertThat(voided.status()).isEqualTo(PaymentStatus.VOIDED);
        assertThat(voided.amount()).isEqualTo(Money.of(6_000, "EUR"));
        assertThat(ledger.balance(accounts[0]).orElseThrow().availableMinor()).isEqualTo(10_000);
        assertThat(LedgerRows.payload(LedgerRows.events(database.dsl(), payment).get(1)).get("reason").asText())
                .isEqualTo("customer cancelled");
    }

    @Test
    void illegalTransitionsAreRejectedWithTheirReasonAndWriteNothing() {
        String[] accounts = accounts("illegal", 10_000);
        String voided = authorize(accounts, 1_000);
        ledger.voidPayment(new VoidPayment(key(), voided, null, null));
        String captured = authorize(accounts, 1_000);
        ledger.capture(new CapturePayment(key(), captured, Money.of(600, "EUR"), null));
        String open = authorize(accounts, 1_000);

        assertRefused(Reason.ILLEGAL_TRANSITION, () -> ledger.capture(CapturePayment.full(key(), voided)));
        assertRefused(Reason.ILLEGAL_TRANSITION, () -> ledger.voidPayment(new VoidPayment(key(), captured, null, null)));
        assertRefused(Reason.ILLEGAL_TRANSITION, () -> ledger.capture(CapturePayment.full(key(), captured)));
        assertRefused(Reason.ILLEGAL_TRANSITION, () -> ledger.refund(new RefundPayment(key(), open, null, null, null)));
        assertRefused(Reason.AMOUNT_ABOVE_REFUNDABLE, () -> ledger.refund(new RefundPayment(key(), captured,
                Money.of(601, "EUR"), null, null)));
        assertRefused(Reason.AMOUNT_ABOVE_AUTHORIZED, () -> ledger.capture(new CapturePayment(key(), open,
                Money.of(1_001, "EUR"), null)));
        assertRefused(Reason.CURRENCY_MISMATCH, () -> ledger.capture(new CapturePayment(key(), open,
                Money.of(10, "USD"), null)));
        assertRefused(Reason.PAYMENT_UNKNOWN, () -> ledger.capture(CapturePayment.full(key(), "no-such-payment")));
    }

    private static void assertRefused(Reason reason, Supplier<?> command) {
        LedgerRows before = LedgerRows.of(database.dsl());
        assertThatThrownBy(command::get)
                .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageStartingWith(reason.code() + ": ");
        assertThat(LedgerRows.of(database.dsl())).isEqualTo(before);
    }

    @Test
    void refundThePayeeCannotCoverIsRejected() {
        String[] accounts = accounts("spent", 5_000);
        String payment = authorize(accounts, 2_000);
        ledger.capture(CapturePayment.full(key(), payment));
        ledger.openAccount(new OpenAccount("spent-shop", "EUR", 0));
        String spend = ledger.authorize(new AuthorizePayment(key(), accounts[1], "spent-shop", Money.of(1_500, "EUR"),
                null)).paymentId();
        ledger.capture(CapturePayment.full(key(), spend));

        assertRefused(Reason.PAYEE_INSUFFICIENT_FUNDS, () -> ledger.refund(new RefundPayment(key(), payment, null,
                null, null)));
    }

    @Test
    void declinesWriteOneEventWithTheMachineReadableReason() {
        String[] accounts = accounts("decline", 1_000);
        ledger.openAccount(new OpenAccount("decline-limited", "EUR", 100_000, 5_000L));
        ledger.openAccount(new OpenAccount("decline-closed", "EUR", 0));
        ledger.closeAccount("decline-closed");
        ledger.openAccount(new OpenAccount("decline-gbp", "GBP", 0));

        assertDeclined(DeclineReason.INSUFFICIENT_FUNDS, accounts[0], accounts[1], 1_001);
        assertDeclined(DeclineReason.ACCOUNT_UNKNOWN, accounts[0], "decline-nobody", 10);
        assertDeclined(DeclineReason.ACCOUNT_CLOSED, accounts[0], "decline-closed", 10);
        assertDeclined(DeclineReason.CURRENCY_MISMATCH, accounts[0], "decline-gbp", 10);
        assertDeclined(DeclineReason.LIMIT_EXCEEDED, "decline-limited", accounts[1], 5_001);
        assertThat(ledger.authorize(new AuthorizePayment(key(), "decline-limited", accounts[1], Money.of(5_000, "EUR"),
                null))).isInstanceOf(AuthorizationResult.Authorized.class);
    }

    private static void assertDeclined(DeclineReason reason, String payer, String payee, long amount) {
        AuthorizationResult result = ledger.authorize(new AuthorizePayment(key(), payer, payee,
                Money.of(amount, "EUR"), null));

        assertThat(result).isEqualTo(new AuthorizationResult.Declined(result.paymentId(), result.eventId(), reason));
        List<OutboxEventRecord> events = LedgerRows.events(database.dsl(), result.paymentId());
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.getEventType()).isEqualTo("PaymentDeclined");
            assertThat(LedgerRows.payload(event).get("reason").asText()).isEqualTo(reason.code());
            assertThat(SCHEMAS.validatePayload("PaymentDeclined", 1, LedgerRows.payload(event))).isEmpty();
        });
        assertThat(ledger.payment(result.paymentId()).orElseThrow().status()).isEqualTo(PaymentStatus.DECLINED);
    }

    @Test
    void metadataTravelsWithTheAuthorizationEvent() {
        String[] accounts = accounts("meta", 1_000);
        AuthorizationResult result = ledger.authorize(new AuthorizePayment(key(), accounts[0], accounts[1],
                Money.of(100, "EUR"), null, "{\"order_id\": \"o-42\", \"tags\": [\"gift\"]}"));

        OutboxEventRecord event = LedgerRows.events(database.dsl(), result.paymentId()).get(0);
        assertThat(LedgerRows.payload(event).get("metadata").get("order_id").asText()).isEqualTo("o-42");
        assertThat(SCHEMAS.validatePayload("PaymentAuthorized", 1, LedgerRows.payload(event))).isEmpty();
        assertThat(ledger.payment(result.paymentId()).orElseThrow().metadata()).contains("o-42");
    }

    @Test
    void metadataOverItsLimitsIsRejectedBeforeAnythingIsWritten() {
        String[] accounts = accounts("meta-limit", 1_000);
        String tooDeep = "{\"a\":".repeat(10) + "{}" + "}".repeat(10);
        String tooLarge = "{\"p\":\"" + "x".repeat(70_000) + "\"}";

        assertRefused(Reason.METADATA_TOO_DEEP, () -> ledger.authorize(new AuthorizePayment(key(), accounts[0],
                accounts[1], Money.of(100, "EUR"), null, tooDeep)));
        assertRefused(Reason.METADATA_TOO_LARGE, () -> ledger.authorize(new AuthorizePayment(key(), accounts[0],
                accounts[1], Money.of(100, "EUR"), null, tooLarge)));
        assertRefused(Reason.METADATA_INVALID, () -> ledger.authorize(new AuthorizePayment(key(), accounts[0],
                accounts[1], Money.of(100, "EUR"), null, "[\"not\", \"an\", \"object\"]")));
    }

    @Test
    void anAccountHoldingFundsCannotBeClosed() {
        String[] accounts = accounts("close", 1_000);
        String payment = authorize(accounts, 100);

        assertRefused(Reason.HOLDS_OUTSTANDING, () -> ledger.closeAccount(accounts[0]));
        ledger.voidPayment(new VoidPayment(key(), payment, null, null));
        assertThat(ledger.closeAccount(accounts[0]).status()).isEqualTo("closed");
    }

    @Test
    void captureIntoAClosedAccountIsRejected() {
        String[] accounts = accounts("closed-payee", 1_000);
        String payment = authorize(accounts, 100);
        ledger.closeAccount(accounts[1]);

        assertRefused(Reason.ACCOUNT_CLOSED, () -> ledger.capture(CapturePayment.full(key(), payment)));
        assertThat(ledger.voidPayment(new VoidPayment(key(), payment, null, null)).status())
                .isEqualTo(PaymentStatus.VOIDED);
    }
}
