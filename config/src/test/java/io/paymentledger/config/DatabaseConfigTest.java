package io.paymentledger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseConfigTest {
    @Test
    void readsTheThreeVariables() {
        DatabaseConfig config = DatabaseConfig.fromEnv(new Env(Map.of(
                "DATABASE_URL", "jdbc:postgresql://db:5432/ledger", "DATABASE_USER", "relay",
                "DATABASE_PASSWORD", "s3cret")));
        assertThat(config).isEqualTo(new DatabaseConfig("jdbc:postgresql://db:5432/ledger", "relay", "s3cret"));
    }

    @Test
    void nonPostgresUrlIsRejectedNamingDatabaseUrl() {
        assertThatThrownBy(() -> DatabaseConfig.fromEnv(new Env(Map.of(
                "DATABASE_URL", "postgres://db/ledger", "DATABASE_USER", "relay"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("DATABASE_URL: 'postgres://db/ledger' is not a PostgreSQL JDBC URL");
    }

    @Test
    void missingUserIsRejectedNamingDatabaseUser() {
        assertThatThrownBy(() -> DatabaseConfig.fromEnv(new Env(Map.of("DATABASE_URL", "jdbc:postgresql://db/l"))))
                .extracting(e -> ((ConfigException) e).variable())
                .isEqualTo("DATABASE_USER");
    }

    @Test
    void toStringMasksThePassword() {
        assertThat(new DatabaseConfig("jdbc:postgresql://db/l", "u", "s3cret").toString())
                .doesNotContain("s3cret")
                .contains("****");
    }
}
