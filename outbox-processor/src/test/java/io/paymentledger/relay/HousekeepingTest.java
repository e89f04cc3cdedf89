package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HousekeepingTest {
    @Test
    void aQuickBacklogSnapshotRunsEveryFiveSeconds() {
        assertThat(Housekeeping.backlogDelay(Duration.ofMillis(20))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aSlowBacklogSnapshotWaitsNineTimesAsLongAsItTook() {
        assertThat(Housekeeping.backlogDelay(Duration.ofMillis(800))).isEqualTo(Duration.ofMillis(7_200));
    }
}
