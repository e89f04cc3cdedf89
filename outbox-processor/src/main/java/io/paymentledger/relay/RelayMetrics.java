package io.paymentledger.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The relay's meters, all named {@code outbox_relay_*} in Prometheus and tagged {@code relay_instance}
 * ({@code OUTBOX_INSTANCE_ID}). Counters and timers are updated by the relay pass; the backlog gauges read a snapshot
 * of the whole outbox that housekeeping refreshes every {@link Housekeeping#BACKLOG_INTERVAL}.
 */
final class RelayMetrics implements RelayListener {
    static final String PREFIX = "outbox.relay.";

    private final AtomicReference<Backlog> backlog = new AtomicReference<>(Backlog.UNKNOWN);
    private final Counter claimed;
    private final Counter published;
    private final Counter transportFailures;
    private final Counter recordFailures;
    private final Counter deadLettered;
    private final Counter heldForMissingTopic;
    private final DistributionSummary batchSize;
    private final Timer batchDuration;
    private final Timer commitToAck;
    private final MultiGauge missingTopicRows;
    private final AtomicInteger lanesHeld = new AtomicInteger();

    RelayMetrics(MeterRegistry meters, String instance) {
        claimed = Counter.builder(PREFIX + "claimed").baseUnit("rows").tag("relay_instance", instance)
                .description("Rows this instance claimed").register(meters);
        published = Counter.builder(PREFIX + "published").baseUnit("events").tag("relay_instance", instance)
                .description("Events acknowledged by Kafka (acks=all)").register(meters);
        transportFailures = failures(meters, instance, "transport",
                "broker unreachable, timeouts, not enough replicas: no attempt spent, the row is released");
        recordFailures = failures(meters, instance, "record", "a failure of the record itself: one attempt spent");
        deadLettered = Counter.builder(PREFIX + "dead.lettered").baseUnit("events").tag("relay_instance", instance)
                .description("Rows sent to the dead-letter topic and marked dead").register(meters);
        heldForMissingTopic = Counter.builder(PREFIX + "topic.missing.held").baseUnit("rows")
                .tag("relay_instance", instance)
                .description("Claimed rows released without an attempt because their topic (or the dead-letter "
                        + "topic) does not exist")
                .register(meters);
        batchSize = DistributionSummary.builder(PREFIX + "batch.size").baseUnit("rows").tag("relay_instance", instance)
                .description("Rows claimed per non-empty pass").register(meters);
        batchDuration = Timer.builder(PREFIX + "batch.duration").tag("relay_instance", instance)
                .description("Claim, publish and record one non-empty batch").register(meters);
        commitToAck = Timer.builder(PREFIX + "commit.to.ack").tag("relay_instance", instance)
                .description("From the row's occurred_at (the writer's transaction) to Kafka's acknowledgement")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(meters);
        missingTopicRows = MultiGauge.builder(PREFIX + "topic.missing.rows").baseUnit("rows")
                .tag("relay_instance", instance)
                .description("Pending rows held because their topic does not exist (no attempt spent), per topic; "
                        + "no series while every topic exists")
                .register(meters);
        Gauge.builder(PREFIX + "lanes.held", lanesHeld, AtomicInteger::get)
                .baseUnit("lanes").tag("relay_instance", instance)
                .description("Lanes this instance leases: it claims the rows of their aggregates alone")
                .register(meters);
        gauge(meters, instance, "pending", "rows", "Pending rows in the outbox (all instances)", Backlog::pending);
        gauge(meters, instance, "oldest.pending.age", "seconds", "Age of the oldest pending row: the relay's lag",
                Backlog::oldestPendingAgeSeconds);
        gauge(meters, instance, "retrying", "rows", "Pending rows with failed attempts", Backlog::retrying);
        gauge(meters, instance, "dead", "rows", "Dead rows kept for inspection and redrive", Backlog::dead);
        gauge(meters, instance, "parked.aggregates", "aggregates", "Aggregates blocked by a dead row (policy park)",
                Backlog::parkedAggregates);
        gauge(meters, instance, "live.instances", "instances", "Relay instances with a recent heartbeat",
                Backlog::liveInstances);
        gauge(meters, instance, "claims.held", "rows", "Rows this instance holds claimed right now",
                Backlog::claimsHeld);
    }

    private static Counter failures(MeterRegistry meters, String instance, String kind, String description) {
        return Counter.builder(PREFIX + "failed.attempts").baseUnit("attempts").tag("relay_instance", instance)
                .tag("class", kind).description("Failed delivery attempts; class " + kind + ": " + description)
                .register(meters);
    }

    private void gauge(MeterRegistry meters, String instance, String name, String unit, String description,
                       ToDoubleFunction<Backlog> value) {
        Gauge.builder(PREFIX + name, backlog, snapshot -> value.applyAsDouble(snapshot.get())).baseUnit(unit)
                .tag("relay_instance", instance).description(description).register(meters);
    }

    @Override
    public void claimed(int rows) {
        claimed.increment(rows);
        batchSize.record(rows);
    }

    @Override
    public void batchDone(long nanos) {
        batchDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Rows acknowledged at {@code ackedAt}; each one's commit-to-ack latency is recorded. */
    @Override
    public void published(List<OutboxRow> rows, Instant ackedAt) {
        published.increment(rows.size());
        for (OutboxRow row : rows) {
            Duration latency = Duration.between(row.occurredAt(), ackedAt);
            // A writer-supplied occurred_at ahead of this host's clock would be negative: count it as zero.
            commitToAck.record(latency.isNegative() ? Duration.ZERO : latency);
        }
    }

    @Override
    public void transportFailures(int rows) {
        transportFailures.increment(rows);
    }

    @Override
    public void recordFailures(int rows) {
        recordFailures.increment(rows);
    }

    @Override
    public void heldForMissingTopic(int rows) {
        heldForMissingTopic.increment(rows);
    }

    @Override
    public void deadLettered(int rows) {
        deadLettered.increment(rows);
    }

    /** The held rows of each missing topic; a topic no longer listed loses its series. */
    @Override
    public void missingTopics(List<MissingTopics.Topic> topics) {
        missingTopicRows.register(topics.stream().map(topic -> MultiGauge.Row.of(Tags.of("topic", topic.topic()),
                topic.rowsHeld())).toList(), true);
    }

    @Override
    public void lanesHeld(int lanes) {
        lanesHeld.set(lanes);
    }

    @Override
    public void backlog(Backlog snapshot) {
        backlog.set(snapshot);
    }
}
