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
    private final DatabaseConfig config;
    private final String name;
    private final HikariDataSource dataSource;
    private final DSLContext dsl;

    private TestDatabase(DatabaseConfig config, String name) {
        this.config = config;
        this.name = name;
        this.dataSource = Database.pool(config, "test-" + name, 10);
        this.dsl = Database.dsl(dataSource);
    }

    static void create(DatabaseConfig admin, String name) {
        try (Connection connection = DriverManager.getConnection(admin.url(), admin.user(), admin.password())) {
            DSL.using(connection, SQLDialect.POSTGRES).createDatabase(name).execute();
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name + " via " + admin.url(), e);
        }
    }

    static TestDatabase open(DatabaseConfig config, String name) {
        TestDatabase database = new TestDatabase(config, name);
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

    @Override
    public void close() {
        dataSource.close();
    }
}
