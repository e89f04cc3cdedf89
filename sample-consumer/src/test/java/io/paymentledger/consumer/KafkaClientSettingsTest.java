package io.paymentledger.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymentledger.config.ConfigException;
import io.paymentledger.config.Env;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientSettingsTest {

    @Test
    void eachClientGetsThePassThroughSettingsItKnowsAndSecretsAreMasked() {
        KafkaClientSettings settings = KafkaClientSettings.fromEnv(env(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_JAAS_CONFIG", "secret-jaas",
                "KAFKA_FETCH_MAX_BYTES", "1048576",
                "KAFKA_LINGER_MS", "5")));

        assertThat(settings.consumer()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("fetch.max.bytes", "1048576").doesNotContainKey("linger.ms")
                .containsEntry("bootstrap.servers", "k1:9092");
        assertThat(settings.producer()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("linger.ms", "5").doesNotContainKey("fetch.max.bytes");
        assertThat(settings.admin()).containsEntry("sasl.jaas.config", "secret-jaas")
                .doesNotContainKeys("fetch.max.bytes", "linger.ms");
        assertThat(settings.toString()).contains("sasl.jaas.config=****").doesNotContain("secret-jaas");
    }

    @Test
    void aNameNoClientKnowsIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> KafkaClientSettings.fromEnv(env(Map.of("KAFKA_SECURITY_PROTOKOL", "SSL"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("KAFKA_SECURITY_PROTOKOL: maps to client setting 'security.protokol'");
    }

    @Test
    void aSettingTheConsumerFixesIsRefusedSayingWhy() {
        assertThatThrownBy(() -> KafkaClientSettings.fromEnv(env(Map.of("KAFKA_GROUP_ID", "other"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KAFKA_GROUP_ID").hasMessageContaining("set CONSUMER_GROUP_ID");
        assertThatThrownBy(() -> KafkaClientSettings.fromEnv(env(Map.of("KAFKA_ENABLE_AUTO_COMMIT", "true"))))
                .hasMessageContaining("offsets are committed only after the database");
    }

    private static Env env(Map<String, String> variables) {
        Map<String, String> env = new HashMap<>(variables);
        env.put("KAFKA_BOOTSTRAP_SERVERS", "k1:9092");
        return new Env(env);
    }
}
