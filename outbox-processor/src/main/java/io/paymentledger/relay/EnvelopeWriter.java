package io.paymentledger.relay;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;

/**
 * Serializes a row into the message contract's envelope (UTF-8 JSON, {@code schemas/envelope.schema.json}). The
 * payload is copied as the database's jsonb text, never re-parsed into numbers or dates.
 */
final class EnvelopeWriter {
    private final JsonFactory json = new JsonFactory();

    byte[] write(OutboxRow row) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + row.payload().length());
        try (JsonGenerator generator = json.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeStringField("event_id", row.eventId());
            generator.writeStringField("event_type", row.eventType());
            generator.writeNumberField("event_version", row.eventVersion());
            generator.writeStringField("aggregate_type", row.aggregateType());
            generator.writeStringField("aggregate_id", row.aggregateId());
            generator.writeNumberField("aggregate_version", row.aggregateVersion());
            generator.writeStringField("occurred_at", DateTimeFormatter.ISO_INSTANT.format(row.occurredAt()));
            generator.writeStringField("correlation_id", row.correlationId());
            generator.writeFieldName("payload");
            generator.writeRawValue(row.payload());
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
