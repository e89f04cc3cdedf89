package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundsTest {
    private static long nextId = 1;

    @Test
    void withEventTypeRoutingAnAggregatesNextTopicGoesInTheNextRound() {
        List<OutboxRow> rows = List.of(row("a", 1, "PaymentAuthorized"), row("b", 1, "PaymentAuthorized"),
                row("a", 2, "PaymentCaptured"), row("a", 3, "PaymentCaptured"), row("b", 2, "PaymentAuthorized"),
                row("a", 4, "PaymentRefunded"));

        assertThat(Rounds.of(rows, true)).containsExactly(List.of(0, 1, 4), List.of(2, 3), List.of(5));
    }

    @Test
    void withAggregateTypeRoutingAPageIsOneRound() {
        List<OutboxRow> rows = List.of(row("a", 1, "PaymentAuthorized"), row("a", 2, "PaymentCaptured"),
                row("b", 1, "PaymentRefunded"));

        assertThat(Rounds.of(rows, false)).containsExactly(List.of(0, 1, 2));
    }

    @Test
    void noRowsNoRounds() {
        assertThat(Rounds.of(List.of(), true)).isEmpty();
    }

    private static OutboxRow row(String aggregate, long version, String type) {
        return new OutboxRow(nextId++, "E" + nextId, "Payment", aggregate, version, type, 1, "{}", null,
                Instant.EPOCH, 0, null);
    }
}
