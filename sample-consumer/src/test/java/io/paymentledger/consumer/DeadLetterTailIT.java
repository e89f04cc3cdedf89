package io.paymentledger.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestInfrastructure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code tail-dlq} on a real broker: {@code --last}, {@code --json} and {@code --follow} print what they promise. */
class DeadLetterTailIT {
    private static final int LETTERS = 5;
    private static KafkaNamespace kafka;

    @BeforeAll
    static void deadLetters() throws Exception {
        kafka = TestInfrastructure.get().newKafkaNamespace("tail-dlq");
        kafka.createTopics(1, "dlq");
        for (int i = 1; i <= LETTERS; i++) {
            produce(kafka, "E" + i);
        }
    }

    @Test
    void lastPrintsOnlyTheNewestDeadLettersOfEachPartition() {
        StringWriter out = new StringWriter();

        long printed = tail(kafka, out).run(new DeadLetterTail.Options(false, false, false, 2));

        assertThat(printed).isEqualTo(2);
        assertThat(out.toString().lines().toList()).satisfiesExactly(
                line -> assertThat(line).contains(" E4 PaymentAuthorized Payment/P-E4 v1 attempts=5"),
                line -> assertThat(line).contains(" E5 PaymentAuthorized Payment/P-E5 v1 attempts=5"));
    }

    @Test
    void jsonPrintsEveryDeadLetterAsItIsFromTheBeginning() {
        StringWriter out = new StringWriter();

        long printed = tail(kafka, out).run(new DeadLetterTail.Options(true, false, true, 0));

        assertThat(printed).isEqualTo(LETTERS);
        assertThat(out.toString().lines().toList())
                .containsExactly(letter("E1"), letter("E2"), letter("E3"), letter("E4"), letter("E5"));
    }

    @Test
    void followPrintsDeadLettersThatArriveAfterItStartedUntilStopped() throws Exception {
        // A DLQ of its own, so the letters it sends do not reach the other tests' DLQ.
        KafkaNamespace followed = TestInfrastructure.get().newKafkaNamespace("tail-dlq-follow");
        followed.createTopics(1, "dlq");
        produce(followed, "E1");
        StringWriter out = new StringWriter();
        DeadLetterTail tail = tail(followed, out);
        CompletableFuture<Long> running = CompletableFuture.supplyAsync(
                () -> tail.run(new DeadLetterTail.Options(false, true, false, 0)));
        AtomicInteger sent = new AtomicInteger();
        // A letter sent before the tail read its start offsets is not new to it: send until one shows.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            produce(followed, "F" + sent.incrementAndGet());
            return out.toString().contains(" F");
        });
        assertThat(running).isNotDone();

        tail.stop();

        long printed = running.get(30, TimeUnit.SECONDS);
        assertThat(printed).isPositive().isLessThanOrEqualTo(sent.get());
        assertThat(out.toString()).as("a letter from before it started").doesNotContain(" E1 ");
    }

    private static DeadLetterTail tail(KafkaNamespace kafka, StringWriter out) {
        return new DeadLetterTail(KafkaClientSettings.of(kafka.config()), new PrintWriter(out, true));
    }

    private static String letter(String eventId) {
        return "{\"event_id\":\"" + eventId + "\",\"event_type\":\"PaymentAuthorized\",\"aggregate_type\":\"Payment\","
                + "\"aggregate_id\":\"P-" + eventId + "\",\"aggregate_version\":1,\"attempts\":5,"
                + "\"error_class\":\"org.apache.kafka.common.errors.RecordTooLargeException\","
                + "\"error_message\":\"too large\",\"dead_lettered_at\":\"2026-11-30T12:00:00Z\"}";
    }

    private static void produce(KafkaNamespace kafka, String eventId) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(kafka.topic("dlq"), "P-" + eventId,
                    letter(eventId).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }
    }
}
