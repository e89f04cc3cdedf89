package io.paymentledger.consumer.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymentledger.consumer.Envelope;
import io.paymentledger.schemas.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PaymentStateRulesTest {
    private static final String PAYMENT = "01JDZQ0000000000000000PAY1";
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private static final Envelope AUTHORIZED = event("PaymentAuthorized", 1, payload(2_000)
            .set("metadata", Json.mapper().createObjectNode().put("order_id", "o-1")));
    private static final Envelope CAPTURED = event("PaymentCaptured", 2, payload(1_500)
            .put("authorized_amount_minor", 2_000).put("released_amount_minor", 500));
    private static final Envelope PARTLY_REFUNDED = event("PaymentRefunded", 3, payload(500)
            .put("captured_amount_minor", 1_500).put("refunded_total_minor", 500));
    private static final Envelope REFUNDED = event("PaymentRefunded", 4, payload(1_000)
            .put("captured_amount_minor", 1_500).put("refunded_total_minor", 1_500));

    @Test
    void eachEventInOrderMovesThePaymentLikeTheLedger() {
        PaymentState authorized = apply(null, AUTHORIZED).orElseThrow();
        assertThat(authorized).extracting(PaymentState::status, PaymentState::amountMinor,
                PaymentState::capturedMinor, PaymentState::refundedMinor, PaymentState::version)
                .containsExactly("authorized", 2_000L, 0L, 0L, 1L);
        assertThat(authorized.metadata().get("order_id").asText()).isEqualTo("o-1");
        PaymentState captured = apply(authorized, CAPTURED).orElseThrow();
        assertThat(captured).extracting(PaymentState::status, PaymentState::amountMinor,
                PaymentState::capturedMinor, PaymentState::eventId)
                .containsExactly("captured", 2_000L, 1_500L, CAPTURED.eventId());
        assertThat(captured.metadata()).as("kept from authorize").isEqualTo(authorized.metadata());
        PaymentState partly = apply(captured, PARTLY_REFUNDED).orElseThrow();
        assertThat(partly).extracting(PaymentState::status, PaymentState::amountMinor, PaymentState::refundedMinor)
                .containsExactly("partially_refunded", 2_000L, 500L);
        PaymentState refunded = apply(partly, REFUNDED).orElseThrow();
        assertThat(refunded).extracting(PaymentState::status, PaymentState::refundedMinor, PaymentState::version,
                PaymentState::changedAt, PaymentState::missingVersions)
                .containsExactly("refunded", 1_500L, 4L, T0.plusSeconds(4), List.of());
    }

    @Test
    void aDuplicateChangesNothing() {
        PaymentState captured = fold(AUTHORIZED, CAPTURED);
        assertThat(apply(captured, CAPTURED)).isEmpty();
        assertThat(apply(captured, AUTHORIZED)).as("an older version already reflected").isEmpty();
    }

    @Test
    void anOlderVersionArrivingAfterANewerOneNeverOverwritesIt() {
        PaymentState refunded = fold(PARTLY_REFUNDED);
        PaymentState withCapture = apply(refunded, CAPTURED).orElseThrow();
        assertThat(withCapture).extracting(PaymentState::status, PaymentState::version, PaymentState::eventId,
                PaymentState::refundedMinor, PaymentState::changedAt)
                .containsExactly("partially_refunded", 3L, PARTLY_REFUNDED.eventId(), 500L, T0.plusSeconds(3));
        assertThat(withCapture.amountMinor()).as("filled from the late capture").isEqualTo(2_000L);
        PaymentState complete = apply(withCapture, AUTHORIZED).orElseThrow();
        assertThat(complete.status()).isEqualTo("partially_refunded");
        assertThat(complete.metadata().get("order_id").asText()).as("filled from the late authorize").isEqualTo("o-1");
        assertThat(complete.missingVersions()).isEmpty();
    }

    @Test
    void aGapIsRecordedAndTheStateStaysConsistentUntilTheMissingVersionArrives() {
        PaymentState gap = fold(AUTHORIZED, PARTLY_REFUNDED);
        assertThat(gap.missingVersions()).containsExactly(2L);
        assertThat(gap).as("the refund carries the absolute captured and refunded amounts")
                .extracting(PaymentState::status, PaymentState::capturedMinor, PaymentState::refundedMinor,
                        PaymentState::amountMinor)
                .containsExactly("partially_refunded", 1_500L, 500L, 2_000L);
        assertThat(apply(gap, CAPTURED).orElseThrow().missingVersions()).isEmpty();

        PaymentState onlyARefund = fold(REFUNDED);
        assertThat(onlyARefund.missingVersions()).containsExactly(1L, 2L, 3L);
        assertThat(onlyARefund.amountMinor()).as("no applied event carried it").isNull();
        assertThat(onlyARefund.metadata()).isNull();
    }

    @Test
    void theFinalStateIsTheSameForEveryArrivalOrderEvenWithDuplicates() {
        List<Envelope> events = List.of(AUTHORIZED, CAPTURED, PARTLY_REFUNDED, REFUNDED);
        PaymentState inOrder = fold(events.toArray(Envelope[]::new));
        Set<PaymentState> finals = new HashSet<>();
        for (List<Envelope> order : permutations(events)) {
            finals.add(fold(order.toArray(Envelope[]::new)));
            List<Envelope> withDuplicates = new ArrayList<>(order);
            withDuplicates.add(1, order.get(0));
            withDuplicates.add(order.get(2));
            finals.add(fold(withDuplicates.toArray(Envelope[]::new)));
        }
        assertThat(finals).containsExactly(inOrder);
    }

    @Test
    void aDeclinedPaymentCarriesItsReasonAndMetadata() {
        Envelope declined = event("PaymentDeclined", 1, payload(9_000).put("reason", "insufficient_funds")
                .set("metadata", Json.mapper().createObjectNode().put("channel", "web")));
        PaymentState state = fold(declined);
        assertThat(state).extracting(PaymentState::status, PaymentState::declineReason, PaymentState::amountMinor,
                PaymentState::capturedMinor).containsExactly("declined", "insufficient_funds", 9_000L, 0L);
        assertThat(state.metadata().get("channel").asText()).isEqualTo("web");
    }

    @Test
    void aVoidReleasesTheWholeHold() {
        Envelope voided = event("PaymentVoided", 2, payload(2_000));
        assertThat(fold(AUTHORIZED, voided)).extracting(PaymentState::status, PaymentState::amountMinor,
                PaymentState::capturedMinor).containsExactly("voided", 2_000L, 0L);
    }

    @Test
    void onlyPaymentEventsOfKnownTypesAreProjected() {
        assertThat(PaymentStateRules.projects(AUTHORIZED)).isTrue();
        Envelope otherAggregate = new Envelope("01JDZQ00000000000000000099", "PaymentAuthorized", 1, "Account",
                "acc-1", 1, T0, null, payload(1));
        assertThat(PaymentStateRules.projects(otherAggregate)).isFalse();
        assertThat(PaymentStateRules.projects(event("PaymentChargedBack", 5, payload(1)))).isFalse();
    }

    private static Optional<PaymentState> apply(PaymentState current, Envelope event) {
        return PaymentStateRules.apply(current, event);
    }

    private static PaymentState fold(Envelope... events) {
        return PaymentProjection.applyAll(null, List.of(events)).orElseThrow();
    }

    private static List<List<Envelope>> permutations(List<Envelope> events) {
        if (events.isEmpty()) {
            return List.of(List.of());
        }
        List<List<Envelope>> all = new ArrayList<>();
        for (Envelope first : events) {
            List<Envelope> rest = new ArrayList<>(events);
            rest.remove(first);
            for (List<Envelope> tail : permutations(rest)) {
                List<Envelope> order = new ArrayList<>();
                order.add(first);
                order.addAll(tail);
                all.add(order);
            }
        }
        return all;
    }

    private static ObjectNode payload(long amount) {
        return Json.mapper().createObjectNode().put("payment_id", PAYMENT).put("payer_account_id", "alice")
                .put("payee_account_id", "bob").put("amount_minor", amount).put("currency", "EUR");
    }

    private static Envelope event(String type, long version, ObjectNode payload) {
        return new Envelope("01JDZQ000000000000000000E" + version, type, 1, "Payment", PAYMENT, version,
                T0.plusSeconds(version), null, payload);
    }
}
