package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.schemas.Json;
import java.nio.charset.StandardCharsets;
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

    @Test
    void escapesStringValuesAndKeepsUnicodeAsUtf8() throws Exception {
        String awkward = "acct \"7\" \\ line\nbreak\t\u0001 zürich €";
        OutboxRow row = new OutboxRow(7, ULID, "Payment", awkward, 3, "PaymentAuthorized", 1, PAYLOAD, awkward,
                Instant.parse("2026-11-22T10:00:00Z"), 0, null);

        byte[] written = new EnvelopeWriter().write(row);
        JsonNode envelope = Json.mapper().readTree(written);

        assertThat(envelope.get("aggregate_id").asText()).isEqualTo(awkward);
        assertThat(envelope.get("correlation_id").asText()).isEqualTo(awkward);
        assertThat(envelope.get("occurred_at").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(new String(written, StandardCharsets.UTF_8)).contains("zürich €")
                .contains("\\\"7\\\"").doesNotContain("\n");
    }
}
