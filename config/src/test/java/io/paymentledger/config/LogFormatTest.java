package io.paymentledger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogFormatTest {
    @Test
    void textUnlessJsonIsAsked() {
        assertThat(LogFormat.fromEnv(new Env(Map.of()))).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.fromEnv(new Env(Map.of("LOG_FORMAT", "json")))).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.fromEnv(new Env(Map.of("LOG_FORMAT", "JSON", "LOG_LEVEL", "debug"))))
                .isEqualTo(LogFormat.JSON);
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> LogFormat.fromEnv(new Env(Map.of("LOG_FORMAT", "xml"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("LOG_FORMAT").hasMessageContaining("'xml'")
                .hasMessageContaining("text, json");
        assertThatThrownBy(() -> LogFormat.fromEnv(new Env(Map.of("LOG_LEVEL", "LOUD"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("LOG_LEVEL").hasMessageContaining("'LOUD'");
    }
}
