package io.paymentledger.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NotificationMessagesTest {
    @Test
    void formatsAmountsInTheCurrencysOwnDecimals() {
        assertThat(NotificationMessages.amount(1234, "EUR")).isEqualTo("12.34 EUR");
        assertThat(NotificationMessages.amount(5, "EUR")).isEqualTo("0.05 EUR");
        assertThat(NotificationMessages.amount(1234, "JPY")).isEqualTo("1234 JPY");
        assertThat(NotificationMessages.amount(1234, "KWD")).isEqualTo("1.234 KWD");
    }
}
