package io.paymentledger.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.schemas.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes dead letters ({@code schemas/dead-letter.schema.json}): the original envelope, where it should have gone,
 * why it failed and its failure history. A record refused for its size, or a row that does not make a valid
 * envelope, is described by its metadata and size instead of being carried again.
 */
final class DeadLetters {
    static final String TOO_LARGE = "record_too_large";
    static final String INVALID_ENVELOPE = "invalid_envelope";
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    private static final int MAX_MESSAGE_LENGTH = 2_000;

    private final EnvelopeWriter envelopes = new EnvelopeWriter();
    private final EventSchemas schemas;
    private final ObjectMapper json = Json.mapper();
    private final String instanceId;

    DeadLetters(EventSchemas schemas, String instanceId) {
        this.schemas = schemas;
        this.instanceId = instanceId;
    }

    /** The dead letter of {@code failure}, whose row has now spent {@code attempts} attempts. */
    DeadLetter write(Failure failure, String originalTopic, int attempts, Instant now) {
        OutboxRow row = failure.row();
        byte[] envelope = envelopes.write(row);
        ObjectNode letter = json.createObjectNode();
        letter.put("event_id", row.eventId());
        letter.put("event_type", row.eventType());
        letter.put("aggregate_type", row.aggregateType());
        letter.put("aggregate_id", row.aggregateId());
        letter.put("aggregate_version", row.aggregateVersion());
        letter.put("original_topic", originalTopic);
        putEnvelope(letter, envelope, failure.error());
        letter.put("envelope_size_bytes", envelope.length);
        letter.put("error_class", failure.error().getClass().getName());
        letter.put("error_message", truncate(String.valueOf(failure.error().getMessage())));
        letter.put("attempts", attempts);
        letter.put("first_failure_at", iso(row.firstFailureAt() != null ? row.firstFailureAt() : now));
        letter.put("last_failure_at", iso(now));
        letter.put("dead_lettered_at", iso(now));
        letter.put("relay_instance", instanceId);
        List<String> problems = schemas.validateDeadLetter(letter);
        if (!problems.isEmpty()) {
            // Still sent: a dead letter that breaks its schema beats a failure nobody hears of.
            log.error("Dead letter for {} does not match dead-letter.schema.json: {}", row.eventId(), problems);
        }
        return new DeadLetter(row, bytes(letter));
    }

    private void putEnvelope(ObjectNode letter, byte[] envelope, Exception error) {
        if (KafkaErrors.tooLarge(error)) {
            letter.putNull("envelope");
            letter.put("envelope_omitted_reason", TOO_LARGE);
            return;
        }
        JsonNode parsed = parse(envelope);
        List<String> problems = schemas.validateEnvelope(parsed);
        if (problems.isEmpty()) {
            letter.set("envelope", parsed);
        } else {
            letter.putNull("envelope");
            letter.put("envelope_omitted_reason", INVALID_ENVELOPE + ": " + truncate(String.join("; ", problems)));
        }
    }

    private JsonNode parse(byte[] envelope) {
        try {
            return json.readTree(envelope);
        } catch (IOException e) {
            throw new UncheckedIOException("the relay's own envelope is not JSON", e);
        }
    }

    private byte[] bytes(ObjectNode letter) {
        try {
            return json.writeValueAsBytes(letter);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a JSON tree always serializes", e);
        }
    }

    private static String iso(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    static String truncate(String text) {
        return text.length() <= MAX_MESSAGE_LENGTH ? text : text.substring(0, MAX_MESSAGE_LENGTH);
    }
}
