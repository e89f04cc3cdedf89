package io.paymentledger.relay;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;

/**
 * Serializes a row into the message contract's envelope (UTF-8 JSON, {@code schemas/envelope.schema.json}). The
 * payload is copied as the database's jsonb text, never re-parsed into numbers or dates. The envelope's shape is
 * fixed, so it is written straight into one buffer; string values are escaped by Jackson's encoder, as its generator
 * would escape them (a generator per record cost a tenth of the relay's CPU).
 */
final class EnvelopeWriter {
    private static final JsonStringEncoder STRINGS = JsonStringEncoder.getInstance();
    /** Room for the envelope's field names and values besides the payload. */
    private static final int ENVELOPE_CHARS = 320;

    byte[] write(OutboxRow row) {
        StringBuilder json = new StringBuilder(ENVELOPE_CHARS + row.payload().length());
        json.append("{\"event_id\":");
        string(json, row.eventId());
        json.append(",\"event_type\":");
        string(json, row.eventType());
        json.append(",\"event_version\":").append(row.eventVersion());
        json.append(",\"aggregate_type\":");
        string(json, row.aggregateType());
        json.append(",\"aggregate_id\":");
        string(json, row.aggregateId());
        json.append(",\"aggregate_version\":").append(row.aggregateVersion());
        json.append(",\"occurred_at\":\"");
        DateTimeFormatter.ISO_INSTANT.formatTo(row.occurredAt(), json);
        json.append("\",\"correlation_id\":");
        if (row.correlationId() == null) {
            json.append("null");
        } else {
            string(json, row.correlationId());
        }
        json.append(",\"payload\":").append(row.payload()).append('}');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void string(StringBuilder json, String value) {
        json.append('"');
        STRINGS.quoteAsString(value, json);
        json.append('"');
    }
}
