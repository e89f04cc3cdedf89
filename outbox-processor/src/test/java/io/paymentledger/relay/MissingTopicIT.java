package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.config.Env;
import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.schemas.Json;
import io.paymentledger.testsupport.JarProcess;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.KafkaServer;
import io.paymentledger.testsupport.LocalHttp;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A missing topic is the infrastructure's problem, not the record's: a cluster that creates topics on first use gets
 * the events; one that does not holds them (no attempt spent, nothing dead-lettered, other topics flowing, the topic
 * reported) until the topic exists; with {@code OUTBOX_TOPIC_CREATION=create} the relay creates it. Each case on a
 * real broker configured for it.
 */
class MissingTopicIT {
    private TestDatabase database;

    @BeforeEach
    void newDatabase() {
        database = TestInfrastructure.get().newDatabase("missing-topic");
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void aClusterThatCreatesTopicsOnFirstUseGetsEveryEventOfANewTypeWithNoAttemptSpent() throws Exception {
        try (KafkaServer broker = TestInfrastructure.privateKafka(Map.of("auto.create.topics.enable", "true"))) {
            KafkaNamespace kafka = KafkaNamespace.on(broker, "autocreate");
            List<String> aggregates = RelayTestSupport.newAggregateIds(150);
            for (String aggregate : aggregates) {
                RelayTestSupport.insert(database.dsl(), aggregate, 1, "PaymentAuthorized");
                RelayTestSupport.insert(database.dsl(), aggregate, 2, "PaymentSettled");
            }

            try (Relay relay = Relay.create(RelayTestSupport.config(database, kafka, "auto-create", Map.of()),
                    database.dataSource(), Clock.systemUTC())) {
                relay.start();
                await().atMost(Duration.ofSeconds(90)).until(() -> pending() == 0);
                assertThat(relay.missingTopics()).isEmpty();
            }

            assertThat(totalAttempts()).as("attempts spent").isZero();
            assertThat(count(OutboxStatus.DEAD)).isZero();
            assertThat(keys(kafka.readFromBeginning("paymentsettled", 150, Duration.ofSeconds(30))))
                    .containsExactlyInAnyOrderElementsOf(aggregates);
            assertThat(keys(kafka.readFromBeginning("paymentauthorized", 150, Duration.ofSeconds(30))))
                    .containsExactlyInAnyOrderElementsOf(aggregates);
        }
    }

    @Test
    void aClusterThatDoesNotCreateTopicsHoldsTheRowsReportsTheTopicAndDeliversWithinSecondsOfItsCreation()
            throws Exception {
        try (KafkaServer broker = TestInfrastructure.privateKafka(Map.of("auto.create.topics.enable", "false"))) {
            KafkaNamespace kafka = KafkaNamespace.on(broker, "held");
            kafka.createTopics(1, "paymentauthorized", "dlq");
            String missingTopic = kafka.topic("paymentdisputed");
            List<String> held = RelayTestSupport.newAggregateIds(40);
            for (String aggregate : held) {
                RelayTestSupport.insert(database.dsl(), aggregate, 1, "PaymentAuthorized");
                RelayTestSupport.insert(database.dsl(), aggregate, 2, "PaymentDisputed");
                RelayTestSupport.insert(database.dsl(), aggregate, 3, "PaymentAuthorized");
            }
            List<String> flowing = RelayTestSupport.newAggregateIds(60);
            flowing.forEach(aggregate -> RelayTestSupport.insert(database.dsl(), aggregate, 1, "PaymentAuthorized"));

            int port = LocalHttp.freePort();
            // Two attempts and short backoff: were a held row charged attempts, it would be dead within a second.
            Map<String, String> env = new HashMap<>(RelayTestSupport.env(database, kafka, "held-relay",
                    Map.of("HTTP_PORT", String.valueOf(port), "OUTBOX_MAX_RETRIES", "2")));
            try (JarProcess relay = RelayProcess.start(RelayConfig.fromEnv(new Env(env)), env)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> published() == held.size() + flowing.size());

                assertReported(port, missingTopic, held.size());
                assertThat(pending()).as("not delivered, waiting in the retry set").isEqualTo(2L * held.size());
                assertThat(totalAttempts()).as("attempts spent").isZero();
                assertThat(count(OutboxStatus.DEAD)).isZero();
                assertThat(kafka.readFromBeginning("dlq", 1, Duration.ofSeconds(3))).as("dead letters").isEmpty();
                assertThat(warnings(relay, missingTopic)).as("WARN lines about the topic, not one per row")
                        .isEqualTo(1);

                kafka.createTopics(1, "paymentdisputed");
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .until(() -> pending() == 0);

                await().atMost(Duration.ofSeconds(10)).until(() -> !readiness(port).contains(missingTopic));
                await().atMost(Duration.ofSeconds(10)).until(() -> RelayTestSupport.operator(database, "status",
                        "--json").contains("\"missing_topics\":[]"));
            }
            assertThat(keys(kafka.readFromBeginning("paymentdisputed", held.size(), Duration.ofSeconds(30))))
                    .containsExactlyInAnyOrderElementsOf(held);
            assertVersionsInOrder(kafka.readFromBeginning("paymentauthorized", 2 * held.size() + flowing.size(),
                    Duration.ofSeconds(30)));
            assertThat(totalAttempts()).isZero();
        }
    }

    @Test
    void createModeCreatesMissingTopicsAndTheDeadLetterTopicWithTheConfiguredSettings() throws Exception {
        KafkaNamespace kafka = TestInfrastructure.get().newKafkaNamespace("create-mode");
        List<String> aggregates = RelayTestSupport.newAggregateIds(50);
        aggregates.forEach(aggregate -> RelayTestSupport.insert(database.dsl(), aggregate, 1, "PaymentAuthorized"));
        String tooLarge = RelayTestSupport.insert(database.dsl(), "Payment", RelayTestSupport.newAggregateId(), 1,
                "PaymentAuthorized", "{\"blob\":\"" + "x".repeat(1_200_000) + "\"}");
        Map<String, String> creation = Map.of("OUTBOX_TOPIC_CREATION", "create", "OUTBOX_TOPIC_PARTITIONS", "3",
                "OUTBOX_TOPIC_REPLICATION_FACTOR", "1", "OUTBOX_TOPIC_MIN_INSYNC_REPLICAS", "1");

        try (Relay relay = Relay.create(RelayTestSupport.config(database, kafka, "creator", creation),
                database.dataSource(), Clock.systemUTC())) {
            relay.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> pending() == 0);
        }

        assertThat(RelayTestSupport.status(database.dsl(), tooLarge)).isEqualTo(OutboxStatus.DEAD);
        assertThat(count(OutboxStatus.PUBLISHED)).isEqualTo(aggregates.size());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(kafka.topic("paymentauthorized"),
                    kafka.topic("dlq"))).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(topics.values()).allSatisfy(topic -> assertThat(topic.partitions()).hasSize(3));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, kafka.topic("paymentauthorized"));
            assertThat(admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                    .get("min.insync.replicas").value()).isEqualTo("1");
        }
        assertThat(keys(kafka.readFromBeginning("paymentauthorized", aggregates.size(), Duration.ofSeconds(30))))
                .containsExactlyInAnyOrderElementsOf(aggregates);
        assertThat(kafka.readFromBeginning("dlq", 1, Duration.ofSeconds(30))).hasSize(1);
    }

    /** The missing topic and its held rows in status (text and JSON), the gauge, and readiness (still 200). */
    private void assertReported(int port, String topic, int heldRows) throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode status = Json.mapper().readTree(RelayTestSupport.operator(database, "status", "--json"));
            JsonNode reported = status.path("missing_topics").path(0);
            assertThat(reported.path("topic").asText()).isEqualTo(topic);
            assertThat(reported.path("rows_held").asLong()).isEqualTo(heldRows);
            assertThat(reported.path("instances").toString()).contains("held-relay");
        });
        assertThat(RelayTestSupport.operator(database, "status")).contains("missing topics:     1")
                .contains(topic + "  " + heldRows + " rows held");
        await().atMost(Duration.ofSeconds(30)).until(() -> LocalHttp.sample(LocalHttp.get(port, "/metrics").body(),
                "outbox_relay_topic_missing_rows", "topic=\"" + topic + "\"").orElse(-1) == heldRows);
        var ready = LocalHttp.get(port, "/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode check = Json.mapper().readTree(ready.body()).path("checks").path("kafka_topics");
        assertThat(check.path("status").asText()).isEqualTo("UP");
        assertThat(check.path("reason").asText()).contains("1 topic(s) missing").contains(topic);
    }

    private static String readiness(int port) throws Exception {
        return LocalHttp.get(port, "/health/ready").body();
    }

    private static long warnings(JarProcess relay, String topic) throws Exception {
        return Files.readAllLines(relay.logFile().toPath()).stream()
                .filter(line -> line.contains("WARN") && line.contains("Topic " + topic + " does not exist"))
                .count();
    }

    /** Per aggregate, the versions read from one partition come in ascending order. */
    private static void assertVersionsInOrder(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, List<Long>> versions = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            long version = Long.parseLong(new String(record.headers().lastHeader("aggregate_version").value(),
                    java.nio.charset.StandardCharsets.UTF_8));
            versions.computeIfAbsent(record.key(), key -> new ArrayList<>()).add(version);
        }
        versions.forEach((aggregate, seen) -> assertThat(seen).as(aggregate).isSorted());
    }

    private static Set<String> keys(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }

    /** Rows not delivered yet: new ones, and those waiting in the retry set. */
    private long pending() {
        return count(OutboxStatus.PENDING) + count(OutboxStatus.RETRYING);
    }

    private long published() {
        return count(OutboxStatus.PUBLISHED);
    }

    private long count(String status) {
        return RelayTestSupport.countIn(database.dsl(), status);
    }

    private long totalAttempts() {
        return database.dsl().select(DSL.sum(OUTBOX_EVENT.ATTEMPTS)).from(OUTBOX_EVENT)
                .fetchOptional(0, Long.class).orElse(0L);
    }
}
