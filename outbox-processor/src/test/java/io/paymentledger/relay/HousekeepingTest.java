package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HousekeepingTest {
    @Test
    void aQuickBacklogSnapshotRunsEveryFiveSeconds() {
        assertThat(Housekeeping.stretched(Housekeeping.BACKLOG_INTERVAL, Duration.ofMillis(20)))
                .isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aSlowBacklogSnapshotWaitsNineTimesAsLongAsItTook() {
        assertThat(Housekeeping.stretched(Housekeeping.BACKLOG_INTERVAL, Duration.ofMillis(800)))
                .isEqualTo(Duration.ofMillis(7_200));
    }

    @Test
    void aQuickQueueVacuumRunsEveryTwoSecondsAndASlowOneLessOften() {
        assertThat(Housekeeping.stretched(Housekeeping.QUEUE_VACUUM_INTERVAL, Duration.ofMillis(5)))
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(Housekeeping.stretched(Housekeeping.QUEUE_VACUUM_INTERVAL, Duration.ofMillis(300)))
                .isEqualTo(Duration.ofMillis(2_700));
    }
}
