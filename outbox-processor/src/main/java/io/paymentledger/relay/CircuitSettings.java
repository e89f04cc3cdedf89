package io.paymentledger.relay;

import io.paymentledger.config.ConfigException;
import io.paymentledger.config.Env;
import java.time.Duration;
import java.util.Objects;

/**
 * The circuit breaker around the broker. Each relay pass is one call; a pass fails when the broker could not be
 * reached (transport failures). The breaker opens when at least {@code failureRatePercent} of the last
 * {@code windowSize} passes failed (once {@code minimumCalls} were seen), stays open for {@code openDuration}, then
 * lets one probe pass through.
 *
 * @param failureRatePercent {@code OUTBOX_CIRCUIT_FAILURE_RATE_PERCENT}, 1-100, default 50
 * @param windowSize         {@code OUTBOX_CIRCUIT_WINDOW_SIZE}: passes in the sliding window, 1-1000, default 6
 * @param minimumCalls       {@code OUTBOX_CIRCUIT_MINIMUM_CALLS}: passes before the rate counts, 1-windowSize, default 3
 * @param openDuration       {@code OUTBOX_CIRCUIT_OPEN_SECONDS}: wait before a probe, default 5
 */
public record CircuitSettings(int failureRatePercent, int windowSize, int minimumCalls, Duration openDuration) {
    public static final String OUTBOX_CIRCUIT_FAILURE_RATE_PERCENT = "OUTBOX_CIRCUIT_FAILURE_RATE_PERCENT";
    public static final String OUTBOX_CIRCUIT_WINDOW_SIZE = "OUTBOX_CIRCUIT_WINDOW_SIZE";
    public static final String OUTBOX_CIRCUIT_MINIMUM_CALLS = "OUTBOX_CIRCUIT_MINIMUM_CALLS";
    public static final String OUTBOX_CIRCUIT_OPEN_SECONDS = "OUTBOX_CIRCUIT_OPEN_SECONDS";

    public CircuitSettings {
        Objects.requireNonNull(openDuration, "openDuration");
        if (minimumCalls > windowSize) {
            throw new ConfigException(OUTBOX_CIRCUIT_MINIMUM_CALLS, "'" + minimumCalls + "' is above "
                    + OUTBOX_CIRCUIT_WINDOW_SIZE + " (" + windowSize + "); use at most the window size");
        }
    }

    static CircuitSettings fromEnv(Env env) {
        return new CircuitSettings(
                env.integer(OUTBOX_CIRCUIT_FAILURE_RATE_PERCENT, 50, 1, 100),
                env.integer(OUTBOX_CIRCUIT_WINDOW_SIZE, 6, 1, 1000),
                env.integer(OUTBOX_CIRCUIT_MINIMUM_CALLS, 3, 1, 1000),
                env.seconds(OUTBOX_CIRCUIT_OPEN_SECONDS, Duration.ofSeconds(5), Duration.ofMillis(100),
                        Duration.ofHours(1)));
    }
}
