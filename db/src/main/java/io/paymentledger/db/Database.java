package io.paymentledger.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.paymentledger.config.DatabaseConfig;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * Entry points to the database shared by every runnable: the connection pool, the migrations and jOOQ.
 */
public final class Database {
    /** Where the Flyway migrations ship on the classpath (from {@code db/migration} in the source tree). */
    public static final String MIGRATIONS_LOCATION = "classpath:db/migration";

    /** PostgreSQL's default isolation, which every module's transactions are written for. */
    static final String READ_COMMITTED = "TRANSACTION_READ_COMMITTED";

    private Database() {
    }

    /**
     * A HikariCP pool. Connections are validated by the driver; a pool that cannot connect fails on first use with
     * PostgreSQL's own message, not at construction, so a runnable can report readiness instead of crashing.
     */
    public static HikariDataSource pool(DatabaseConfig config, String poolName, int maximumPoolSize) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(poolName);
        hikari.setJdbcUrl(config.url());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(maximumPoolSize);
        hikari.setMinimumIdle(Math.min(2, maximumPoolSize));
        hikari.setConnectionTimeout(10_000);
        hikari.setInitializationFailTimeout(-1);
        // Explicit, not detected: HikariCP reads the driver's default isolation from its first connection, and when
        // that read fails (the database dropped connections while the pool started) it keeps -1 and every later
        // connection fails with "Transaction isolation level -1 not supported", for the life of the process
        // (HikariCP issues 887 and 2269). The fault suite's consumer was stuck that way after a database cut.
        hikari.setTransactionIsolation(READ_COMMITTED);
        return new HikariDataSource(hikari);
    }

    /** Applies every pending migration; safe to run concurrently from several processes (Flyway locks). */
    public static MigrateResult migrate(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations(MIGRATIONS_LOCATION)
                .load()
                .migrate();
    }

    /** A jOOQ context for PostgreSQL over the pool. */
    public static DSLContext dsl(DataSource dataSource) {
        // Execute logging off: its listener costs time on every statement, also with DEBUG disabled.
        Settings settings = new Settings().withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED)
                .withExecuteLogging(false);
        return DSL.using(dataSource, SQLDialect.POSTGRES, settings);
    }
}
