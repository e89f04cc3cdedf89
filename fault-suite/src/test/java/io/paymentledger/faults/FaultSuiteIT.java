package io.paymentledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The short profile on every build: real relay, consumer and simulator processes under real faults, verified from
 * Kafka. The seed is fixed so a failure here replays exactly: {@code java -jar fault-suite/target/fault-suite.jar
 * --seed 20261122}.
 */
class FaultSuiteIT {
    @Test
    void shortProfileLosesNothingKeepsOrderAndNotifiesEveryEventOnce() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        FaultSuiteSettings settings = FaultSuiteSettings.of("short", 20261122L, 3, 60L, Path.of(".."));

        FaultSuite.Outcome outcome;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            outcome = new FaultSuite(settings, new PrintStream(new TeeStream(out, System.out), true,
                    StandardCharsets.UTF_8)).run();
        }

        assertThat(outcome.passed()).as(output.toString(StandardCharsets.UTF_8)).isTrue();
        assertThat(outcome.faults().values().stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(5);
        assertThat(outcome.report().committed()).isGreaterThan(1_000);
        assertThat(outcome.report().deadLettered()).isEqualTo(2);
    }

    /** Writes to two streams: the test's copy and the build log. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream first;
        private final java.io.OutputStream second;

        TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws java.io.IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }
    }
}
