package io.paymentledger.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymentledger.consumer.Validation.Invalid;
import io.paymentledger.consumer.Validation.RejectReason;
import io.paymentledger.schemas.EventSchemas;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvelopeValidatorTest {
    private static final String ULID = "01JD2Z8Q3V5W6X7Y8Z9A0B1C2D";
    private final EnvelopeValidator validator = new EnvelopeValidator(EventSchemas.load(), 1024 * 1024);

    static String envelope(String eventType, String payload) {
        return "{\"event_id\":\"" + ULID + "\",\"event_type\":\"" + eventType + "\",\"event_version\":1,"
                + "\"aggregate_type\":\"Payment\",\"aggregate_id\":\"" + ULID + "\",\"aggregate_version\":2,"
                + "\"occurred_at\":\"2026-11-22T10:00:00Z\",\"correlation_id\":null,\"payload\":" + payload + "}";
    }

    static String payload(long amount) {
        return "{\"payment_id\":\"" + ULID + "\",\"payer_account_id\":\"a\",\"payee_account_id\":\"b\","
                + "\"amount_minor\":" + amount + ",\"currency\":\"EUR\"}";
    }

    private Validation validate(String value) {
        return validator.validate(value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsAValidEvent() {
        Validation verdict = validate(envelope("PaymentAuthorized", payload(1234)));

        assertThat(verdict).isInstanceOf(Validation.Valid.class);
        Envelope envelope = ((Validation.Valid) verdict).envelope();
        assertThat(envelope.aggregateVersion()).isEqualTo(2);
        assertThat(envelope.correlationId()).isNull();
    }

    @Test
    void malformedJsonIsRejectedWithItsReason() {
        assertThat(validate("{\"event_id\":")).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.reason()).isEqualTo(RejectReason.MALFORMED_JSON));
        assertThat(validator.validate(null)).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.reason()).isEqualTo(RejectReason.MALFORMED_JSON));
    }

    @Test
    void envelopeMissingAFieldIsRejected() {
        String noVersion = envelope("PaymentAuthorized", payload(1)).replace("\"aggregate_version\":2,", "");
        assertThat(validate(noVersion)).isInstanceOfSatisfying(Invalid.class, invalid -> {
            assertThat(invalid.reason()).isEqualTo(RejectReason.INVALID_ENVELOPE);
            assertThat(invalid.detail()).contains("aggregate_version");
        });
    }

    @Test
    void unknownEventTypeIsRejected() {
        assertThat(validate(envelope("PaymentTeleported", payload(1)))).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.reason()).isEqualTo(RejectReason.UNKNOWN_EVENT_TYPE));
    }

    @Test
    void payloadViolatingItsSchemaIsRejected() {
        assertThat(validate(envelope("PaymentAuthorized", payload(0)))).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.reason()).isEqualTo(RejectReason.INVALID_PAYLOAD));
    }

    @Test
    void valueOverTheSizeLimitIsRejectedUnreadNamingTheLimit() {
        EnvelopeValidator small = new EnvelopeValidator(EventSchemas.load(), 1024);
        byte[] value = ("{\"padding\":\"" + "x".repeat(2_000) + "\"}").getBytes(StandardCharsets.UTF_8);

        assertThat(small.validate(value)).isInstanceOfSatisfying(Invalid.class, invalid -> {
            assertThat(invalid.reason()).isEqualTo(RejectReason.OVERSIZED_RECORD);
            assertThat(invalid.detail()).isEqualTo("value is " + value.length
                    + " bytes; the limit is 1024 (CONSUMER_MAX_RECORD_BYTES)");
        });
    }

    @Test
    void aNulCharacterAnywhereIsRejectedBecauseNoTextColumnCanStoreIt() {
        String withNul = envelope("PaymentAuthorized", payload(1).replace("\"a\"", "\"a\\u0000b\""));

        assertThat(validate(withNul)).isInstanceOfSatisfying(Invalid.class, invalid -> {
            assertThat(invalid.reason()).isEqualTo(RejectReason.INVALID_ENVELOPE);
            assertThat(invalid.detail()).contains("NUL");
            assertThat(invalid.eventId()).isEqualTo(ULID);
        });
    }

    @Test
    void versionsBeyondSixtyFourBitsAreRejectedNotTruncated() {
        String huge = envelope("PaymentAuthorized", payload(1)).replace("\"aggregate_version\":2",
                "\"aggregate_version\":18446744073709551617");

        assertThat(validate(huge)).isInstanceOfSatisfying(Invalid.class, invalid -> {
            assertThat(invalid.reason()).isEqualTo(RejectReason.INVALID_ENVELOPE);
            assertThat(invalid.detail()).contains("64 bits");
        });
    }
}
