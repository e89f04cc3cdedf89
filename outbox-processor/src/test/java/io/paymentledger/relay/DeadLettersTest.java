package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.schemas.Json;
import java.time.Instant;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final EventSchemas SCHEMAS = EventSchemas.load();
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private final DeadLetters deadLetters = new DeadLetters(SCHEMAS, "relay-a");

    @Test
    void deadLetterCarriesTheEnvelopeTheErrorAndTheFailureHistory() throws Exception {
        OutboxRow row = EnvelopeWriterTest.row("req-1");
        DeadLetter letter = deadLetters.write(new Failure(row, new InvalidTopicException("bad topic name")),
                "payments.paymentauthorized", 1, NOW);

        JsonNode value = Json.mapper().readTree(letter.value());
        assertThat(SCHEMAS.validateDeadLetter(value)).isEmpty();
        assertThat(value.get("envelope").get("event_id").asText()).isEqualTo(row.eventId());
        assertThat(value.get("envelope").get("payload").get("amount_minor").asLong()).isEqualTo(123456789012345L);
        assertThat(value.get("original_topic").asText()).isEqualTo("payments.paymentauthorized");
        assertThat(value.get("error_class").asText()).isEqualTo(InvalidTopicException.class.getName());
        assertThat(value.get("error_message").asText()).isEqualTo("bad topic name");
        assertThat(value.get("attempts").asInt()).isEqualTo(1);
        assertThat(value.get("first_failure_at").asText()).isEqualTo("2026-11-22T12:00:00Z");
        assertThat(value.get("relay_instance").asText()).isEqualTo("relay-a");
    }

    @Test
    void recordTooLargeIsDescribedByItsMetadataAndSizeNotCarriedAgain() throws Exception {
        OutboxRow row = EnvelopeWriterTest.row("req-2");
        DeadLetter letter = deadLetters.write(new Failure(row, new RecordTooLargeException("1.2 MB")),
                "payments.paymentauthorized", 1, NOW);

        JsonNode value = Json.mapper().readTree(letter.value());
        assertThat(SCHEMAS.validateDeadLetter(value)).isEmpty();
        assertThat(value.get("envelope").isNull()).isTrue();
        assertThat(value.get("envelope_omitted_reason").asText()).isEqualTo(DeadLetters.TOO_LARGE);
        assertThat(value.get("envelope_size_bytes").asInt()).isEqualTo(new EnvelopeWriter().write(row).length);
        assertThat(value.get("aggregate_id").asText()).isEqualTo(row.aggregateId());
    }

    @Test
    void rowThatMakesNoValidEnvelopeIsDeadLetteredWithTheReason() throws Exception {
        OutboxRow valid = EnvelopeWriterTest.row("req-3");
        OutboxRow badType = new OutboxRow(valid.id(), valid.eventId(), valid.aggregateType(), valid.aggregateId(),
                valid.aggregateVersion(), "payment authorized!", 1, valid.payload(), null, valid.occurredAt(), 4,
                Instant.parse("2026-11-22T11:00:00Z"));
        DeadLetter letter = deadLetters.write(new Failure(badType, new InvalidTopicException("x")), "t", 5, NOW);

        JsonNode value = Json.mapper().readTree(letter.value());
        assertThat(SCHEMAS.validateDeadLetter(value)).isEmpty();
        assertThat(value.get("envelope").isNull()).isTrue();
        assertThat(value.get("envelope_omitted_reason").asText()).startsWith(DeadLetters.INVALID_ENVELOPE + ": ");
        assertThat(value.get("first_failure_at").asText()).isEqualTo("2026-11-22T11:00:00Z");
        assertThat(value.get("attempts").asInt()).isEqualTo(5);
    }
}
