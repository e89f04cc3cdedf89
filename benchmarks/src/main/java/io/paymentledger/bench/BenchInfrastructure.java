package io.paymentledger.bench;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT_STATE;

import com.zaxxer.hikari.HikariDataSource;
import io.paymentledger.config.DatabaseConfig;
import io.paymentledger.db.Database;
import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.jooq.DSLContext;

/**
 * Where a benchmark runs: the embedded PostgreSQL and Kafka broker the tests use (a fresh database), or external
 * servers ({@code --database-url}, {@code --bootstrap-servers}). Topics get a fresh prefix, 6 partitions, and the
 * broker's append time as record timestamp (the acknowledgement time the benchmark measures).
 */
final class BenchInfrastructure implements AutoCloseable {
    private final TestInfrastructure embedded;
    private final TestDatabase embeddedDatabase;
    private final HikariDataSource externalPool;
    private final DSLContext dsl;
    private final Map<String, String> databaseEnv;
    private final KafkaNamespace kafka;

    private BenchInfrastructure(TestInfrastructure embedded, TestDatabase embeddedDatabase,
                                HikariDataSource externalPool, DSLContext dsl, Map<String, String> databaseEnv,
                                KafkaNamespace kafka) {
        this.embedded = embedded;
        this.embeddedDatabase = embeddedDatabase;
        this.externalPool = externalPool;
        this.dsl = dsl;
        this.databaseEnv = databaseEnv;
        this.kafka = kafka;
    }

    static BenchInfrastructure open(BenchmarkSettings settings) {
        String prefix = "bench-" + Long.toString(System.currentTimeMillis(), 36).toLowerCase(Locale.ROOT);
        BenchInfrastructure infrastructure = settings.external() ? external(settings, prefix) : embedded(prefix);
        infrastructure.kafka.createTopics(BenchmarkSettings.PARTITIONS,
                Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"),
                EventPlan.EVENT_TYPE.toLowerCase(Locale.ROOT), EventPlan.WARMUP_EVENT_TYPE.toLowerCase(Locale.ROOT),
                "dlq");
        return infrastructure;
    }

    private static BenchInfrastructure embedded(String prefix) {
        TestInfrastructure servers = TestInfrastructure.embedded();
        TestDatabase database = servers.newDatabase("benchmark");
        return new BenchInfrastructure(servers, database, null, database.dsl(), database.env(),
                servers.kafkaNamespace(prefix));
    }

    private static BenchInfrastructure external(BenchmarkSettings settings, String prefix) {
        DatabaseConfig config = new DatabaseConfig(settings.databaseUrl(), settings.databaseUser(),
                settings.databasePassword());
        HikariDataSource pool = Database.pool(config, "benchmark", settings.writers() + 2);
        Database.migrate(pool);
        DSLContext dsl = Database.dsl(pool);
        int pending = undelivered(dsl);
        if (pending > 0) {
            pool.close();
            throw new IllegalArgumentException("--database-url has " + pending + " pending outbox rows; a benchmark "
                    + "needs a scratch database whose outbox it may fill and drain");
        }
        Map<String, String> env = new HashMap<>();
        env.put(DatabaseConfig.DATABASE_URL, config.url());
        env.put(DatabaseConfig.DATABASE_USER, config.user());
        env.put(DatabaseConfig.DATABASE_PASSWORD, config.password());
        return new BenchInfrastructure(null, null, pool, dsl, env,
                KafkaNamespace.external(settings.bootstrapServers(), prefix));
    }

    DSLContext dsl() {
        return dsl;
    }

    /** Outbox rows not delivered yet, right now. */
    int pendingRows() {
        return undelivered(dsl);
    }

    /** Rows {@code outbox_event_state} shows not delivered yet: new, or in the retry set. */
    private static int undelivered(DSLContext dsl) {
        return dsl.fetchCount(OUTBOX_EVENT_STATE,
                OUTBOX_EVENT_STATE.STATE.in(OutboxStatus.PENDING, OutboxStatus.RETRYING));
    }

    /** The relay's environment: database and Kafka settings, as an operator would set them. */
    Map<String, String> relayEnv() {
        Map<String, String> env = new HashMap<>(databaseEnv);
        env.putAll(kafka.env());
        return env;
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    String eventTopic() {
        return kafka.topic(EventPlan.EVENT_TYPE.toLowerCase(Locale.ROOT));
    }

    String description() {
        return embedded != null ? "embedded PostgreSQL (fsync off) and Kafka broker (KRaft, child JVM)"
                : "external PostgreSQL and Kafka";
    }

    @Override
    public void close() {
        if (embeddedDatabase != null) {
            embeddedDatabase.close();
        }
        if (externalPool != null) {
            externalPool.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
