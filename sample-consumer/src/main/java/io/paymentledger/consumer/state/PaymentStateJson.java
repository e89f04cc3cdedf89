package io.paymentledger.consumer.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymentledger.schemas.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A payment state as JSON ({@code schemas/payment-state.schema.json}): the state topic's value and {@code --json}. */
public final class PaymentStateJson {
    private PaymentStateJson() {
    }

    public static ObjectNode toJson(PaymentState state) {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("payment_id", state.paymentId());
        json.put("status", state.status());
        json.put("payer_account_id", state.payerAccountId());
        json.put("payee_account_id", state.payeeAccountId());
        json.put("currency", state.currency());
        json.put("amount_minor", state.amountMinor());
        json.put("captured_minor", state.capturedMinor());
        json.put("refunded_minor", state.refundedMinor());
        json.put("decline_reason", state.declineReason());
        json.set("metadata", state.metadata() == null ? json.nullNode() : state.metadata());
        json.put("version", state.version());
        json.put("event_id", state.eventId());
        json.put("changed_at", state.changedAt().toString());
        ArrayNode missing = json.putArray("missing_versions");
        state.missingVersions().forEach(missing::add);
        return json;
    }

    public static byte[] bytes(PaymentState state) {
        try {
            return Json.mapper().writeValueAsBytes(toJson(state));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("payment state of " + state.paymentId() + " could not be serialized", e);
        }
    }

    /** The state in {@code json}, as {@link #toJson} writes it. */
    public static PaymentState fromJson(JsonNode json) {
        List<Long> missing = new ArrayList<>();
        json.get("missing_versions").forEach(v -> missing.add(v.asLong()));
        JsonNode amount = json.get("amount_minor");
        JsonNode reason = json.get("decline_reason");
        JsonNode metadata = json.get("metadata");
        return new PaymentState(json.get("payment_id").asText(), json.get("status").asText(),
                json.get("payer_account_id").asText(), json.get("payee_account_id").asText(),
                json.get("currency").asText(), amount.isNull() ? null : amount.asLong(),
                json.get("captured_minor").asLong(), json.get("refunded_minor").asLong(),
                reason.isNull() ? null : reason.asText(), metadata.isNull() ? null : metadata,
                json.get("version").asLong(), json.get("event_id").asText(),
                Instant.parse(json.get("changed_at").asText()), missing);
    }
}
