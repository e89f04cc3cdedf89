package io.paymentledger.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.consumer.Validation.Invalid;
import io.paymentledger.consumer.Validation.RejectReason;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.schemas.Json;
import java.io.IOException;
import java.util.List;

/**
 * Validates a record value in order: size, JSON, envelope schema, then the payload schema of its type and version.
 * An oversized value is refused unread.
 */
final class EnvelopeValidator {
    private final EventSchemas schemas;
    private final int maxRecordBytes;

    EnvelopeValidator(EventSchemas schemas, int maxRecordBytes) {
        this.schemas = schemas;
        this.maxRecordBytes = maxRecordBytes;
    }

    Validation validate(byte[] value) {
        if (value == null) {
            return new Invalid(RejectReason.MALFORMED_JSON, "record has no value");
        }
        if (value.length > maxRecordBytes) {
            return new Invalid(RejectReason.OVERSIZED_RECORD, "value is " + value.length + " bytes; the limit is "
                    + maxRecordBytes + " (" + ConsumerSettings.CONSUMER_MAX_RECORD_BYTES + ")");
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(value);
        } catch (JsonProcessingException e) {
            return new Invalid(RejectReason.MALFORMED_JSON, e.getOriginalMessage());
        } catch (IOException e) {
            return new Invalid(RejectReason.MALFORMED_JSON, e.getMessage());
        }
        if (json == null || json.isMissingNode()) {
            return new Invalid(RejectReason.MALFORMED_JSON, "record value is empty");
        }
        List<String> problems = schemas.validateEnvelope(json);
        if (problems.isEmpty() && containsNul(json)) {
            problems = List.of("a string contains the NUL character (\\u0000), which no text column can store");
        }
        if (problems.isEmpty() && !(json.get("aggregate_version").canConvertToLong()
                && json.get("event_version").canConvertToInt())) {
            problems = List.of("aggregate_version must fit in 64 bits and event_version in 32 bits");
        }
        if (!problems.isEmpty()) {
            return new Invalid(RejectReason.INVALID_ENVELOPE, String.join("; ", problems), readableEventId(json));
        }
        Envelope envelope = Envelope.from(json);
        if (!schemas.hasPayloadSchema(envelope.eventType(), envelope.eventVersion())) {
            return new Invalid(RejectReason.UNKNOWN_EVENT_TYPE,
                    "no schema for " + envelope.eventType() + " v" + envelope.eventVersion(), envelope.eventId());
        }
        problems = schemas.validatePayload(envelope.eventType(), envelope.eventVersion(), envelope.payload());
        if (!problems.isEmpty()) {
            return new Invalid(RejectReason.INVALID_PAYLOAD, String.join("; ", problems), envelope.eventId());
        }
        return new Validation.Valid(envelope);
    }

    /** Whether any string or field name in the tree holds a NUL character. */
    private static boolean containsNul(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue().indexOf('\0') >= 0;
        }
        var fields = node.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            if (field.getKey().indexOf('\0') >= 0 || containsNul(field.getValue())) {
                return true;
            }
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (containsNul(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The event id of an invalid envelope, when it is a short string, for operators to look up. */
    private static String readableEventId(JsonNode json) {
        JsonNode eventId = json.path("event_id");
        return eventId.isTextual() && eventId.asText().length() <= 100 ? eventId.asText() : null;
    }
}
