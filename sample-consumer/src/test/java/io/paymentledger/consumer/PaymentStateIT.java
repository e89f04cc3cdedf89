package io.paymentledger.consumer;

import static io.paymentledger.consumer.ConsumerTestSupport.event;
import static io.paymentledger.consumer.ConsumerTestSupport.newId;
import static io.paymentledger.consumer.ConsumerTestSupport.send;
import static io.paymentledger.db.jooq.Tables.PAYMENT_STATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.config.Env;
import io.paymentledger.consumer.state.PaymentProjection;
import io.paymentledger.consumer.state.PaymentState;
import io.paymentledger.consumer.state.PaymentStateJson;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.schemas.Json;
import io.paymentledger.testsupport.CommandRun;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The payment state projection on a real broker and database: events out of order across topics, the compacted
 * state topic, {@code state} and {@code rebuild-state}.
 */
class PaymentStateIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final EventSchemas SCHEMAS = EventSchemas.load();
    private static TestDatabase database;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() {
        database = TestInfrastructure.get().newDatabase("payment-state");
        producer = ConsumerTestSupport.producer(TestInfrastructure.get().newKafkaNamespace("payment-state-producer"));
    }

    @AfterAll
    static void stop() {
        producer.close();
        database.close();
    }

    @Test
    void eventsArrivingInAnyOrderAcrossTopicsGiveTheLedgerStateOnTheTableAndTheCompactedTopic() throws Exception {
        KafkaNamespace kafka = TestInfrastructure.get().newKafkaNamespace("state-flow");
        kafka.createTopics(3, "paymentauthorized", "paymentcaptured", "paymentrefunded", "dlq");
        String refunded = newId();
        String gapped = newId();
        String refundId = newId();
        // The refund and the capture come before the authorization, on other topics; a duplicate of each follows.
        send(producer, kafka, "paymentrefunded", refunded, event(refundId, "PaymentRefunded", refunded, 3, 700));
        String captureId = newId();
        send(producer, kafka, "paymentcaptured", refunded, event(captureId, "PaymentCaptured", refunded, 2, 700));
        send(producer, kafka, "paymentauthorized", refunded, event(newId(), "PaymentAuthorized", refunded, 1, 700));
        send(producer, kafka, "paymentrefunded", refunded, event(refundId, "PaymentRefunded", refunded, 3, 700));
        send(producer, kafka, "paymentcaptured", refunded, event(captureId, "PaymentCaptured", refunded, 2, 700));
        // Version 2 never comes: the gap is recorded.
        send(producer, kafka, "paymentauthorized", gapped, event(newId(), "PaymentAuthorized", gapped, 1, 300));
        send(producer, kafka, "paymentrefunded", gapped, event(newId(), "PaymentRefunded", gapped, 3, 300));
        producer.flush();
        ConsumerStats stats = new ConsumerStats();
        try (NotificationService service = ConsumerTestSupport.service(database,
                ConsumerTestSupport.settings(database, kafka, "state-flow", 4096), stats)) {
            service.start();
            await().atMost(WAIT).until(() -> stats.consumed() + stats.duplicates() == 7);
        }

        PaymentState done = state("state-flow", refunded);
        assertThat(done).extracting(PaymentState::status, PaymentState::amountMinor, PaymentState::capturedMinor,
                PaymentState::refundedMinor, PaymentState::version, PaymentState::eventId,
                PaymentState::missingVersions).containsExactly("refunded", 700L, 700L, 700L, 3L, refundId, List.of());
        PaymentState gap = state("state-flow", gapped);
        assertThat(gap).extracting(PaymentState::status, PaymentState::amountMinor, PaymentState::version,
                PaymentState::missingVersions).containsExactly("refunded", 300L, 3L, List.of(2L));

        assertThat(cleanupPolicy(kafka, "payment-state")).isEqualTo("compact");
        Map<String, JsonNode> latest = latestStates(kafka);
        assertThat(latest).containsOnlyKeys(refunded, gapped);
        latest.values().forEach(json -> assertThat(SCHEMAS.validatePaymentState(json)).isEmpty());
        assertThat(PaymentStateJson.fromJson(latest.get(refunded))).isEqualTo(done);
        assertThat(PaymentStateJson.fromJson(latest.get(gapped))).isEqualTo(gap);

        Map<String, String> env = ConsumerTestSupport.env(database, kafka, "state-flow");
        CommandRun state = run(env, "state", refunded);
        assertThat(state.exitCode()).isZero();
        assertThat(state.out()).contains("status            refunded").contains("missing_versions  []");
        CommandRun json = run(env, "state", gapped, "--json");
        assertThat(json.exitCode()).isZero();
        assertThat(PaymentStateJson.fromJson(Json.mapper().readTree(json.out()))).isEqualTo(gap);
        CommandRun unknown = run(env, "state", "01JDZQ00000000000000000000");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("No state for payment 01JDZQ00000000000000000000 in group state-flow");

        CommandRun rebuild = run(env, "rebuild-state", "--json");
        assertThat(rebuild.exitCode()).as(rebuild.out() + rebuild.err()).isZero();
        JsonNode report = Json.mapper().readTree(rebuild.out());
        assertThat(report.get("equal").asBoolean()).isTrue();
        assertThat(report.get("live").get("payments").asLong()).isEqualTo(2);
        assertThat(report.get("records").asLong()).isEqualTo(7);
        CommandRun again = run(env, "rebuild-state", "--json");
        assertThat(Json.mapper().readTree(again.out()).get("rebuilt").get("sha256"))
                .as("a second rebuild gives the same checksum").isEqualTo(report.get("rebuilt").get("sha256"));

        database.dsl().update(PAYMENT_STATE).set(PAYMENT_STATE.REFUNDED_MINOR, 100L)
                .where(PAYMENT_STATE.CONSUMER_GROUP.eq("state-flow")).and(PAYMENT_STATE.PAYMENT_ID.eq(refunded))
                .execute();
        CommandRun tampered = run(env, "rebuild-state");
        assertThat(tampered.exitCode()).isEqualTo(1);
        assertThat(tampered.out()).contains("DIFFERENT: 1 payments differ").contains(refunded);
    }

    @Test
    void anExistingStateTopicWithoutCompactionStopsTheServiceWithWhatToDo() {
        KafkaNamespace kafka = TestInfrastructure.get().newKafkaNamespace("state-not-compacted");
        kafka.createTopics(1, Map.of("cleanup.policy", "delete"), "payment-state");
        assertThatThrownBy(() -> ConsumerTestSupport.service(database,
                ConsumerTestSupport.settings(database, kafka, "state-not-compacted", 4096), new ConsumerStats()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(kafka.topic("payment-state") + " has cleanup.policy=delete")
                .hasMessageContaining("cleanup.policy=compact");
    }

    private static PaymentState state(String groupId, String paymentId) {
        return PaymentProjection.live(groupId).find(database.dsl(), paymentId).orElseThrow();
    }

    /** The last state record per payment on the state topic, as a new service bootstrapping from it sees them. */
    private static Map<String, JsonNode> latestStates(KafkaNamespace kafka) throws Exception {
        List<ConsumerRecord<String, byte[]>> records = kafka.readToEnd("payment-state", Duration.ofSeconds(30));
        Map<String, JsonNode> latest = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            latest.put(record.key(), Json.mapper().readTree(record.value()));
        }
        return latest;
    }

    private static String cleanupPolicy(KafkaNamespace kafka, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, kafka.topic(topic));
        try (Admin admin = Admin.create(kafka.config().clientProperties())) {
            Config config = admin.describeConfigs(Set.of(resource)).all().get().get(resource);
            return config.get("cleanup.policy").value();
        }
    }

    private static CommandRun run(Map<String, String> env, String... args) {
        return CommandRun.execute(new ConsumerMain(new Env(env)), args);
    }
}
