package io.paymentledger.testsupport;

import io.paymentledger.config.DatabaseConfig;

/** A real PostgreSQL server the tests create their databases on. */
interface PostgresServer extends AutoCloseable {
    /** Connection to the server's maintenance database, as a role that may create databases. */
    DatabaseConfig admin();

    /** The same server with {@code database} in place of the maintenance database. */
    DatabaseConfig forDatabase(String database);

    String description();

    @Override
    void close();
}
