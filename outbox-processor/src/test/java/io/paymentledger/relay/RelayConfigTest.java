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
        assertThat(config.claimTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.backoff()).isEqualTo(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60)));
        assertThat(config.routing()).isEqualTo(TopicRouting.EVENT_TYPE);
        assertThat(config.kafka().topicPrefix()).isEqualTo("payments");
        assertThat(config.instanceId()).startsWith("relay-");
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
}
