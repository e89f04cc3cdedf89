package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MissingTopicsTest {
    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
    private final MissingTopics missing = new MissingTopics();

    @Test
    void aTopicHeldAgainKeepsItsReasonAndSinceAndGainsTheRoutingKeysSeen() {
        missing.hold("payments.x", "does not exist", Set.of("X"), 3, T0);
        missing.hold("payments.x", "another reason", Set.of("x"), 5, T0.plusSeconds(9));

        MissingTopics.Topic held = missing.get("payments.x").orElseThrow();
        assertThat(held.reason()).isEqualTo("does not exist");
        assertThat(held.since()).isEqualTo(T0);
        assertThat(held.routingKeys()).containsExactlyInAnyOrder("X", "x");
        assertThat(held.rowsHeld()).as("rows seen until counted").isEqualTo(3);
    }

    @Test
    void countsAddUpTheRowsOfEveryRoutingKeyOfATopic() {
        missing.hold("payments.x", "does not exist", Set.of("X", "x"), 1, T0);
        missing.hold("payments.dlq", "does not exist", Set.of(), 4, T0);

        missing.countRows(Map.of("X", 7L, "x", 2L, "Other", 100L));

        assertThat(missing.get("payments.x").orElseThrow().rowsHeld()).isEqualTo(9);
        assertThat(missing.get("payments.dlq").orElseThrow().rowsHeld()).as("no keys: left as seen").isEqualTo(4);
        assertThat(missing.routingKeys()).containsExactlyInAnyOrder("X", "x");
    }

    @Test
    void releaseForgetsTheTopicAndWakesTheListenersOnce() {
        int[] wakeUps = {0};
        missing.onRelease(() -> wakeUps[0]++);
        missing.hold("payments.x", "does not exist", Set.of("X"), 1, T0);

        missing.release("payments.x", T0.plusSeconds(4));
        missing.release("payments.x", T0.plusSeconds(5));

        assertThat(missing.isEmpty()).isTrue();
        assertThat(missing.routingKeys()).isEmpty();
        assertThat(wakeUps[0]).isEqualTo(1);
    }
}
