package io.paymentledger.testsupport;

import io.paymentledger.config.DatabaseConfig;
import org.testcontainers.containers.PostgreSQLContainer;

/** PostgreSQL 16 in a container, when a Docker engine is available. */
final class ContainerPostgresServer implements PostgresServer {
    private final PostgreSQLContainer<?> container;

    private ContainerPostgresServer(PostgreSQLContainer<?> container) {
        this.container = container;
    }

    static ContainerPostgresServer start() {
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:16")
                .withCommand("postgres", "-c", "max_connections=300", "-c", "fsync=off");
        container.start();
        return new ContainerPostgresServer(container);
    }

    @Override
    public DatabaseConfig admin() {
        return new DatabaseConfig(container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }

    @Override
    public DatabaseConfig forDatabase(String database) {
        String url = "jdbc:postgresql://" + container.getHost() + ":"
                + container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT) + "/" + database;
        return new DatabaseConfig(url, container.getUsername(), container.getPassword());
    }

    @Override
    public String description() {
        return "Testcontainers PostgreSQL (postgres:16) at " + container.getJdbcUrl();
    }

    @Override
    public void close() {
        container.stop();
    }
}
