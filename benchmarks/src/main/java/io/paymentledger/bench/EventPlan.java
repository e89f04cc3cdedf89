package io.paymentledger.bench;

import java.nio.charset.StandardCharsets;

/**
 * Which event is which: event {@code j} (0-based) is version {@code j / K + 1} of aggregate {@code j mod K}, so the
 * benchmark maps a record on Kafka back to its event from the key and the {@code aggregate_version} header alone,
 * without a map of a million event ids.
 */
final class EventPlan {
    static final String AGGREGATE_TYPE = "BenchmarkAccount";
    static final String EVENT_TYPE = "BenchmarkEvent";
    /** Warm-up events go to a topic of their own, so the measured topic holds only measured events. */
    static final String WARMUP_EVENT_TYPE = "BenchmarkWarmup";
    private static final String PREFIX = "bench-";

    private final String eventType;
    private final String prefix;
    private final int events;
    private final int aggregates;
    private final String padding;

    EventPlan(int events, int aggregates, int payloadBytes) {
        this(EVENT_TYPE, PREFIX, events, aggregates, payloadBytes);
    }

    /** The events of warm-up round {@code round}: their own event type (topic), and aggregates of their own. */
    static EventPlan warmup(int round, int events, int aggregates, int payloadBytes) {
        return new EventPlan(WARMUP_EVENT_TYPE, "warmup-" + round + "-", events, aggregates, payloadBytes);
    }

    private EventPlan(String eventType, String prefix, int events, int aggregates, int payloadBytes) {
        this.eventType = eventType;
        this.prefix = prefix;
        this.events = events;
        this.aggregates = aggregates;
        // {"n":<up to 10 digits>,"pad":"..."}: the padding fills the rest.
        this.padding = "x".repeat(Math.max(0, payloadBytes - "{\"n\":\"0000000000\",\"pad\":\"\"}".length()));
    }

    String eventType() {
        return eventType;
    }

    int events() {
        return events;
    }

    int aggregates() {
        return aggregates;
    }

    String aggregateId(int event) {
        return prefix + (event % aggregates);
    }

    long version(int event) {
        return event / aggregates + 1L;
    }

    /** The event of a record, from its key and version; -1 when it is not one of this run's events. */
    int eventOf(String aggregateId, long version) {
        if (aggregateId == null || !aggregateId.startsWith(prefix) || version < 1) {
            return -1;
        }
        int aggregate;
        try {
            aggregate = Integer.parseInt(aggregateId, prefix.length(), aggregateId.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
        long event = (version - 1) * aggregates + aggregate;
        return aggregate < aggregates && event < events ? (int) event : -1;
    }

    /** The payload JSON of an event, {@code payloadBytes} long (for up to 10-digit event numbers). */
    String payload(int event) {
        return String.format("{\"n\":\"%010d\",\"pad\":\"%s\"}", event, padding);
    }

    /** The header value as a number, or -1. */
    static long parseVersion(byte[] header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(new String(header, StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
