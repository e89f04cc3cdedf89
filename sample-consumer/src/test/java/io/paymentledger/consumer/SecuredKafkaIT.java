package io.paymentledger.consumer;

import static io.paymentledger.consumer.ConsumerTestSupport.event;
import static io.paymentledger.consumer.ConsumerTestSupport.newId;
import static io.paymentledger.consumer.ConsumerTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paymentledger.config.Env;
import io.paymentledger.consumer.state.PaymentProjection;
import io.paymentledger.consumer.state.PaymentStateTopic;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.testsupport.CommandRun;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.SaslKafka;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consumer, its payment state producer and {@code tail-dlq} on a cluster that demands SASL (SASL_PLAINTEXT,
 * PLAIN), through the same {@code KAFKA_*} pass-through as the relay; a wrong password is a clear error naming the
 * variables to check, never a silent hang, and a worker whose polls are refused shows it in readiness.
 */
class SecuredKafkaIT {
    private static final String PASSWORD = "ledger-secret";
    private static SaslKafka sasl;
    private static KafkaNamespace topics;
    private static TestDatabase database;

    @BeforeAll
    static void startSecuredBroker() {
        sasl = TestInfrastructure.privateSaslKafka("ledger", PASSWORD);
        topics = sasl.namespace("secured-consumer");
        topics.createTopics(1, "paymentauthorized", "dlq");
        database = TestInfrastructure.get().newDatabase("secured-consumer");
    }

    @AfterAll
    static void stop() {
        database.close();
        sasl.close();
    }

    @Test
    void theConsumerAuthenticatesConsumesAndPublishesTheState() {
        String payment = newId();
        try (KafkaProducer<String, byte[]> producer = ConsumerTestSupport.producer(topics)) {
            send(producer, topics, "paymentauthorized", payment, event(newId(), "PaymentAuthorized", payment, 1, 100));
            producer.flush();
        }
        ConsumerSettings settings = ConsumerSettings.fromEnv(new Env(env("secured", PASSWORD)));
        assertThat(settings.toString()).contains("sasl.jaas.config=****").doesNotContain(PASSWORD);
        ConsumerStats stats = new ConsumerStats();
        try (NotificationService service = new NotificationService(settings, database.dataSource(),
                Clock.systemUTC(), stats)) {
            service.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> stats.consumed() == 1);
            assertThat(service.kafkaHealth().up()).isTrue();
        }
        assertThat(PaymentProjection.live("secured").find(database.dsl(), payment)).isPresent();
        assertThat(topics.readToEnd("payment-state", Duration.ofSeconds(30))).extracting(r -> r.key())
                .containsExactly(payment);
    }

    @Test
    void tailDlqAuthenticates() {
        String eventId = newId();
        try (KafkaProducer<String, byte[]> producer = ConsumerTestSupport.producer(topics)) {
            send(producer, topics, "dlq", "agg", ("{\"event_id\":\"" + eventId + "\",\"event_type\":\"PaymentAuthorized\"}")
                    .getBytes(StandardCharsets.UTF_8));
            producer.flush();
        }
        CommandRun tail = run(env("tail", PASSWORD), "tail-dlq", "--from-beginning");
        assertThat(tail.exitCode()).as(tail.err()).isZero();
        assertThat(tail.out()).contains(eventId);
    }

    @Test
    void aWrongPasswordIsAClearErrorNamingTheVariablesNeverASilentHang() throws Exception {
        Map<String, String> wrong = env("wrong-password", "not-the-password");
        assertThatThrownBy(() -> new NotificationService(ConsumerSettings.fromEnv(new Env(wrong)),
                database.dataSource(), Clock.systemUTC(), new ConsumerStats()))
                .hasMessageContaining("Kafka refused the credentials")
                .hasMessageContaining("KAFKA_SASL_JAAS_CONFIG");

        CommandRun tail = run(wrong, "tail-dlq");
        assertThat(tail.exitCode()).isEqualTo(1);
        assertThat(tail.err()).contains("tail-dlq: Kafka refused the credentials").doesNotContain("not-the-password");
        CommandRun follow = CompletableFuture.supplyAsync(() -> run(wrong, "tail-dlq", "--follow"))
                .get(60, TimeUnit.SECONDS);
        assertThat(follow.exitCode()).as("--follow ends on the error").isEqualTo(1);
        assertThat(follow.err()).contains("Kafka refused the credentials");
    }

    @Test
    void aWorkerWhosePollsAreRefusedShowsItInReadinessAndKeepsTrying() throws Exception {
        ConsumerSettings right = ConsumerSettings.fromEnv(new Env(env("refused-polls", PASSWORD)));
        ConsumerSettings wrong = ConsumerSettings.fromEnv(new Env(env("refused-polls", "not-the-password")));
        try (PaymentStateTopic stateTopic = PaymentStateTopic.open(right.clients())) {
            ConsumerWorker worker = new ConsumerWorker("refused", wrong, database.dsl(), Clock.systemUTC(),
                    new ConsumerStats(), new EnvelopeValidator(EventSchemas.load(), 4096), stateTopic);
            worker.start();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> worker.kafkaProblem() != null);
                assertThat(worker.kafkaProblem()).contains("Kafka refused the credentials")
                        .contains("KAFKA_SASL_JAAS_CONFIG");
            } finally {
                worker.requestStop();
                worker.awaitStopped(Duration.ofSeconds(30));
            }
        }
    }

    private static Map<String, String> env(String groupId, String password) {
        Map<String, String> env = new HashMap<>(database.env());
        env.putAll(sasl.clientEnv(topics, "ledger", password));
        env.put("CONSUMER_GROUP_ID", groupId);
        return env;
    }

    private static CommandRun run(Map<String, String> env, String... args) {
        return CommandRun.execute(new ConsumerMain(new Env(env)), args);
    }
}
