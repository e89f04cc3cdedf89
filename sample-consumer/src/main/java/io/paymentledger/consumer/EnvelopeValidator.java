package io.paymentledger.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.consumer.Validation.Invalid;
import io.paymentledger.consumer.Validation.RejectReason;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.schemas.Json;
import java.io.IOException;
import java.util.List;

/** Validates a record value in order: JSON, envelope schema, then the payload schema of its type and version. */
final class EnvelopeValidator {
    private final EventSchemas schemas;

    EnvelopeValidator(EventSchemas schemas) {
        this.schemas = schemas;
    }

    Validation validate(byte[] value) {
        if (value == null) {
            return new Invalid(RejectReason.MALFORMED_JSON, "record has no value");
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
        if (!problems.isEmpty()) {
            return new Invalid(RejectReason.INVALID_ENVELOPE, String.join("; ", problems));
        }
        Envelope envelope = Envelope.from(json);
        if (!schemas.hasPayloadSchema(envelope.eventType(), envelope.eventVersion())) {
            return new Invalid(RejectReason.UNKNOWN_EVENT_TYPE,
                    "no schema for " + envelope.eventType() + " v" + envelope.eventVersion());
        }
        problems = schemas.validatePayload(envelope.eventType(), envelope.eventVersion(), envelope.payload());
        if (!problems.isEmpty()) {
            return new Invalid(RejectReason.INVALID_PAYLOAD, String.join("; ", problems));
        }
        return new Validation.Valid(envelope);
    }
}
