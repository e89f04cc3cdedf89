package io.paymentledger.relay;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: the n-th retry waits a uniformly random time in
 * {@code [0, min(max, base * 2^(n-1))]}, which spreads retries of many rows over time instead of in waves.
 */
public record Backoff(Duration base, Duration max) {
    public Backoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= max but base was " + base + " and max " + max);
        }
    }

    /** The ceiling of the wait before retry number {@code attempt} (1-based), before jitter. */
    Duration ceiling(int attempt) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 40);
        long nanos = base.toNanos();
        for (int i = 0; i < doublings && nanos < max.toNanos(); i++) {
            nanos *= 2;
        }
        return Duration.ofNanos(Math.min(nanos, max.toNanos()));
    }

    /** The wait before retry number {@code attempt}, with {@code random} in {@code [0, 1)}. */
    Duration delay(int attempt, DoubleSupplier random) {
        return Duration.ofNanos((long) (ceiling(attempt).toNanos() * random.getAsDouble()));
    }
}
