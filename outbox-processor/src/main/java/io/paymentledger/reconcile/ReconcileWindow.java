package io.paymentledger.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time window a reconciliation checks: outbox rows published (or dead-lettered) in {@code [from, to)}, against
 * the records Kafka timestamped in {@code [from - slack, to + slack)}. The slack covers the gap between the relay's
 * send (the record's timestamp) and the row's time (its {@code published_at}, or when it occurred for a row published by
 * position): it must cover how far the relay lags behind commits.
 */
public record ReconcileWindow(Instant from, Instant to, Duration slack) {
    private static final Pattern DURATION = Pattern.compile("^(\\d{1,9})([smhd])$");

    public ReconcileWindow {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(slack, "slack");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("the window must start before it ends, but --from " + from
                    + " is not before --to " + to);
        }
        if (slack.isNegative()) {
            throw new IllegalArgumentException("--slack must not be negative but was " + slack);
        }
    }

    /** Kafka records are read from this time on. */
    Instant readFrom() {
        return from.minus(slack);
    }

    /** ... up to (not including) this time. */
    Instant readTo() {
        return to.plus(slack);
    }

    /**
     * A duration as operators type it: {@code 90s}, {@code 30m}, {@code 1h}, {@code 2d}, or ISO-8601 ({@code PT1H}).
     *
     * @throws IllegalArgumentException naming the option and the bad value
     */
    public static Duration duration(String option, String text) {
        Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(text.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a duration; use e.g. 90s, 30m, 1h, 2d"
                    + " or PT1H");
        }
    }
}
