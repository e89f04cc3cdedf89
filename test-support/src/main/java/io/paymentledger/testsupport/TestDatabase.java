package io.paymentledger.testsupport;

import com.zaxxer.hikari.HikariDataSource;
import io.paymentledger.config.DatabaseConfig;
import io.paymentledger.db.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/** One test class's own migrated database on the shared PostgreSQL server, with a pool and a jOOQ context. */
public final class TestDatabase implements AutoCloseable {
    private final DatabaseConfig admin;
    private final DatabaseConfig config;
    private final String name;
    private final HikariDataSource dataSource;
    private final DSLContext dsl;

    private TestDatabase(DatabaseConfig admin, DatabaseConfig config, String name) {
        this.admin = admin;
        this.config = config;
        this.name = name;
        this.dataSource = Database.pool(config, "test-" + name, 10);
        this.dsl = Database.dsl(dataSource);
    }

    static void create(DatabaseConfig admin, String name) {
        asAdmin(admin, "create test database " + name, dsl -> dsl.createDatabase(name).execute());
    }

    static TestDatabase open(DatabaseConfig admin, DatabaseConfig config, String name) {
        TestDatabase database = new TestDatabase(admin, config, name);
        Database.migrate(database.dataSource);
        return database;
    }

    /** How the code under test connects: the same values it would read from DATABASE_URL/USER/PASSWORD. */
    public DatabaseConfig config() {
        return config;
    }

    /** {@code DATABASE_URL}, {@code DATABASE_USER} and {@code DATABASE_PASSWORD} of this database, as a runnable reads them. */
    public java.util.Map<String, String> env() {
        return java.util.Map.of(DatabaseConfig.DATABASE_URL, config.url(), DatabaseConfig.DATABASE_USER, config.user(),
                DatabaseConfig.DATABASE_PASSWORD, config.password());
    }

    public String name() {
        return name;
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    public DSLContext dsl() {
        return dsl;
    }

    /**
     * Takes the database away from every client, as an outage would: new connections are refused ("database ... is
     * not currently accepting connections") and open ones, this class's pool's included, are terminated. Closing
     * the returned handle lets clients connect again.
     */
    public Outage takeOffline() {
        // jOOQ has no DSL for ALLOW_CONNECTIONS or pg_stat_activity: plain SQL templates with the name bound.
        asAdmin(admin, "take " + name + " offline", dsl -> {
            dsl.execute("ALTER DATABASE {0} ALLOW_CONNECTIONS false", DSL.name(name));
            return dsl.fetch("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?", name);
        });
        return () -> asAdmin(admin, "bring " + name + " back",
                dsl -> dsl.execute("ALTER DATABASE {0} ALLOW_CONNECTIONS true", DSL.name(name)));
    }

    /** The end of an outage from {@link #takeOffline()}. */
    @FunctionalInterface
    public interface Outage extends AutoCloseable {
        @Override
        void close();
    }

    private static <T> T asAdmin(DatabaseConfig admin, String what, java.util.function.Function<DSLContext, T> work) {
        try (Connection connection = DriverManager.getConnection(admin.url(), admin.user(), admin.password())) {
            return work.apply(DSL.using(connection, SQLDialect.POSTGRES));
        } catch (SQLException e) {
            throw new IllegalStateException("could not " + what + " via " + admin.url(), e);
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
