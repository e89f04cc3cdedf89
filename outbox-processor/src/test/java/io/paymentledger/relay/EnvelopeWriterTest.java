package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.schemas.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EnvelopeWriterTest {
    private static final String ULID = "01JD2Z8Q3V5W6X7Y8Z9A0B1C2D";
    private static final String PAYLOAD = "{\"payment_id\": \"" + ULID + "\", \"payer_account_id\": \"alice\", "
            + "\"payee_account_id\": \"bob\", \"amount_minor\": 123456789012345, \"currency\": \"EUR\"}";

    static OutboxRow row(String correlationId) {
        return new OutboxRow(7, ULID, "Payment", ULID, 3, "PaymentAuthorized", 1, PAYLOAD, correlationId,
                Instant.parse("2026-11-22T10:00:00.123456Z"), 0, null);
    }

    @Test
    void writesAnEnvelopeValidAgainstTheSchema() throws Exception {
        JsonNode envelope = Json.mapper().readTree(new EnvelopeWriter().write(row("req-9")));

        assertThat(EventSchemas.load().validateEnvelope(envelope)).isEmpty();
        assertThat(envelope.get("aggregate_version").asLong()).isEqualTo(3);
        assertThat(envelope.get("occurred_at").asText()).isEqualTo("2026-11-22T10:00:00.123456Z");
        assertThat(envelope.get("correlation_id").asText()).isEqualTo("req-9");
        assertThat(envelope.get("payload").get("amount_minor").asLong()).isEqualTo(123_456_789_012_345L);
    }

    @Test
    void writesAMissingCorrelationIdAsNull() throws Exception {
        JsonNode envelope = Json.mapper().readTree(new EnvelopeWriter().write(row(null)));

        assertThat(envelope.has("correlation_id")).isTrue();
        assertThat(envelope.get("correlation_id").isNull()).isTrue();
    }
}
