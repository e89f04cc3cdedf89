package io.paymentledger.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymentledger.schemas.Json;
import org.junit.jupiter.api.Test;

class NotificationMessagesTest {
    @Test
    void formatsAmountsInTheCurrencysOwnDecimals() {
        assertThat(NotificationMessages.amount(1234, "EUR")).isEqualTo("12.34 EUR");
        assertThat(NotificationMessages.amount(5, "EUR")).isEqualTo("0.05 EUR");
        assertThat(NotificationMessages.amount(1234, "JPY")).isEqualTo("1234 JPY");
        assertThat(NotificationMessages.amount(1234, "KWD")).isEqualTo("1.234 KWD");
    }

    @Test
    void namesEveryLifecycleEventWithItsAmount() {
        assertThat(NotificationMessages.of(envelope("PaymentCaptured", 1200))).isEqualTo("Payment P1 captured: 12.00 EUR");
        assertThat(NotificationMessages.of(envelope("PaymentVoided", 500)))
                .isEqualTo("Payment P1 voided: 5.00 EUR released");
        assertThat(NotificationMessages.of(envelope("PaymentRefunded", 1))).isEqualTo("Payment P1 refunded: 0.01 EUR");
    }

    private static Envelope envelope(String eventType, long amountMinor) {
        var payload = Json.mapper().createObjectNode().put("payment_id", "P1").put("amount_minor", amountMinor)
                .put("currency", "EUR");
        return new Envelope("E1", eventType, 1, "Payment", "P1", 2, java.time.Instant.EPOCH, null, payload);
    }
}
