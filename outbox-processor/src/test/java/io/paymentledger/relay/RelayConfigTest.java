package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymentledger.config.ConfigException;
import io.paymentledger.config.Env;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelayConfigTest {
    private static Map<String, String> required() {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "jdbc:postgresql://db:5432/ledger");
        env.put("DATABASE_USER", "relay");
        env.put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        return env;
    }

    @Test
    void defaultsMatchTheDocumentation() {
        RelayConfig config = RelayConfig.fromEnv(new Env(required()));

        assertThat(config.batchSize()).isEqualTo(500);
        assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.claimTimeout()).isEqualTo(Duration.ofSeconds(8));
        assertThat(config.maxRetries()).isEqualTo(5);
        assertThat(config.deadLetterPolicy()).isEqualTo(DeadLetterPolicy.CONTINUE);
        assertThat(config.retention()).isEqualTo(Duration.ofHours(168));
        assertThat(config.circuit()).isEqualTo(new CircuitSettings(50, 6, 3, Duration.ofSeconds(5)));
        assertThat(config.producerOverrides()).isEmpty();
        assertThat(config.backoff()).isEqualTo(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60)));
        assertThat(config.routing()).isEqualTo(TopicRouting.EVENT_TYPE);
        assertThat(config.kafka().topicPrefix()).isEqualTo("payments");
        assertThat(config.instanceId()).startsWith("relay-");
        assertThat(config.topicCreation()).isEqualTo(TopicCreation.OFF);
    }

    @Test
    void topicCreationTakesItsSettingsAndLeavesUnsetOnesToTheBroker() {
        Map<String, String> env = required();
        env.put("OUTBOX_TOPIC_CREATION", "create");
        env.put("OUTBOX_TOPIC_PARTITIONS", "12");
        env.put("OUTBOX_TOPIC_MIN_INSYNC_REPLICAS", "2");

        TopicCreation creation = RelayConfig.fromEnv(new Env(env)).topicCreation();

        assertThat(creation).isEqualTo(new TopicCreation(TopicCreation.Mode.CREATE, java.util.Optional.of(12),
                java.util.Optional.empty(), java.util.Optional.of(2)));
        assertThat(creation.newTopic("payments.x").replicationFactor()).as("broker default").isEqualTo((short) -1);
    }

    @Test
    void badTopicCreationSettingsNameTheVariableAndValue() {
        assertRejected(Map.of("OUTBOX_TOPIC_CREATION", "auto"),
                "OUTBOX_TOPIC_CREATION: 'auto' is not one of: off, create");
        assertRejected(Map.of("OUTBOX_TOPIC_CREATION", "create", "OUTBOX_TOPIC_PARTITIONS", "0"),
                "OUTBOX_TOPIC_PARTITIONS: '0' is out of range; use between 1 and 10000");
        assertRejected(Map.of("OUTBOX_TOPIC_CREATION", "create", "OUTBOX_TOPIC_REPLICATION_FACTOR", "three"),
                "OUTBOX_TOPIC_REPLICATION_FACTOR: 'three' is not an integer; use a whole number between 1 and 32767");
        assertRejected(Map.of("OUTBOX_TOPIC_CREATION", "create", "OUTBOX_TOPIC_REPLICATION_FACTOR", "2",
                "OUTBOX_TOPIC_MIN_INSYNC_REPLICAS", "3"), "OUTBOX_TOPIC_MIN_INSYNC_REPLICAS: '3' is above "
                + "OUTBOX_TOPIC_REPLICATION_FACTOR (2): no write with acks=all could ever succeed; use at most the "
                + "replication factor");
        assertRejected(Map.of("OUTBOX_TOPIC_PARTITIONS", "6"), "OUTBOX_TOPIC_PARTITIONS: '6' is set but "
                + "OUTBOX_TOPIC_CREATION is off, so the relay creates no topic; set OUTBOX_TOPIC_CREATION=create, or "
                + "unset OUTBOX_TOPIC_PARTITIONS");
    }

    private static void assertRejected(Map<String, String> settings, String message) {
        Map<String, String> env = required();
        env.putAll(settings);
        assertThatThrownBy(() -> RelayConfig.fromEnv(new Env(env)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void badBatchSizeNamesTheVariableAndValue() {
        Map<String, String> env = required();
        env.put("OUTBOX_BATCH_SIZE", "-5");
        assertThatThrownBy(() -> RelayConfig.fromEnv(new Env(env)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("OUTBOX_BATCH_SIZE: '-5' is out of range; use between 1 and 10000");
    }

    @Test
    void workersDefaultToTwoAndOutOfRangeNamesTheVariable() {
        assertThat(RelayConfig.fromEnv(new Env(required())).workers()).isEqualTo(2);
        Map<String, String> env = required();
        env.put("OUTBOX_WORKERS", "17");
        assertThatThrownBy(() -> RelayConfig.fromEnv(new Env(env)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("OUTBOX_WORKERS: '17' is out of range; use between 1 and 16");
    }

    @Test
    void maxDelayBelowBaseDelayIsRejected() {
        Map<String, String> env = required();
        env.put("OUTBOX_BASE_DELAY_SECONDS", "10");
        env.put("OUTBOX_MAX_DELAY_SECONDS", "5");
        assertThatThrownBy(() -> RelayConfig.fromEnv(new Env(env)))
                .hasMessageStartingWith("OUTBOX_MAX_DELAY_SECONDS: '5' is below OUTBOX_BASE_DELAY_SECONDS");
    }

    @Test
    void unknownRoutingListsTheChoices() {
        Map<String, String> env = required();
        env.put("OUTBOX_TOPIC_ROUTING", "round-robin");
        assertThatThrownBy(() -> RelayConfig.fromEnv(new Env(env)))
                .hasMessage("OUTBOX_TOPIC_ROUTING: 'round-robin' is not one of: event-type, aggregate-type");
    }

    @Test
    void routingPicksTheTopicFromEventOrAggregateType() {
        var kafka = RelayConfig.fromEnv(new Env(required())).kafka();
        assertThat(TopicRouting.EVENT_TYPE.topic(kafka, "PaymentAuthorized", "Payment"))
                .isEqualTo("payments.paymentauthorized");
        assertThat(TopicRouting.AGGREGATE_TYPE.topic(kafka, "PaymentAuthorized", "Payment"))
                .isEqualTo("payments.payment");
    }

    @Test
    void unknownDeadLetterPolicyListsTheChoices() {
        Map<String, String> env = required();
        env.put("OUTBOX_DEAD_LETTER_POLICY", "drop");
        assertThatThrownBy(() -> RelayConfig.fromEnv(new Env(env)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("OUTBOX_DEAD_LETTER_POLICY: 'drop' is not one of: continue, park");
    }

    @Test
    void maxRetriesMustBeAWholeNumber() {
        Map<String, String> env = required();
        env.put("OUTBOX_MAX_RETRIES", "five");
        assertThatThrownBy(() -> RelayConfig.fromEnv(new Env(env)))
                .hasMessage("OUTBOX_MAX_RETRIES: 'five' is not an integer; use a whole number between 1 and 1000");
    }

    @Test
    void negativeRetentionIsRejected() {
        Map<String, String> env = required();
        env.put("OUTBOX_RETENTION_HOURS", "-1");
        assertThatThrownBy(() -> RelayConfig.fromEnv(new Env(env)))
                .hasMessage("OUTBOX_RETENTION_HOURS: '-1' is out of range; use between 0 and 87600");
    }

    @Test
    void zeroRetentionDeletesPublishedRowsAndTheDefaultKeepsThem() {
        Map<String, String> env = required();
        assertThat(RelayConfig.fromEnv(new Env(env)).deletesPublishedRows()).isFalse();

        env.put("OUTBOX_RETENTION_HOURS", "0");
        assertThat(RelayConfig.fromEnv(new Env(env)).deletesPublishedRows()).isTrue();
    }

    @Test
    void circuitMinimumCallsAboveTheWindowIsRejected() {
        Map<String, String> env = required();
        env.put("OUTBOX_CIRCUIT_WINDOW_SIZE", "4");
        env.put("OUTBOX_CIRCUIT_MINIMUM_CALLS", "9");
        assertThatThrownBy(() -> RelayConfig.fromEnv(new Env(env)))
                .hasMessageStartingWith("OUTBOX_CIRCUIT_MINIMUM_CALLS: '9' is above OUTBOX_CIRCUIT_WINDOW_SIZE (4)");
    }

    @Test
    void kafkaVariablesPassThroughAsProducerSettings() {
        Map<String, String> env = required();
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("KAFKA_SASL_JAAS_CONFIG", "secret-jaas");
        RelayConfig config = RelayConfig.fromEnv(new Env(env));

        assertThat(config.producerOverrides()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "secret-jaas");
        assertThat(ProducerSettings.producerConfig(config)).containsEntry("security.protocol", "SASL_SSL");
        assertThat(config.toString()).contains("sasl.jaas.config=****").doesNotContain("secret-jaas");
    }

    @Test
    void unknownKafkaVariableIsRejectedNamingTheSetting() {
        Map<String, String> env = required();
        env.put("KAFKA_SECURITY_PROTOKOL", "SSL");
        assertThatThrownBy(() -> RelayConfig.fromEnv(new Env(env)))
                .hasMessageStartingWith("KAFKA_SECURITY_PROTOKOL: maps to producer setting 'security.protokol', "
                        + "which Kafka's producer does not know");
    }

    @Test
    void kafkaVariableCannotWeakenTheDeliveryGuarantees() {
        Map<String, String> env = required();
        env.put("KAFKA_ACKS", "1");
        assertThatThrownBy(() -> RelayConfig.fromEnv(new Env(env)))
                .hasMessageStartingWith("KAFKA_ACKS: sets 'acks', which the relay fixes");
    }

    @Test
    void producerTimeoutsEndEverySendBeforeItsClaimExpires() {
        Map<String, String> env = required();
        env.put("OUTBOX_CLAIM_TIMEOUT_SECONDS", "8");
        Map<String, Object> producer = ProducerSettings.producerConfig(RelayConfig.fromEnv(new Env(env)));

        long maxBlock = ((Number) producer.get("max.block.ms")).longValue();
        long delivery = ((Number) producer.get("delivery.timeout.ms")).longValue();
        assertThat(maxBlock + delivery).isLessThan(8_000);
        assertThat(producer).containsEntry("enable.idempotence", true).containsEntry("acks", "all")
                .containsEntry("max.in.flight.requests.per.connection", 5);
    }
}
