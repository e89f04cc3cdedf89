package io.paymentledger.consumer.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.consumer.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * How an event changes a payment's state; pure, so the same set of events gives the same state in any arrival order.
 *
 * <ul>
 *   <li>An event already reflected (same version, or an older one not missing) changes nothing: duplicates and
 *       redeliveries are harmless even without an inbox.</li>
 *   <li>Version wins: an event above the highest sets every field it carries; the status, parties, currency and the
 *       captured and refunded amounts are carried by every event, so they always come from the highest version.</li>
 *   <li>An older event arriving late (its version is missing) never overwrites: it only fills the fields that the
 *       state lacks and that are fixed for a payment's life (amount, metadata, decline reason), and leaves the gap.</li>
 *   <li>An event above highest + 1 is applied at once (every event carries the payment's absolute amounts, so the
 *       state stays consistent) and the versions it skipped are recorded as missing until they arrive.</li>
 * </ul>
 */
final class PaymentStateRules {
    static final String AGGREGATE_TYPE = "Payment";

    private PaymentStateRules() {
    }

    /** What one event says about its payment; null amounts and texts mean "not carried by this event". */
    private record Facts(String status, String payer, String payee, String currency, Long amount, long captured,
                         long refunded, String declineReason, JsonNode metadata) {
    }

    /** Whether the projection follows this event: payment events of a type whose facts are known. */
    static boolean projects(Envelope event) {
        return AGGREGATE_TYPE.equals(event.aggregateType()) && switchable(event.eventType());
    }

    private static boolean switchable(String eventType) {
        return switch (eventType) {
            case "PaymentAuthorized", "PaymentDeclined", "PaymentCaptured", "PaymentVoided", "PaymentRefunded" -> true;
            default -> false;
        };
    }

    /** The state after {@code event}, or empty when it changes nothing ({@code current} null: a new payment). */
    static Optional<PaymentState> apply(PaymentState current, Envelope event) {
        long version = event.aggregateVersion();
        if (current != null && current.reflects(version)) {
            return Optional.empty();
        }
        Facts facts = facts(event);
        if (current == null) {
            return Optional.of(state(event, facts, null, null, null, skipped(0, version, List.of())));
        }
        if (version > current.version()) {
            return Optional.of(state(event, facts, current.amountMinor(), current.declineReason(), current.metadata(),
                    skipped(current.version(), version, current.missingVersions())));
        }
        List<Long> missing = new ArrayList<>(current.missingVersions());
        missing.remove(version);
        return Optional.of(new PaymentState(current.paymentId(), current.status(), current.payerAccountId(),
                current.payeeAccountId(), current.currency(), first(current.amountMinor(), facts.amount()),
                current.capturedMinor(), current.refundedMinor(), first(current.declineReason(), facts.declineReason()),
                first(current.metadata(), facts.metadata()), current.version(), current.eventId(), current.changedAt(),
                missing));
    }

    private static PaymentState state(Envelope event, Facts facts, Long amount, String declineReason,
                                      JsonNode metadata, List<Long> missing) {
        return new PaymentState(event.aggregateId(), facts.status(), facts.payer(), facts.payee(), facts.currency(),
                first(facts.amount(), amount), facts.captured(), facts.refunded(),
                first(facts.declineReason(), declineReason), first(facts.metadata(), metadata),
                event.aggregateVersion(), event.eventId(), event.occurredAt(), missing);
    }

    /** {@code missing} plus the versions strictly between {@code highest} and {@code version}, ascending. */
    private static List<Long> skipped(long highest, long version, List<Long> missing) {
        TreeSet<Long> all = new TreeSet<>(missing);
        for (long v = highest + 1; v < version; v++) {
            all.add(v);
        }
        return List.copyOf(all);
    }

    private static <T> T first(T preferred, T otherwise) {
        return preferred != null ? preferred : otherwise;
    }

    private static Facts facts(Envelope event) {
        JsonNode p = event.payload();
        String payer = text(p, "payer_account_id");
        String payee = text(p, "payee_account_id");
        String currency = text(p, "currency");
        long amount = p.get("amount_minor").asLong();
        return switch (event.eventType()) {
            case "PaymentAuthorized" -> new Facts("authorized", payer, payee, currency, amount, 0, 0, null,
                    object(p, "metadata"));
            case "PaymentDeclined" -> new Facts("declined", payer, payee, currency, amount, 0, 0, text(p, "reason"),
                    object(p, "metadata"));
            case "PaymentCaptured" -> new Facts("captured", payer, payee, currency,
                    p.get("authorized_amount_minor").asLong(), amount, 0, null, null);
            case "PaymentVoided" -> new Facts("voided", payer, payee, currency, amount, 0, 0, null, null);
            case "PaymentRefunded" -> refunded(p, payer, payee, currency);
            default -> throw new IllegalArgumentException("no state rule for event type " + event.eventType());
        };
    }

    private static Facts refunded(JsonNode p, String payer, String payee, String currency) {
        long captured = p.get("captured_amount_minor").asLong();
        long refunded = p.get("refunded_total_minor").asLong();
        return new Facts(refunded >= captured ? "refunded" : "partially_refunded", payer, payee, currency, null,
                captured, refunded, null, null);
    }

    private static String text(JsonNode payload, String field) {
        JsonNode value = payload.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static JsonNode object(JsonNode payload, String field) {
        JsonNode value = payload.get(field);
        return value == null || !value.isObject() ? null : value;
    }
}
