package io.paymentledger.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A validated event envelope (see {@code schemas/envelope.schema.json}). */
public record Envelope(String eventId, String eventType, int eventVersion, String aggregateType, String aggregateId,
                       long aggregateVersion, Instant occurredAt, String correlationId, JsonNode payload) {

    static Envelope from(JsonNode json) {
        JsonNode correlation = json.get("correlation_id");
        return new Envelope(json.get("event_id").asText(), json.get("event_type").asText(),
                json.get("event_version").asInt(), json.get("aggregate_type").asText(),
                json.get("aggregate_id").asText(), json.get("aggregate_version").asLong(),
                Instant.parse(json.get("occurred_at").asText()),
                correlation == null || correlation.isNull() ? null : correlation.asText(), json.get("payload"));
    }
}
