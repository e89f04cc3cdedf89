package io.paymentledger.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Counts what the consumer did, as meters named {@code notification_consumer_*} in Prometheus; thread-safe. The
 * service's minute log line reads the same counters.
 */
public final class ConsumerStats implements ConsumptionListener {
    static final String PREFIX = "notification.consumer.";

    private final Clock clock;
    private final Counter consumed;
    private final Counter duplicates;
    private final Counter gaps;
    private final Counter late;
    private final Map<Validation.RejectReason, Counter> rejected = new EnumMap<>(Validation.RejectReason.class);
    private final Timer eventLatency;
    private final Timer batchDuration;
    private final DistributionSummary batchSize;

    /** Counters nobody exports (tests, benchmarks). */
    public ConsumerStats() {
        this(new SimpleMeterRegistry(), Clock.systemUTC());
    }

    public ConsumerStats(MeterRegistry meters, Clock clock) {
        this.clock = clock;
        consumed = counter(meters, "consumed", "events", "Events applied, each giving one notification");
        duplicates = counter(meters, "duplicates.dropped", "events", "Events dropped as already processed (by id)");
        gaps = counter(meters, "version.gaps", "events", "Events above their aggregate's highest applied version + 1");
        late = counter(meters, "late.predecessors", "events", "Events below their aggregate's highest applied version");
        for (Validation.RejectReason reason : Validation.RejectReason.values()) {
            rejected.put(reason, Counter.builder(PREFIX + "rejected").baseUnit("records").tag("reason", reason.code())
                    .description("Records rejected and stored with their reason, never retried").register(meters));
        }
        eventLatency = Timer.builder(PREFIX + "event.latency")
                .description("From the event's occurred_at to its notification's commit")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(meters);
        batchDuration = Timer.builder(PREFIX + "batch.duration")
                .description("Validate, apply in one transaction and commit the offsets of one poll")
                .publishPercentileHistogram().register(meters);
        batchSize = DistributionSummary.builder(PREFIX + "batch.size").baseUnit("records")
                .description("Records per poll").register(meters);
    }

    private static Counter counter(MeterRegistry meters, String name, String unit, String description) {
        return Counter.builder(PREFIX + name).baseUnit(unit).description(description).register(meters);
    }

    @Override
    public void processed(Envelope envelope, boolean duplicate) {
        if (duplicate) {
            duplicates.increment();
            return;
        }
        consumed.increment();
        Duration latency = Duration.between(envelope.occurredAt(), clock.instant());
        eventLatency.record(latency.isNegative() ? Duration.ZERO : latency);
    }

    @Override
    public void rejected(String topic, int partition, long offset, Validation.Invalid verdict) {
        rejected.get(verdict.reason()).increment();
    }

    @Override
    public void gap(Envelope envelope, long highestBefore) {
        gaps.increment();
    }

    @Override
    public void late(Envelope envelope, long highestBefore) {
        late.increment();
    }

    @Override
    public void batchHandled(int records, long nanos) {
        batchSize.record(records);
        batchDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Events applied (each gave one notification). */
    public long consumed() {
        return (long) consumed.count();
    }

    public long duplicates() {
        return (long) duplicates.count();
    }

    public long gaps() {
        return (long) gaps.count();
    }

    public long late() {
        return (long) late.count();
    }

    public long rejected(Validation.RejectReason reason) {
        return (long) rejected.get(reason).count();
    }

    /** Records rejected for any reason. */
    public long rejectedTotal() {
        return rejected.keySet().stream().mapToLong(this::rejected).sum();
    }

    /** One line for the log, e.g. "consumed 120, duplicates dropped 3, rejected 1 (malformed_json 1), gaps 0, late 0". */
    public String summary() {
        String byReason = rejected.keySet().stream().filter(reason -> rejected(reason) > 0)
                .map(reason -> reason.code() + " " + rejected(reason))
                .collect(Collectors.joining(", "));
        return "consumed " + consumed() + ", duplicates dropped " + duplicates() + ", rejected " + rejectedTotal()
                + (byReason.isEmpty() ? "" : " (" + byReason + ")") + ", gaps " + gaps() + ", late " + late();
    }
}
