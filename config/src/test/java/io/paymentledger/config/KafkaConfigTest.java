package io.paymentledger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaConfigTest {
    @Test
    void prefixDefaultsToPaymentsAndServersSplitOnCommas() {
        KafkaConfig config = KafkaConfig.fromEnv(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k1:9092, k2:9092")));
        assertThat(config.bootstrapServers()).containsExactly("k1:9092", "k2:9092");
        assertThat(config.topic("paymentauthorized")).isEqualTo("payments.paymentauthorized");
        assertThat(config.deadLetterTopic()).isEqualTo("payments.dlq");
    }

    @Test
    void serverWithoutPortIsRejectedNamingTheVariable() {
        assertThatThrownBy(() -> new KafkaConfig(List.of("localhost"), "payments"))
                .hasMessageStartingWith("KAFKA_BOOTSTRAP_SERVERS: 'localhost' is not host:port");
    }

    @Test
    void illegalTopicPrefixIsRejectedNamingTheVariable() {
        assertThatThrownBy(() -> new KafkaConfig(List.of("k:9092"), "pay/ments"))
                .hasMessageStartingWith("KAFKA_TOPIC_PREFIX: 'pay/ments' is not a valid topic prefix");
    }

    @Test
    void missingBootstrapServersIsRejected() {
        assertThatThrownBy(() -> KafkaConfig.fromEnv(new Env(Map.of())))
                .hasMessageStartingWith("KAFKA_BOOTSTRAP_SERVERS: is not set");
    }
}
