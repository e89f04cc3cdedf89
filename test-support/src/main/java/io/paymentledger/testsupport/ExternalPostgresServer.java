package io.paymentledger.testsupport;

import io.paymentledger.config.DatabaseConfig;
import java.net.URI;

/** A PostgreSQL server named by {@code TEST_DATABASE_URL}, {@code TEST_DATABASE_USER}, {@code TEST_DATABASE_PASSWORD}. */
final class ExternalPostgresServer implements PostgresServer {
    private final DatabaseConfig admin;

    ExternalPostgresServer(DatabaseConfig admin) {
        this.admin = admin;
    }

    @Override
    public DatabaseConfig admin() {
        return admin;
    }

    @Override
    public DatabaseConfig forDatabase(String database) {
        URI uri = URI.create(admin.url().substring("jdbc:".length()));
        String rebuilt = "jdbc:postgresql://" + uri.getRawAuthority() + "/" + database
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new DatabaseConfig(rebuilt, admin.user(), admin.password());
    }

    @Override
    public String description() {
        return "external PostgreSQL at " + admin.url();
    }

    @Override
    public void close() {
        // not ours to stop
    }
}
