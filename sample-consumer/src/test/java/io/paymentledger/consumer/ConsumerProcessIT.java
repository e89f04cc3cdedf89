package io.paymentledger.consumer;

import static io.paymentledger.consumer.ConsumerTestSupport.event;
import static io.paymentledger.consumer.ConsumerTestSupport.newId;
import static io.paymentledger.consumer.ConsumerTestSupport.notifications;
import static io.paymentledger.consumer.ConsumerTestSupport.send;
import static io.paymentledger.db.jooq.Tables.NOTIFICATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymentledger.testsupport.JarProcess;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged consumer as a real process: SIGKILL mid-stream, restart, SIGTERM. */
class ConsumerProcessIT {
    private static final int EVENTS = 10_000;
    private static final Path JAR = Path.of("target", "sample-consumer.jar");
    private static TestDatabase database;
    private static KafkaNamespace kafka;
    private static final Set<String> produced = new HashSet<>();

    @BeforeAll
    static void produceEvents() throws Exception {
        database = TestInfrastructure.get().newDatabase("consumer-process");
        kafka = TestInfrastructure.get().newKafkaNamespace("consumer-process");
        kafka.createTopics(3, "paymentauthorized", "paymentcaptured", "dlq");
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = ConsumerTestSupport.producer(kafka)) {
            for (int i = 0; i < EVENTS; i++) {
                String payment = newId();
                String eventId = newId();
                produced.add(eventId);
                acks.add(send(producer, kafka, i % 2 == 0 ? "paymentauthorized" : "paymentcaptured", payment,
                        event(eventId, i % 2 == 0 ? "PaymentAuthorized" : "PaymentCaptured", payment, 1, 100 + i)));
            }
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void dropPool() {
        database.close();
    }

    @Test
    void aConsumerKilledMidStreamAndRestartedGivesEveryNotificationExactlyOnceAndStopsCleanlyOnSigterm()
            throws Exception {
        Map<String, String> env = ConsumerTestSupport.env(database, kafka, "crash");
        int atKill;
        try (JarProcess first = JarProcess.start(JAR, "consumer-first", env, "run")) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                    .until(() -> notifications(database, "crash") >= 1_000);
            first.kill();
            first.awaitExit(10);
            atKill = notifications(database, "crash");
        }
        assertThat(atKill).as("notifications when the first consumer was killed").isLessThan(EVENTS);

        try (JarProcess second = JarProcess.start(JAR, "consumer-second", env, "run")) {
            // The killed member keeps its partitions until its session times out (Kafka's default: 45 s).
            await().atMost(Duration.ofSeconds(180)).until(() -> notifications(database, "crash") >= EVENTS);
            second.terminate();
            assertThat(second.awaitExit(30)).as("exit code; log: %s", second.logFile()).isZero();
            assertThat(second.output()).contains("SIGTERM received", "Notification service totals");
        }

        assertThat(notifications(database, "crash")).isEqualTo(EVENTS);
        assertThat(new HashSet<>(database.dsl().select(NOTIFICATION.EVENT_ID).from(NOTIFICATION)
                .where(NOTIFICATION.CONSUMER_GROUP.eq("crash")).fetch(NOTIFICATION.EVENT_ID))).isEqualTo(produced);
    }
}
