package io.paymentledger.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class EventSchemasTest {
    private static final EventSchemas SCHEMAS = EventSchemas.load();
    private static final String ULID = "01JD2Z8Q3V5W6X7Y8Z9A0B1C2D";

    static ObjectNode payload() {
        return Json.mapper().createObjectNode().put("payment_id", ULID).put("payer_account_id", "alice")
                .put("payee_account_id", "bob").put("amount_minor", 1234).put("currency", "EUR");
    }

    static ObjectNode envelope() {
        ObjectNode envelope = Json.mapper().createObjectNode().put("event_id", ULID)
                .put("event_type", "PaymentAuthorized").put("event_version", 1).put("aggregate_type", "Payment")
                .put("aggregate_id", ULID).put("aggregate_version", 1).put("occurred_at", "2026-11-22T10:00:00.123Z")
                .putNull("correlation_id");
        envelope.set("payload", payload());
        return envelope;
    }

    @Test
    void acceptsAValidEnvelopeAndPayload() {
        assertThat(SCHEMAS.validateEnvelope(envelope())).isEmpty();
        assertThat(SCHEMAS.validatePayload("PaymentAuthorized", 1, payload())).isEmpty();
    }

    @Test
    void rejectsAnEventIdThatIsNotAUlid() {
        assertThat(SCHEMAS.validateEnvelope(envelope().put("event_id", "01JD2Z8Q3V5W6X7Y8Z9A0B1C2U")))
                .singleElement().asString().contains("event_id");
    }

    @Test
    void rejectsUnknownEnvelopeFieldsAndMissingOnes() {
        ObjectNode extra = envelope().put("partition", 3);
        assertThat(SCHEMAS.validateEnvelope(extra)).isNotEmpty();
        ObjectNode missing = envelope();
        missing.remove("correlation_id");
        assertThat(SCHEMAS.validateEnvelope(missing)).singleElement().asString().contains("correlation_id");
    }

    @Test
    void rejectsAnOccurredAtThatIsNotADateTime() {
        assertThat(SCHEMAS.validateEnvelope(envelope().put("occurred_at", "yesterday"))).isNotEmpty();
    }

    @Test
    void rejectsZeroAmountsAndLowerCaseCurrencies() {
        assertThat(SCHEMAS.validatePayload("PaymentAuthorized", 1, payload().put("amount_minor", 0))).isNotEmpty();
        assertThat(SCHEMAS.validatePayload("PaymentAuthorized", 1, payload().put("currency", "eur"))).isNotEmpty();
        assertThat(SCHEMAS.validatePayload("PaymentAuthorized", 1, payload().put("amount_minor", 12.5))).isNotEmpty();
    }

    @Test
    void declinedNeedsAKnownReason() {
        assertThat(SCHEMAS.validatePayload("PaymentDeclined", 1, payload().put("reason", "insufficient_funds")))
                .isEmpty();
        assertThat(SCHEMAS.validatePayload("PaymentDeclined", 1, payload().put("reason", "bad luck"))).isNotEmpty();
    }

    @Test
    void unknownEventTypesHaveNoSchema() {
        assertThat(SCHEMAS.hasPayloadSchema("PaymentTeleported", 1)).isFalse();
        assertThat(SCHEMAS.hasPayloadSchema("PaymentAuthorized", 2)).isFalse();
        assertThat(SCHEMAS.hasPayloadSchema("../envelope", 1)).isFalse();
        assertThatThrownBy(() -> SCHEMAS.validatePayload("PaymentTeleported", 1, payload()))
                .isInstanceOf(UnknownEventTypeException.class)
                .hasMessageContaining("PaymentTeleported");
    }

    @Test
    void deadLetterCarriesTheOriginalEnvelopeOrNull() {
        ObjectNode deadLetter = Json.mapper().createObjectNode().put("event_id", ULID)
                .put("event_type", "PaymentAuthorized").put("aggregate_type", "Payment").put("aggregate_id", ULID)
                .put("aggregate_version", 1).put("original_topic", "payments.paymentauthorized")
                .put("error_class", "org.apache.kafka.common.errors.RecordTooLargeException")
                .put("error_message", "too large").put("attempts", 1)
                .put("first_failure_at", "2026-11-22T10:00:00Z").put("last_failure_at", "2026-11-22T10:00:00Z")
                .put("dead_lettered_at", "2026-11-22T10:00:01Z").put("relay_instance", "relay-1")
                .put("envelope_size_bytes", 2_000_000);
        deadLetter.putNull("envelope");
        assertThat(SCHEMAS.validateDeadLetter(deadLetter)).isEmpty();
        deadLetter.set("envelope", envelope());
        assertThat(SCHEMAS.validateDeadLetter(deadLetter)).isEmpty();
        deadLetter.set("envelope", envelope().put("event_id", "nope"));
        assertThat(SCHEMAS.validateDeadLetter(deadLetter)).isNotEmpty();
    }

    @Test
    void paymentStateNamesEveryFieldAndAllowsNullOnlyWhereAnEventMayBeMissing() {
        ObjectNode state = Json.mapper().createObjectNode().put("payment_id", ULID).put("status", "partially_refunded")
                .put("payer_account_id", "alice").put("payee_account_id", "bob").put("currency", "EUR")
                .put("amount_minor", 2_000).put("captured_minor", 1_500).put("refunded_minor", 500)
                .putNull("decline_reason").put("version", 3).put("event_id", ULID)
                .put("changed_at", "2026-11-22T10:00:00Z");
        state.putObject("metadata").put("order_id", "o-1");
        state.putArray("missing_versions");
        assertThat(SCHEMAS.validatePaymentState(state)).isEmpty();
        state.putNull("amount_minor").putNull("metadata").putArray("missing_versions").add(1).add(2);
        assertThat(SCHEMAS.validatePaymentState(state)).isEmpty();
        assertThat(SCHEMAS.validatePaymentState(state.deepCopy().put("status", "settled"))).isNotEmpty();
        assertThat(SCHEMAS.validatePaymentState(state.deepCopy().putNull("version"))).isNotEmpty();
        ObjectNode withoutCurrency = state.deepCopy();
        withoutCurrency.remove("currency");
        assertThat(SCHEMAS.validatePaymentState(withoutCurrency)).isNotEmpty();
    }
}
