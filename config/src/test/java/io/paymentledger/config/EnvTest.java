package io.paymentledger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {
    enum Mode { EVENT_TYPE, AGGREGATE_TYPE }

    @Test
    void integerOutOfRangeNamesTheVariableAndTheValue() {
        Env env = new Env(Map.of("OUTBOX_BATCH_SIZE", "0"));
        assertThatThrownBy(() -> env.integer("OUTBOX_BATCH_SIZE", 500, 1, 10_000))
                .isInstanceOf(ConfigException.class)
                .hasMessage("OUTBOX_BATCH_SIZE: '0' is out of range; use between 1 and 10000");
    }

    @Test
    void nonNumericIntegerNamesTheVariableAndTheValue() {
        Env env = new Env(Map.of("OUTBOX_BATCH_SIZE", "lots"));
        assertThatThrownBy(() -> env.integer("OUTBOX_BATCH_SIZE", 500, 1, 10_000))
                .hasMessageStartingWith("OUTBOX_BATCH_SIZE: 'lots' is not an integer");
    }

    @Test
    void secondsAcceptFractionsAndRejectWords() {
        assertThat(new Env(Map.of("S", "0.25")).seconds("S", Duration.ZERO, Duration.ZERO, Duration.ofHours(1)))
                .isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> new Env(Map.of("S", "soon")).seconds("S", Duration.ZERO, Duration.ZERO,
                Duration.ofHours(1))).hasMessageStartingWith("S: 'soon' is not a number of seconds");
    }

    @Test
    void secondsOutOfRangeAreRejectedNotClamped() {
        assertThatThrownBy(() -> new Env(Map.of("S", "7200")).seconds("S", Duration.ZERO, Duration.ofMillis(10),
                Duration.ofHours(1))).hasMessage("S: '7200' is out of range; use between 0.01 and 3600 seconds");
    }

    @Test
    void optionIsReadInKebabCaseAndUnknownValuesListTheChoices() {
        assertThat(new Env(Map.of("R", "aggregate-type")).option("R", Mode.class, Mode.EVENT_TYPE))
                .isEqualTo(Mode.AGGREGATE_TYPE);
        assertThatThrownBy(() -> new Env(Map.of("R", "topic")).option("R", Mode.class, Mode.EVENT_TYPE))
                .hasMessage("R: 'topic' is not one of: event-type, aggregate-type");
    }

    @Test
    void blankValueCountsAsUnset() {
        Env env = new Env(Map.of("DATABASE_URL", "  "));
        assertThat(env.optional("DATABASE_URL")).isEmpty();
        assertThatThrownBy(() -> env.required("DATABASE_URL", "a JDBC URL"))
                .hasMessage("DATABASE_URL: is not set; set it to a JDBC URL");
    }
}
