package io.paymentledger.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymentledger.consumer.state.PaymentState;
import io.paymentledger.consumer.state.PaymentStateJson;
import io.paymentledger.consumer.state.ProjectionComparison;
import io.paymentledger.schemas.Json;
import java.util.Iterator;
import java.util.Map;

/** How {@code state} and {@code rebuild-state} print, as text for people and as JSON for scripts. */
final class StateText {
    private StateText() {
    }

    /** One {@code field  value} line per field of the state, in the JSON's order and names. */
    static String of(PaymentState state) {
        StringBuilder text = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> fields = PaymentStateJson.toJson(state).fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            text.append(String.format("%-17s %s", field.getKey(), value.isTextual() ? value.asText() : value));
            if (fields.hasNext()) {
                text.append(System.lineSeparator());
            }
        }
        return text.toString();
    }

    static String of(String groupId, StateRebuild.Report report) {
        ProjectionComparison.Result comparison = report.comparison();
        String nl = System.lineSeparator();
        StringBuilder text = new StringBuilder()
                .append("Rebuilt the payment state of group ").append(groupId).append(" from ")
                .append(report.topics().size()).append(" topics ").append(report.topics()).append(": ")
                .append(report.records()).append(" records, ").append(report.events()).append(" valid events, ")
                .append(report.skipped().isEmpty() ? "none skipped" : "skipped " + report.skipped()).append(nl)
                .append(String.format("live     (payment_state):         %d payments, sha256 %s",
                        comparison.liveRows(), comparison.liveChecksum())).append(nl)
                .append(String.format("rebuilt  (payment_state_rebuild): %d payments, sha256 %s",
                        comparison.rebuiltRows(), comparison.rebuiltChecksum())).append(nl);
        if (comparison.equal()) {
            return text.append("EQUAL: the live projection matches the topics").toString();
        }
        text.append("DIFFERENT: ").append(comparison.differing()).append(" payments differ");
        comparison.examples().forEach(example -> text.append(nl).append("  ").append(example));
        return text.toString();
    }

    static String json(String groupId, StateRebuild.Report report) {
        ProjectionComparison.Result comparison = report.comparison();
        ObjectNode json = Json.mapper().createObjectNode().put("group", groupId);
        report.topics().forEach(json.putArray("topics")::add);
        json.put("records", report.records()).put("events", report.events());
        ObjectNode skipped = json.putObject("skipped");
        report.skipped().forEach(skipped::put);
        json.putObject("live").put("payments", comparison.liveRows()).put("sha256", comparison.liveChecksum());
        json.putObject("rebuilt").put("payments", comparison.rebuiltRows()).put("sha256",
                comparison.rebuiltChecksum());
        json.put("differing", comparison.differing()).put("equal", comparison.equal());
        comparison.examples().forEach(json.putArray("examples")::add);
        return json.toString();
    }
}
