package io.paymentledger.observability;

import java.util.Objects;

/**
 * The answer of one health check: up, or down with a reason an operator can act on.
 *
 * @param up     whether the checked dependency is usable now
 * @param reason what was seen, e.g. "connected in 3 ms" or "connection refused"
 */
public record Health(boolean up, String reason) {
    public Health {
        Objects.requireNonNull(reason, "reason");
    }

    public static Health up(String reason) {
        return new Health(true, reason);
    }

    public static Health down(String reason) {
        return new Health(false, reason);
    }
}
