package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT_STATE;
import static io.paymentledger.db.jooq.Tables.OUTBOX_LANE;

import com.github.f4b6a3.ulid.UlidCreator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paymentledger.config.Env;
import io.paymentledger.outbox.OutboxEvent;
import io.paymentledger.outbox.OutboxWriter;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DSLContext;

/** Builds relays and outbox rows the way production does: configuration from an environment, rows by plain insert. */
final class RelayTestSupport {
    /**
     * Rows go in through the writer API, unvalidated: tests write what other services could, including payloads and
     * types no schema here allows.
     */
    private static final OutboxWriter WRITER = OutboxWriter.unvalidated();

    private RelayTestSupport() {
    }

    /** The relay configuration for {@code database} and {@code kafka}, with fast test timings unless overridden. */
    static RelayConfig config(TestDatabase database, KafkaNamespace kafka, String instanceId,
                              Map<String, String> overrides) {
        return RelayConfig.fromEnv(new Env(env(database, kafka, instanceId, overrides)));
    }

    /** The environment of a relay for {@code database} and {@code kafka}, fast test timings unless overridden. */
    static Map<String, String> env(TestDatabase database, KafkaNamespace kafka, String instanceId,
                                   Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(database.env());
        env.putAll(kafka.env());
        env.put("OUTBOX_INSTANCE_ID", instanceId);
        env.put("OUTBOX_POLL_INTERVAL_SECONDS", "0.2");
        env.put("OUTBOX_BASE_DELAY_SECONDS", "0.05");
        env.put("OUTBOX_MAX_DELAY_SECONDS", "0.2");
        // Several packaged relays may run at once: each takes any free port unless a test picks one.
        env.put("HTTP_PORT", "0");
        env.putAll(overrides);
        return env;
    }

    /** Housekeeping for {@code config} over {@code database}, its gauges in {@code meters}. */
    static Housekeeping housekeeping(TestDatabase database, RelayConfig config, MeterRegistry meters) {
        return housekeeping(database, config, meters, Clock.systemUTC());
    }

    /** Housekeeping for {@code config} over {@code database} on {@code clock}. */
    static Housekeeping housekeeping(TestDatabase database, RelayConfig config, Clock clock) {
        return housekeeping(database, config, new SimpleMeterRegistry(), clock);
    }

    private static Housekeeping housekeeping(TestDatabase database, RelayConfig config, MeterRegistry meters,
                                             Clock clock) {
        RelayMetrics metrics = new RelayMetrics(meters, config.instanceId());
        return new Housekeeping(new InstanceStore(database.dsl()), new RetentionStore(database.dsl()),
                new Operations(database.dsl()), config, clock,
                Relay.circuitBreaker(config.circuit(), meters), metrics, new MissingTopics(), () -> { },
                new LaneLeases(new LaneStore(database.dsl()), config.instanceId(), Clock.systemUTC(), metrics), () -> 0);
    }

    static Housekeeping housekeeping(TestDatabase database, RelayConfig config) {
        return housekeeping(database, config, new SimpleMeterRegistry());
    }

    /**
     * A failing sender: every row it is given fails with {@code error} (no real broker fails a record on demand), and
     * it counts them; dead letters go to {@code deadLetters}, the real DLQ, or fail the test when it is null.
     */
    static final class FailingSender implements Publisher {
        private final Exception error;
        private final Publisher deadLetters;
        final java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();

        FailingSender(Exception error, Publisher deadLetters) {
            this.error = error;
            this.deadLetters = deadLetters;
        }

        @Override
        public java.util.List<PublishResult> publish(java.util.List<OutboxRow> rows) {
            sent.addAndGet(rows.size());
            return rows.stream().<PublishResult>map(row -> new PublishResult.RetryLater(row, error)).toList();
        }

        @Override
        public java.util.List<PublishResult> deadLetter(java.util.List<DeadLetter> letters)
                throws InterruptedException {
            if (deadLetters == null) {
                throw new AssertionError("no row was expected to be dead-lettered: " + letters.size());
            }
            return deadLetters.deadLetter(letters);
        }

        @Override
        public String topicOf(OutboxRow row) {
            return deadLetters != null ? deadLetters.topicOf(row)
                    : "payments." + row.eventType().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public void close() {
        }
    }

    /**
     * A relay pass over {@code database} that sends through {@code publisher}, on {@code clock}, jitter fixed at 0.5;
     * it holds every lane for as long as the test needs (no relay of the test balances lanes against it), until
     * {@link #releaseLanes}.
     */
    static OutboxRelay relayOver(TestDatabase database, RelayConfig config, Publisher publisher, Clock clock) {
        MeterRegistry meters = new SimpleMeterRegistry();
        Map<Integer, Long> lanes = ownAllLanes(database, config.instanceId());
        return new OutboxRelay(new CursorStore(database.dsl()), publisher,
                new DeadLetters(io.paymentledger.schemas.EventSchemas.load(), config.instanceId()),
                Relay.circuitBreaker(config.circuit(), meters), config, clock, () -> 0.5,
                new RelayMetrics(meters, config.instanceId()), new MissingTopics(), () -> lanes);
    }

    /** Settlement rules for tests that settle by hand: 5 attempts, backoff 1-30 s, jitter fixed at 0.5. */
    static final Settlement.Rules SETTLEMENT_RULES = new Settlement.Rules(5,
            new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)), () -> 0.5);

    /** The settlement of a pass in which Kafka acknowledged every one of {@code rows}. */
    static Settlement allPublished(java.util.List<OutboxRow> rows, Instant at) {
        return Settlement.of(rows.stream().<PublishResult>map(PublishResult.Published::new).toList(),
                SETTLEMENT_RULES, at);
    }

    /** Frees the lanes {@code instance} leases, for the next relay of a test that shares the database. */
    static void releaseLanes(TestDatabase database, String instance) {
        new LaneStore(database.dsl()).release(instance, java.util.stream.IntStream.range(0, LaneStore.LANES)
                .boxed().toList());
    }

    /**
     * Gives {@code instance} every lane, each at its next epoch, leased for a day; returns lane to epoch. A test whose
     * database other relays use afterwards frees them ({@link #releaseLanes}).
     */
    static Map<Integer, Long> ownAllLanes(TestDatabase database, String instance) {
        Map<Integer, Long> lanes = new TreeMap<>();
        database.dsl().update(OUTBOX_LANE)
                .set(OUTBOX_LANE.OWNER, instance)
                .set(OUTBOX_LANE.EPOCH, OUTBOX_LANE.EPOCH.plus(1))
                .set(OUTBOX_LANE.LEASE_UNTIL, OutboxRows.utc(Instant.now().plus(Duration.ofDays(1))))
                .returning(OUTBOX_LANE.LANE, OUTBOX_LANE.EPOCH)
                .fetch()
                .forEach(r -> lanes.put(r.getLane().intValue(), r.getEpoch()));
        return lanes;
    }

    /** Runs an operator command of {@code outbox-processor.jar}, asserts it exited 0, and returns its output. */
    static String operator(TestDatabase database, String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int exit = io.paymentledger.config.CommandLines.execute(new RelayMain(new Env(database.env())),
                new java.io.PrintWriter(out), new java.io.PrintWriter(err), args);
        org.assertj.core.api.Assertions.assertThat(exit).as("exit of %s, stderr: %s", java.util.List.of(args), err)
                .isZero();
        return out.toString();
    }

    /** Inserts a PaymentAuthorized-shaped row like an external writer would; returns its event id. */
    static String insert(DSLContext dsl, String aggregateId, long version, String eventType) {
        return insert(dsl, "Payment", aggregateId, version, eventType, payload(aggregateId));
    }

    static String insert(DSLContext dsl, String aggregateType, String aggregateId, long version, String eventType,
                         String payload) {
        return WRITER.append(dsl, OutboxEvent.of(aggregateType, aggregateId, version, eventType, payload));
    }

    /**
     * Inserts {@code versions} events for each aggregate, version by version (so aggregates interleave), in
     * multi-row statements; returns the event ids.
     */
    static java.util.List<String> insertMany(DSLContext dsl, java.util.List<String> aggregates, int versions) {
        java.util.List<String> eventIds = new java.util.ArrayList<>();
        java.util.List<OutboxEvent> batch = new java.util.ArrayList<>();
        for (long version = 1; version <= versions; version++) {
            for (String aggregate : aggregates) {
                batch.add(OutboxEvent.of("Payment", aggregate, version,
                        version == 1 ? "PaymentAuthorized" : "PaymentCaptured", payload(aggregate)));
                if (batch.size() == 1_000) {
                    eventIds.addAll(WRITER.appendAll(dsl, batch));
                    batch.clear();
                }
            }
        }
        eventIds.addAll(WRITER.appendAll(dsl, batch));
        return eventIds;
    }

    static java.util.List<String> newAggregateIds(int count) {
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(newAggregateId());
        }
        return ids;
    }

    static String payload(String paymentId) {
        return "{\"payment_id\":\"" + paymentId + "\",\"payer_account_id\":\"a\",\"payee_account_id\":\"b\","
                + "\"amount_minor\":5,\"currency\":\"EUR\"}";
    }

    /** The row's state, as operators see it ({@code outbox_event_state}). */
    static String status(DSLContext dsl, String eventId) {
        return dsl.select(OUTBOX_EVENT_STATE.STATE).from(OUTBOX_EVENT_STATE)
                .where(OUTBOX_EVENT_STATE.EVENT_ID.eq(eventId))
                .fetchOne(OUTBOX_EVENT_STATE.STATE);
    }

    /** How many rows are in {@code state} ({@code outbox_event_state}). */
    static int countIn(DSLContext dsl, String state) {
        return dsl.fetchCount(OUTBOX_EVENT_STATE, OUTBOX_EVENT_STATE.STATE.eq(state));
    }

    static String newAggregateId() {
        return UlidCreator.getMonotonicUlid().toString();
    }
}
