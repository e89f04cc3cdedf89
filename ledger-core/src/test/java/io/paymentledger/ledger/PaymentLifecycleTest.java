package io.paymentledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymentledger.ledger.CommandRejectedException.Reason;
import io.paymentledger.ledger.JournalStore.Posting;
import io.paymentledger.ledger.PaymentLifecycle.Change;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaymentLifecycleTest {
    private static PaymentView payment(PaymentStatus status, long amount, long captured, long refunded) {
        return new PaymentView("P1", "payer", "payee", Money.of(amount, "EUR"), status, null, captured, refunded,
                null, 1, Instant.EPOCH, Instant.EPOCH);
    }

    private static long sum(List<Posting> postings) {
        return postings.stream().mapToLong(Posting::amountMinor).sum();
    }

    private static long held(List<Posting> postings, String account) {
        return postings.stream().filter(p -> p.accountId().equals(account) && p.bucket().equals(JournalStore.HELD))
                .mapToLong(Posting::amountMinor).sum();
    }

    @Test
    void fullCaptureMovesTheWholeHoldToThePayee() {
        Change change = PaymentLifecycle.capture(payment(PaymentStatus.AUTHORIZED, 1000, 0, 0), null);

        assertThat(change.status()).isEqualTo(PaymentStatus.CAPTURED);
        assertThat(change.capturedMinor()).isEqualTo(1000);
        assertThat(change.postings()).containsExactlyInAnyOrder(
                new Posting("payer", JournalStore.HELD, -1000, "EUR"),
                new Posting("payee", JournalStore.AVAILABLE, 1000, "EUR"));
    }

    @Test
    void partialCaptureReleasesTheRestOfTheHoldToThePayer() {
        Change change = PaymentLifecycle.capture(payment(PaymentStatus.AUTHORIZED, 1000, 0, 0), Money.of(300, "EUR"));

        assertThat(change.capturedMinor()).isEqualTo(300);
        assertThat(change.postings()).contains(new Posting("payer", JournalStore.AVAILABLE, 700, "EUR"),
                new Posting("payee", JournalStore.AVAILABLE, 300, "EUR"));
        assertThat(held(change.postings(), "payer")).isEqualTo(-1000);
        assertThat(sum(change.postings())).isZero();
    }

    @Test
    void captureAboveTheAuthorizedAmountIsRejected() {
        assertThatThrownBy(() -> PaymentLifecycle.capture(payment(PaymentStatus.AUTHORIZED, 1000, 0, 0),
                Money.of(1001, "EUR")))
                .isInstanceOfSatisfying(CommandRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.AMOUNT_ABOVE_AUTHORIZED))
                .hasMessageContaining("only 1000 was authorized");
    }

    @Test
    void amountInAnotherCurrencyIsRejected() {
        assertThatThrownBy(() -> PaymentLifecycle.capture(payment(PaymentStatus.AUTHORIZED, 1000, 0, 0),
                Money.of(10, "USD")))
                .isInstanceOfSatisfying(CommandRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.CURRENCY_MISMATCH));
    }

    @Test
    void onlyAuthorizedPaymentsCanBeCapturedOrVoided() {
        for (PaymentStatus status : List.of(PaymentStatus.DECLINED, PaymentStatus.CAPTURED, PaymentStatus.VOIDED,
                PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED)) {
            PaymentView payment = payment(status, 1000, status == PaymentStatus.DECLINED
                    || status == PaymentStatus.VOIDED ? 0 : 1000, 0);
            assertThatThrownBy(() -> PaymentLifecycle.capture(payment, null)).as(status.code())
                    .isInstanceOfSatisfying(CommandRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.ILLEGAL_TRANSITION))
                    .hasMessageContaining("it is " + status.code());
            assertThatThrownBy(() -> PaymentLifecycle.voidHold(payment)).as(status.code())
                    .isInstanceOfSatisfying(CommandRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.ILLEGAL_TRANSITION));
        }
    }

    @Test
    void voidReleasesTheWholeHold() {
        Change change = PaymentLifecycle.voidHold(payment(PaymentStatus.AUTHORIZED, 1000, 0, 0));

        assertThat(change.status()).isEqualTo(PaymentStatus.VOIDED);
        assertThat(change.movedMinor()).isEqualTo(1000);
        assertThat(held(change.postings(), "payer")).isEqualTo(-1000);
        assertThat(sum(change.postings())).isZero();
    }

    @Test
    void refundsAccumulateUpToWhatWasCaptured() {
        Change partial = PaymentLifecycle.refund(payment(PaymentStatus.CAPTURED, 1000, 800, 0), Money.of(300, "EUR"));
        assertThat(partial.status()).isEqualTo(PaymentStatus.PARTIALLY_REFUNDED);
        assertThat(partial.refundedMinor()).isEqualTo(300);
        assertThat(partial.postings()).containsExactlyInAnyOrder(
                new Posting("payee", JournalStore.AVAILABLE, -300, "EUR"),
                new Posting("payer", JournalStore.AVAILABLE, 300, "EUR"));

        Change rest = PaymentLifecycle.refund(payment(PaymentStatus.PARTIALLY_REFUNDED, 1000, 800, 300), null);
        assertThat(rest.status()).isEqualTo(PaymentStatus.REFUNDED);
        assertThat(rest.movedMinor()).isEqualTo(500);
        assertThat(rest.refundedMinor()).isEqualTo(800);
    }

    @Test
    void refundAboveWhatIsRefundableIsRejected() {
        assertThatThrownBy(() -> PaymentLifecycle.refund(payment(PaymentStatus.PARTIALLY_REFUNDED, 1000, 800, 300),
                Money.of(501, "EUR")))
                .isInstanceOfSatisfying(CommandRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.AMOUNT_ABOVE_REFUNDABLE))
                .hasMessageContaining("at most 500 is refundable");
    }

    @Test
    void uncapturedOrFullyRefundedPaymentsCannotBeRefunded() {
        for (PaymentView payment : List.of(payment(PaymentStatus.AUTHORIZED, 1000, 0, 0),
                payment(PaymentStatus.VOIDED, 1000, 0, 0), payment(PaymentStatus.REFUNDED, 1000, 1000, 1000))) {
            assertThatThrownBy(() -> PaymentLifecycle.refund(payment, null)).as(payment.status().code())
                    .isInstanceOfSatisfying(CommandRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.ILLEGAL_TRANSITION));
        }
    }
}
