package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymentledger.config.Env;
import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.testsupport.JarProcess;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.LocalHttp;
import io.paymentledger.testsupport.SaslKafka;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relay on a cluster that demands SASL (SASL_PLAINTEXT, PLAIN): with the right password it publishes through
 * the {@code KAFKA_*} pass-through; with a wrong one it spends no attempt, and its readiness says why.
 */
class SecuredKafkaIT {
    private static SaslKafka sasl;
    private static KafkaNamespace topics;
    private static TestDatabase database;

    @BeforeAll
    static void startSecuredBroker() {
        sasl = TestInfrastructure.privateSaslKafka("ledger", "ledger-secret");
        topics = sasl.namespace("secured-relay");
        topics.createTopics(1, "paymentauthorized", "dlq");
        database = TestInfrastructure.get().newDatabase("secured-relay");
    }

    @AfterAll
    static void stop() {
        database.close();
        sasl.close();
    }

    @Test
    void theRelayAuthenticatesAndPublishes() {
        String eventId = RelayTestSupport.insert(database.dsl(), RelayTestSupport.newAggregateIds(1).get(0), 1, "PaymentAuthorized");
        RelayConfig config = RelayConfig.fromEnv(new Env(env("relay-sasl", "ledger-secret")));
        assertThat(config.toString()).contains("sasl.jaas.config=****").doesNotContain("ledger-secret");
        try (Relay relay = Relay.create(config, database.dataSource(), Clock.systemUTC())) {
            relay.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> status(eventId).equals(OutboxStatus.PUBLISHED));
        }
        List<ConsumerRecord<String, byte[]>> records = topics.readToEnd("paymentauthorized", Duration.ofSeconds(30));
        assertThat(records).extracting(r -> new String(r.headers().lastHeader("event_id").value(),
                StandardCharsets.UTF_8)).contains(eventId);
    }

    @Test
    void aWrongPasswordSpendsNoAttemptAndReadinessNamesTheRefusedCredentials() throws Exception {
        String eventId = RelayTestSupport.insert(database.dsl(), RelayTestSupport.newAggregateIds(1).get(0), 1, "PaymentAuthorized");
        Map<String, String> env = env("relay-wrong-password", "not-the-password");
        int port = LocalHttp.freePort();
        env.put("HTTP_PORT", String.valueOf(port));
        try (JarProcess process = RelayProcess.start(RelayConfig.fromEnv(new Env(env)), env)) {
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
                HttpResponse<String> ready = LocalHttp.get(port, "/health/ready");
                return ready.statusCode() == 503 && ready.body().contains("Kafka refused the credentials");
            });
            assertThat(LocalHttp.get(port, "/health/ready").body()).contains("KAFKA_SASL_JAAS_CONFIG")
                    .doesNotContain("not-the-password");
            assertThat(process.output()).contains("Kafka refused the credentials").doesNotContain("not-the-password");
        }
        assertThat(status(eventId)).isEqualTo(OutboxStatus.PENDING);
        assertThat(database.dsl().select(OUTBOX_EVENT.ATTEMPTS).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).fetchSingle(OUTBOX_EVENT.ATTEMPTS)).isZero();
    }

    private static Map<String, String> env(String instanceId, String password) {
        Map<String, String> env = new HashMap<>(RelayTestSupport.env(database, topics, instanceId, Map.of()));
        env.putAll(sasl.clientEnv(topics, "ledger", password));
        return env;
    }

    private static String status(String eventId) {
        return RelayTestSupport.status(database.dsl(), eventId);
    }
}
