package io.paymentledger.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymentledger.config.ConfigException;
import io.paymentledger.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpSettingsTest {
    @Test
    void portDefaultsToTheServicesOwn() {
        assertThat(HttpSettings.fromEnv(new Env(Map.of()), 8081).port()).isEqualTo(8081);
    }

    @Test
    void zeroMeansAnyFreePort() {
        assertThat(HttpSettings.fromEnv(new Env(Map.of("HTTP_PORT", "0")), 8080).port()).isZero();
    }

    @Test
    void aBadPortNamesTheVariableAndTheValue() {
        assertThatThrownBy(() -> HttpSettings.fromEnv(new Env(Map.of("HTTP_PORT", "80x")), 8080))
                .isInstanceOf(ConfigException.class).hasMessageContaining("HTTP_PORT").hasMessageContaining("80x");
        assertThatThrownBy(() -> HttpSettings.fromEnv(new Env(Map.of("HTTP_PORT", "70000")), 8080))
                .isInstanceOf(ConfigException.class).hasMessageContaining("HTTP_PORT").hasMessageContaining("70000");
    }
}
