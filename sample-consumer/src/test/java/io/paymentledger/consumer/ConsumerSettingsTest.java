package io.paymentledger.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymentledger.config.ConfigException;
import io.paymentledger.config.Env;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerSettingsTest {
    private static Env env(String name, String value) {
        Map<String, String> variables = new HashMap<>(Map.of("DATABASE_URL", "jdbc:postgresql://db:5432/ledger",
                "DATABASE_USER", "ledger", "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"));
        if (name != null) {
            variables.put(name, value);
        }
        return new Env(variables);
    }

    @Test
    void defaultsAreTwoThreadsAndOneMebibyteRecords() {
        ConsumerSettings settings = ConsumerSettings.fromEnv(env(null, null));

        assertThat(settings.threads()).isEqualTo(2);
        assertThat(settings.maxRecordBytes()).isEqualTo(1_048_576);
        assertThat(settings.groupId()).isEqualTo("sample-notification-service");
    }

    @Test
    void badValuesNameTheVariableAndTheValue() {
        assertThatThrownBy(() -> ConsumerSettings.fromEnv(env("CONSUMER_THREADS", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("CONSUMER_THREADS").hasMessageContaining("'0'");
        assertThatThrownBy(() -> ConsumerSettings.fromEnv(env("CONSUMER_MAX_RECORD_BYTES", "lots")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("CONSUMER_MAX_RECORD_BYTES")
                .hasMessageContaining("'lots'");
        assertThatThrownBy(() -> ConsumerSettings.fromEnv(env("CONSUMER_GROUP_ID", "no spaces")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("CONSUMER_GROUP_ID");
    }
}
