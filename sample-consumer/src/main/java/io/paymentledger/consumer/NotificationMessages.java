package io.paymentledger.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Currency;

/** The human-readable text of a notification, e.g. "Payment 01J... authorized: 12.34 EUR". */
final class NotificationMessages {
    private NotificationMessages() {
    }

    static String of(Envelope envelope) {
        JsonNode payload = envelope.payload();
        String amount = amount(payload.path("amount_minor").asLong(), payload.path("currency").asText());
        String payment = payload.path("payment_id").asText(envelope.aggregateId());
        return switch (envelope.eventType()) {
            case "PaymentAuthorized" -> "Payment " + payment + " authorized: " + amount;
            case "PaymentDeclined" -> "Payment " + payment + " declined (" + payload.path("reason").asText() + "): "
                    + amount;
            case "PaymentCaptured" -> "Payment " + payment + " captured: " + amount;
            case "PaymentVoided" -> "Payment " + payment + " voided: " + amount + " released";
            case "PaymentRefunded" -> "Payment " + payment + " refunded: " + amount;
            default -> envelope.eventType() + " for " + envelope.aggregateType() + " " + envelope.aggregateId();
        };
    }

    /** Minor units in the currency's own decimals: 1234 EUR -> "12.34 EUR", 1234 JPY -> "1234 JPY". */
    static String amount(long minor, String currencyCode) {
        int digits = Math.max(0, Currency.getInstance(currencyCode).getDefaultFractionDigits());
        return BigDecimal.valueOf(minor, digits).toPlainString() + " " + currencyCode;
    }
}
