package io.paymentledger.observability;

import io.paymentledger.config.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Ready when a new connection to the service's database opens and answers within {@link #TIMEOUT}. It uses its own
 * connection, not the service's pool, so a busy pool does not read as an outage and an outage is seen at once
 * rather than after the pool's connection timeout.
 */
public final class DatabaseHealth implements HealthCheck {
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final DatabaseConfig database;

    public DatabaseHealth(DatabaseConfig database) {
        this.database = database;
    }

    @Override
    public Health check() {
        long started = System.nanoTime();
        try (Connection connection = DriverManager.getConnection(database.url(), properties())) {
            if (!connection.isValid((int) TIMEOUT.toSeconds())) {
                return Health.down("database did not answer within " + TIMEOUT.toSeconds() + " s");
            }
            return Health.up("connected in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        } catch (SQLException e) {
            return Health.down("database unreachable: " + e.getMessage());
        }
    }

    private Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("user", database.user());
        if (!database.password().isEmpty()) {
            properties.setProperty("password", database.password());
        }
        String seconds = String.valueOf(TIMEOUT.toSeconds());
        properties.setProperty("connectTimeout", seconds);
        properties.setProperty("loginTimeout", seconds);
        properties.setProperty("socketTimeout", seconds);
        properties.setProperty("ApplicationName", "health-check");
        return properties;
    }
}
