package io.paymentledger.testsupport;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SharedInfrastructureIT {
    private static TestDatabase database;
    private static KafkaNamespace kafka;

    @BeforeAll
    static void start() {
        database = TestInfrastructure.get().newDatabase("infrastructure");
        kafka = TestInfrastructure.get().newKafkaNamespace("infrastructure");
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    @Test
    void givesEachTestClassItsOwnMigratedDatabase() {
        TestDatabase other = TestInfrastructure.get().newDatabase("infrastructure");
        try (other) {
            assertThat(other.name()).isNotEqualTo(database.name());
            assertThat(database.dsl().fetchCount(OUTBOX_EVENT)).isZero();
            assertThat(other.dsl().fetchCount(OUTBOX_EVENT)).isZero();
        }
    }

    @Test
    void deliversRecordsThroughTheBrokerAcrossARestart() throws Exception {
        KafkaNamespace restartable = TestInfrastructure.get().newRestartableKafkaNamespace("restart");
        KafkaServer broker = TestInfrastructure.get().restartableKafka();
        assertThat(broker.restartable()).as("outage tests get a broker they can stop, on every infrastructure")
                .isTrue();
        restartable.createTopics(1, "smoke");
        send(restartable, "before-restart");

        broker.stop();
        broker.start();
        send(restartable, "after-restart");

        assertThat(restartable.readFromBeginning("smoke", 2, Duration.ofSeconds(30)))
                .extracting(record -> new String(record.value(), StandardCharsets.UTF_8))
                .containsExactly("before-restart", "after-restart");
    }

    private static void send(KafkaNamespace kafka, String value) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(kafka.topic("smoke"), "key", value.getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
