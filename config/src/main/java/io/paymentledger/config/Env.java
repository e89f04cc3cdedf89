package io.paymentledger.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Typed, validated reads of environment variables. Every failure is a {@link ConfigException} naming the variable
 * and the bad value; nothing is silently corrected. Blank values count as unset.
 */
public final class Env {
    private final Map<String, String> variables;

    public Env(Map<String, String> variables) {
        this.variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
    }

    /** The process environment. */
    public static Env system() {
        return new Env(System.getenv());
    }

    public Optional<String> optional(String name) {
        String value = variables.get(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.trim());
    }

    /** Every set variable whose name starts with {@code prefix}, by full name, in name order. */
    public java.util.SortedMap<String, String> startingWith(String prefix) {
        java.util.SortedMap<String, String> matching = new java.util.TreeMap<>();
        variables.forEach((name, value) -> {
            if (name.startsWith(prefix) && !value.isBlank()) {
                matching.put(name, value.trim());
            }
        });
        return matching;
    }

    public String required(String name, String whatItIs) {
        return optional(name).orElseThrow(() -> new ConfigException(name,
                "is not set; set it to " + whatItIs));
    }

    public String string(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    public int integer(String name, int defaultValue, int min, int max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value < min || value > max) {
                throw outOfRange(name, raw.get(), min, max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "'" + raw.get() + "' is not an integer; use a whole number between "
                    + min + " and " + max);
        }
    }

    /**
     * A duration given in (possibly fractional) seconds, e.g. {@code 0.25} or {@code 60}.
     */
    public Duration seconds(String name, Duration defaultValue, Duration min, Duration max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        Duration value;
        try {
            double seconds = Double.parseDouble(raw.get());
            if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
                throw new NumberFormatException(raw.get());
            }
            value = Duration.ofNanos(Math.round(seconds * 1_000_000_000d));
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "'" + raw.get() + "' is not a number of seconds; use e.g. 1.5");
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ConfigException(name, "'" + raw.get() + "' is out of range; use between "
                    + formatSeconds(min) + " and " + formatSeconds(max) + " seconds");
        }
        return value;
    }

    /** An enum option written in kebab-case in the environment, e.g. {@code event-type} for {@code EVENT_TYPE}. */
    public <E extends Enum<E>> E option(String name, Class<E> type, E defaultValue) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        String constant = raw.get().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E candidate : type.getEnumConstants()) {
            if (candidate.name().equals(constant)) {
                return candidate;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E candidate : type.getEnumConstants()) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(kebab(candidate));
        }
        throw new ConfigException(name, "'" + raw.get() + "' is not one of: " + allowed);
    }

    /** The kebab-case spelling of an enum option, as operators write it. */
    public static String kebab(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static ConfigException outOfRange(String name, String raw, long min, long max) {
        return new ConfigException(name, "'" + raw + "' is out of range; use between " + min + " and " + max);
    }

    private static String formatSeconds(Duration duration) {
        return java.math.BigDecimal.valueOf(duration.toNanos(), 9).stripTrailingZeros().toPlainString();
    }
}
