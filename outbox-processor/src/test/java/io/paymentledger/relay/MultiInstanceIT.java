package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT_STATE;
import static io.paymentledger.db.jooq.Tables.OUTBOX_LANE;
import static io.paymentledger.db.jooq.Tables.OUTBOX_RELAY_INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paymentledger.config.Env;
import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.testsupport.JarProcess;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.LocalHttp;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two relay instances on one database: a packaged relay process and one in this JVM. In steady state nothing is
 * published twice, order per aggregate holds, the lanes are split evenly and both instances publish; when the process
 * is killed (SIGKILL) in the middle of a backlog, another instance takes its lanes over and delivers its next rows
 * within 10 s, going on from the lanes' cursors, and order per aggregate still holds.
 */
class MultiInstanceIT {
    private static TestDatabase database;
    private static KafkaNamespace kafka;

    @BeforeAll
    static void createTopics() {
        database = TestInfrastructure.get().newDatabase("multi-instance");
        kafka = TestInfrastructure.get().newKafkaNamespace("multi-instance");
        kafka.createTopics(1, "dlq");
        kafka.createTopics(3, "payment");
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void twoInstancesShareTheWorkAndOneTakesOverWhenTheOtherIsKilled() throws Exception {
        Map<String, String> routing = Map.of("OUTBOX_TOPIC_ROUTING", "aggregate-type", "OUTBOX_BATCH_SIZE", "200");
        int processPort = LocalHttp.freePort();
        Map<String, String> env = new HashMap<>(RelayTestSupport.env(database, kafka, "relay-process", routing));
        env.put("HTTP_PORT", String.valueOf(processPort));
        SimpleMeterRegistry inJvmMeters = new SimpleMeterRegistry();
        List<String> steady;
        try (JarProcess process = RelayProcess.start(RelayConfig.fromEnv(new Env(env)), env)) {
            Relay inJvm = Relay.create(RelayTestSupport.config(database, kafka, "relay-in-jvm", routing),
                    database.dataSource(), Clock.systemUTC(), inJvmMeters);
            inJvm.start();
            // Both instances hold their half of the lanes before any row exists, or one could drain everything.
            await().atMost(Duration.ofSeconds(60)).until(() -> database.dsl().fetchExists(OUTBOX_RELAY_INSTANCE,
                    OUTBOX_RELAY_INSTANCE.INSTANCE_ID.eq("relay-process")));
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(lanesByOwner())
                    .as("lanes split evenly").isEqualTo(Map.of("relay-process", 16, "relay-in-jvm", 16)));
            steady = RelayTestSupport.insertMany(database.dsl(), RelayTestSupport.newAggregateIds(300), 5);
            await().atMost(Duration.ofSeconds(60)).until(() -> published() == steady.size());
            List<ConsumerRecord<String, byte[]>> steadyRecords =
                    kafka.readFromBeginning("payment", steady.size(), Duration.ofSeconds(30));
            assertThat(steadyRecords).as("no duplicates in steady state").hasSize(steady.size());
            assertThat(eventIds(steadyRecords)).containsExactlyInAnyOrderElementsOf(steady);
            assertVersionOrderPerAggregate(steadyRecords);
            double byProcess = LocalHttp.sample(LocalHttp.get(processPort, "/metrics").body(),
                    "outbox_relay_published_events_total").orElse(0);
            double byInJvm = inJvmMeters.get("outbox.relay.published").counter().count();
            assertThat(byProcess).as("events the process published").isPositive();
            assertThat(byInJvm).as("events the in-JVM relay published").isPositive();
            assertThat(byProcess + byInJvm).as("every steady event published once").isEqualTo(steady.size());

            // The in-JVM relay steps aside for the backlog: a relay looping on a backlog can win every pass, and the
            // process must be caught holding rows. A fresh in-JVM instance then takes over from the killed process.
            inJvm.close();
            List<String> backlog = RelayTestSupport.insertMany(database.dsl(),
                    RelayTestSupport.newAggregateIds(2_000), 10);
            // The process is killed in the middle of the backlog: once it has delivered some of it, it is frozen
            // and killed while frozen, so the rows read as not delivered are exactly those it dies without.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> published() > steady.size());
            process.suspend();
            List<Long> orphaned = undelivered(200);
            process.kill();
            process.awaitExit(10);
            assertThat(orphaned).as("rows the killed relay had not delivered").isNotEmpty();

            try (Relay takeOver = Relay.create(RelayTestSupport.config(database, kafka, "relay-in-jvm-2", routing),
                    database.dataSource(), Clock.systemUTC())) {
                takeOver.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> database.dsl().fetchCount(OUTBOX_EVENT_STATE,
                        OUTBOX_EVENT_STATE.ID.in(orphaned).and(OUTBOX_EVENT_STATE.STATE.eq(OutboxStatus.PUBLISHED)))
                        == orphaned.size());
                await().atMost(Duration.ofSeconds(120)).until(() -> published() == steady.size() + backlog.size());
                assertThat(lanesByOwner()).isEqualTo(Map.of("relay-in-jvm-2", LaneStore.LANES));
            }
        }
        List<ConsumerRecord<String, byte[]>> all = kafka.readFromBeginning("payment", 22_000, Duration.ofSeconds(60));
        assertThat(eventIds(all)).containsAll(steady);
        assertVersionOrderPerAggregate(all);
    }

    /** Per aggregate, the first delivery of each version comes in version order (a re-sent duplicate may follow). */
    private static void assertVersionOrderPerAggregate(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, Set<Long>> firstSeen = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            firstSeen.computeIfAbsent(record.key(), k -> new LinkedHashSet<>()).add(Long.parseLong(
                    new String(record.headers().lastHeader("aggregate_version").value(), StandardCharsets.UTF_8)));
        }
        firstSeen.forEach((aggregate, versions) -> {
            List<Long> expected = new ArrayList<>();
            for (long v = 1; v <= versions.size(); v++) {
                expected.add(v);
            }
            assertThat(new ArrayList<>(versions)).as("versions of %s", aggregate).isEqualTo(expected);
        });
    }

    private static List<String> eventIds(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream()
                .map(r -> new String(r.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8)).toList();
    }

    /** How many unexpired lanes each instance leases. */
    private static Map<String, Integer> lanesByOwner() {
        Map<String, Integer> byOwner = new HashMap<>();
        database.dsl().select(OUTBOX_LANE.OWNER, DSL.count()).from(OUTBOX_LANE)
                .where(OUTBOX_LANE.LEASE_UNTIL.gt(DSL.currentOffsetDateTime()))
                .groupBy(OUTBOX_LANE.OWNER)
                .fetch()
                .forEach(r -> byOwner.put(r.value1(), r.value2()));
        return byOwner;
    }

    private static int published() {
        return RelayTestSupport.countIn(database.dsl(), OutboxStatus.PUBLISHED);
    }

    /** The first {@code limit} rows, by id, not delivered yet. */
    private static List<Long> undelivered(int limit) {
        return database.dsl().select(OUTBOX_EVENT_STATE.ID).from(OUTBOX_EVENT_STATE)
                .where(OUTBOX_EVENT_STATE.STATE.in(OutboxStatus.PENDING, OutboxStatus.RETRYING))
                .orderBy(OUTBOX_EVENT_STATE.ID)
                .limit(limit)
                .fetch(OUTBOX_EVENT_STATE.ID);
    }
}
