package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paymentledger.config.Env;
import io.paymentledger.testsupport.JarProcess;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.LocalHttp;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged relay's HTTP endpoint and logs: its metrics move as it relays, readiness follows the database, and
 * with {@code LOG_FORMAT=json} every log line is one JSON object.
 */
class RelayObservabilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestDatabase database;
    private static KafkaNamespace kafka;

    @BeforeAll
    static void createTopics() {
        database = TestInfrastructure.get().newDatabase("observability");
        kafka = TestInfrastructure.get().newKafkaNamespace("observability");
        kafka.createTopics(1, "dlq", "paymentauthorized", "paymentcaptured");
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void metricsMoveAsRowsArePublishedAndReadinessFollowsTheDatabase() throws Exception {
        int port = LocalHttp.freePort();
        Map<String, String> env = new HashMap<>(RelayTestSupport.env(database, kafka, "observed-relay",
                Map.of("HTTP_PORT", String.valueOf(port), "LOG_FORMAT", "json")));
        try (JarProcess process = RelayProcess.start(RelayConfig.fromEnv(new Env(env)), env)) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> LocalHttp.get(port, "/health/live").statusCode() == 200);
            assertReady(port);

            RelayTestSupport.insertMany(database.dsl(), RelayTestSupport.newAggregateIds(250), 2);
            await().atMost(Duration.ofSeconds(60)).until(() -> published(port) >= 500);
            String scrape = LocalHttp.get(port, "/metrics").body();
            assertRelayMeters(scrape);
            await().atMost(Duration.ofSeconds(15)).until(() -> LocalHttp.sample(
                    LocalHttp.get(port, "/metrics").body(), "outbox_relay_pending_rows").orElse(-1) == 0);

            assertReadinessTurnsDownWithoutTheDatabaseAndBack(port);
            process.terminate();
            assertThat(process.awaitExit(30)).isZero();
            assertEveryLogLineIsJson(process);
        }
    }

    private static void assertReady(int port) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> LocalHttp.get(port, "/health/ready").statusCode() == 200);
        JsonNode body = JSON.readTree(LocalHttp.get(port, "/health/ready").body());
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.path("checks").path("database").path("status").asText()).isEqualTo("UP");
        assertThat(body.path("checks").path("kafka_circuit").path("reason").asText())
                .isEqualTo("Kafka circuit breaker CLOSED");
    }

    private static void assertRelayMeters(String scrape) {
        String instance = "relay_instance=\"observed-relay\"";
        assertThat(LocalHttp.sample(scrape, "outbox_relay_claimed_rows_total", instance)).hasValue(500);
        assertThat(LocalHttp.sample(scrape, "outbox_relay_commit_to_ack_seconds_count", instance)).hasValue(500);
        assertThat(LocalHttp.sample(scrape, "outbox_relay_commit_to_ack_seconds_bucket", instance, "le=\"+Inf\""))
                .hasValue(500);
        assertThat(LocalHttp.sample(scrape, "outbox_relay_batch_size_rows_count", instance)).isPresent();
        assertThat(LocalHttp.sample(scrape, "outbox_relay_batch_duration_seconds_count", instance)).isPresent();
        assertThat(LocalHttp.sample(scrape, "outbox_relay_failed_attempts_total", "class=\"transport\""))
                .hasValue(0);
        assertThat(LocalHttp.sample(scrape, "outbox_relay_failed_attempts_total", "class=\"record\"")).hasValue(0);
        assertThat(LocalHttp.sample(scrape, "outbox_relay_dead_lettered_events_total", instance)).hasValue(0);
        for (String gauge : List.of("outbox_relay_oldest_pending_age_seconds", "outbox_relay_retrying_rows",
                "outbox_relay_dead_rows", "outbox_relay_parked_aggregates", "outbox_relay_live_instances",
                "outbox_relay_claims_held_rows")) {
            assertThat(LocalHttp.sample(scrape, gauge, instance)).as(gauge).isPresent();
        }
        assertThat(LocalHttp.sample(scrape, "resilience4j_circuitbreaker_state", "name=\"kafka\"",
                "state=\"closed\"")).hasValue(1);
        assertThat(LocalHttp.sample(scrape, "kafka_producer_record_send_total").orElse(0))
                .isGreaterThanOrEqualTo(500);
        assertThat(scrape).contains("application=\"outbox-relay\"").contains("jvm_memory_used_bytes");
    }

    private static void assertReadinessTurnsDownWithoutTheDatabaseAndBack(int port) throws Exception {
        try (TestDatabase.Outage outage = database.takeOffline()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> LocalHttp.get(port, "/health/ready").statusCode() == 503);
            JsonNode body = JSON.readTree(LocalHttp.get(port, "/health/ready").body());
            assertThat(body.path("status").asText()).isEqualTo("DOWN");
            assertThat(body.path("checks").path("database").path("status").asText()).isEqualTo("DOWN");
            assertThat(body.path("checks").path("database").path("reason").asText())
                    .startsWith("database unreachable:").contains("not currently accepting connections");
            assertThat(LocalHttp.get(port, "/health/live").statusCode()).isEqualTo(200);
        }
        assertReady(port);
    }

    private static void assertEveryLogLineIsJson(JarProcess process) throws IOException {
        List<String> lines = Files.readAllLines(process.logFile().toPath());
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            JsonNode json = JSON.readTree(line);
            assertThat(json.path("level").asText()).as(line).isNotEmpty();
            assertThat(json.path("message").asText()).as(line).isNotEmpty();
        }
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("HTTP endpoint listening on port"));
    }

    private static double published(int port) throws IOException, InterruptedException {
        HttpResponse<String> metrics = LocalHttp.get(port, "/metrics");
        return LocalHttp.sample(metrics.body(), "outbox_relay_published_events_total").orElse(0);
    }
}
