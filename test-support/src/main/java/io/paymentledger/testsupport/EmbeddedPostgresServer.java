package io.paymentledger.testsupport;

import io.paymentledger.config.DatabaseConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Real PostgreSQL binaries shipped through Maven Central (io.zonky.test), run as a child process. */
final class EmbeddedPostgresServer implements PostgresServer {
    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static EmbeddedPostgresServer start() {
        try {
            return new EmbeddedPostgresServer(EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    // Sized like a small production server rather than PostgreSQL's 128 MB default, so a backlog of a
                    // million outbox rows stays in shared buffers and checkpoints do not come every few seconds.
                    .setServerConfig("shared_buffers", "1GB")
                    .setServerConfig("max_wal_size", "4GB")
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        }
    }

    @Override
    public DatabaseConfig admin() {
        return forDatabase("postgres");
    }

    @Override
    public DatabaseConfig forDatabase(String database) {
        return new DatabaseConfig(postgres.getJdbcUrl("postgres", database), "postgres", "");
    }

    @Override
    public String description() {
        return "embedded PostgreSQL (io.zonky.test) on port " + postgres.getPort();
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
