package io.paymentledger.consumer;

import static io.paymentledger.consumer.ConsumerTestSupport.event;
import static io.paymentledger.consumer.ConsumerTestSupport.newId;
import static io.paymentledger.consumer.ConsumerTestSupport.notifications;
import static io.paymentledger.consumer.ConsumerTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paymentledger.testsupport.JarProcess;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.LocalHttp;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged consumer's HTTP endpoint: its meters count what it did, and readiness follows the database. */
class ConsumerObservabilityIT {
    private static final Path JAR = Path.of("target", "sample-consumer.jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestDatabase database;
    private static KafkaNamespace kafka;

    @BeforeAll
    static void createTopics() {
        database = TestInfrastructure.get().newDatabase("consumer-observability");
        kafka = TestInfrastructure.get().newKafkaNamespace("consumer-observability");
        kafka.createTopics(1, "paymentauthorized", "paymentcaptured", "dlq");
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void metersCountConsumedDuplicatesRejectionsAndGapsAndReadinessFollowsTheDatabase() throws Exception {
        String payment = newId();
        String first = newId();
        try (KafkaProducer<String, byte[]> producer = ConsumerTestSupport.producer(kafka)) {
            send(producer, kafka, "paymentauthorized", payment, event(first, "PaymentAuthorized", payment, 1, 100));
            send(producer, kafka, "paymentauthorized", payment, event(first, "PaymentAuthorized", payment, 1, 100));
            send(producer, kafka, "paymentcaptured", payment, event(newId(), "PaymentCaptured", payment, 3, 100));
            send(producer, kafka, "paymentauthorized", "junk", "not json".getBytes(StandardCharsets.UTF_8))
                    .get(30, TimeUnit.SECONDS);
        }
        int port = LocalHttp.freePort();
        Map<String, String> env = new HashMap<>(ConsumerTestSupport.env(database, kafka, "observed"));
        env.put("HTTP_PORT", String.valueOf(port));
        try (JarProcess process = JarProcess.start(JAR, "consumer-observed", env, "run")) {
            await().atMost(Duration.ofSeconds(90)).until(() -> notifications(database, "observed") == 2);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> LocalHttp.sample(
                    LocalHttp.get(port, "/metrics").body(), "notification_consumer_rejected_records_total",
                    "reason=\"malformed_json\"").orElse(0) == 1);
            String scrape = LocalHttp.get(port, "/metrics").body();
            assertThat(LocalHttp.sample(scrape, "notification_consumer_consumed_events_total")).hasValue(2);
            assertThat(LocalHttp.sample(scrape, "notification_consumer_duplicates_dropped_events_total")).hasValue(1);
            assertThat(LocalHttp.sample(scrape, "notification_consumer_version_gaps_events_total")).hasValue(1);
            assertThat(LocalHttp.sample(scrape, "notification_consumer_rejected_records_total",
                    "reason=\"invalid_payload\"")).hasValue(0);
            assertThat(LocalHttp.sample(scrape, "notification_consumer_event_latency_seconds_count")).hasValue(2);
            assertThat(LocalHttp.sample(scrape, "notification_consumer_batch_duration_seconds_count").orElse(0))
                    .isGreaterThanOrEqualTo(1);
            assertThat(LocalHttp.sample(scrape, "kafka_consumer_fetch_manager_records_lag_max")).isPresent();
            assertThat(scrape).contains("application=\"notification-consumer\"");

            assertReadinessFollowsTheDatabase(port);
        }
    }

    private static void assertReadinessFollowsTheDatabase(int port) throws Exception {
        assertThat(LocalHttp.get(port, "/health/ready").statusCode()).isEqualTo(200);
        try (TestDatabase.Outage outage = database.takeOffline()) {
            assertThat(LocalHttp.get(port, "/health/ready").statusCode()).isEqualTo(503);
            JsonNode body = JSON.readTree(LocalHttp.get(port, "/health/ready").body());
            assertThat(body.path("checks").path("database").path("reason").asText())
                    .contains("not currently accepting connections");
            assertThat(LocalHttp.get(port, "/health/live").statusCode()).isEqualTo(200);
        }
        assertThat(LocalHttp.get(port, "/health/ready").statusCode()).isEqualTo(200);
    }
}
