package io.paymentledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoneyTest {
    @Test
    void acceptsPositiveMinorUnitsOfAnIsoCurrency() {
        assertThat(Money.of(1, "EUR")).isEqualTo(new Money(1, "EUR"));
    }

    @Test
    void rejectsZeroAndNegativeAmounts() {
        assertThatThrownBy(() -> Money.of(0, "EUR")).hasMessageContaining("at least 1 minor unit but was 0");
        assertThatThrownBy(() -> Money.of(-5, "EUR")).hasMessageContaining("was -5");
    }

    @Test
    void rejectsCodesThatAreNotIso4217() {
        assertThatThrownBy(() -> Money.of(1, "eur")).hasMessageContaining("ISO 4217");
        assertThatThrownBy(() -> Money.of(1, "ABC")).hasMessageContaining("'ABC' is not an ISO 4217 code");
    }

    @Test
    void paymentToOneselfIsRejected() {
        assertThatThrownBy(() -> new AuthorizePayment("k", "alice", "alice", Money.of(1, "EUR"), null))
                .hasMessageContaining("payer and payee must differ");
    }
}
