package io.paymentledger.relay;

import com.zaxxer.hikari.HikariDataSource;
import io.paymentledger.config.CommandLines;
import io.paymentledger.config.DatabaseConfig;
import io.paymentledger.config.Env;
import io.paymentledger.config.ServiceLifecycle;
import io.paymentledger.db.Database;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paymentledger.observability.DatabaseHealth;
import io.paymentledger.observability.Health;
import io.paymentledger.observability.HealthCheck;
import io.paymentledger.observability.HttpEndpoint;
import io.paymentledger.observability.HttpSettings;
import io.paymentledger.observability.Metrics;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/**
 * {@code outbox-processor.jar}: the relay's command line and composition root
 * (environment -> pool -> jOOQ -> store, producer, circuit breaker -> relay), and the operators' commands.
 */
@Command(name = "outbox-processor.jar", mixinStandardHelpOptions = true, version = "outbox-processor 0.1.0",
        description = "Relays committed outbox_event rows to Kafka, in order per aggregate, at least once.",
        footer = {"", "Environment: DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD, KAFKA_BOOTSTRAP_SERVERS,",
                "KAFKA_TOPIC_PREFIX (payments), OUTBOX_TOPIC_ROUTING (event-type|aggregate-type), OUTBOX_BATCH_SIZE (500),",
                "OUTBOX_POLL_INTERVAL_SECONDS (1.0), OUTBOX_CLAIM_TIMEOUT_SECONDS (8), OUTBOX_BASE_DELAY_SECONDS (1.0),",
                "OUTBOX_MAX_DELAY_SECONDS (60.0), OUTBOX_MAX_RETRIES (5), OUTBOX_DEAD_LETTER_POLICY (continue|park),",
                "OUTBOX_RETENTION_HOURS (168), OUTBOX_CIRCUIT_FAILURE_RATE_PERCENT (50), OUTBOX_CIRCUIT_WINDOW_SIZE (6),",
                "OUTBOX_CIRCUIT_MINIMUM_CALLS (3), OUTBOX_CIRCUIT_OPEN_SECONDS (5),",
                "OUTBOX_TOPIC_CREATION (off|create), OUTBOX_TOPIC_PARTITIONS, OUTBOX_TOPIC_REPLICATION_FACTOR,",
                "OUTBOX_TOPIC_MIN_INSYNC_REPLICAS (broker defaults; only with create), OUTBOX_INSTANCE_ID",
                "(relay-<pid>@<host>), KAFKA_<SETTING> producer pass-through (e.g. KAFKA_SECURITY_PROTOCOL),",
                "HTTP_PORT (8080: /metrics, /health/live, /health/ready; 0 = any free port), LOG_FORMAT (text|json),",
                "LOG_LEVEL (INFO).",
                "Operator commands need only DATABASE_*. See README.md."},
        subcommands = {RelayMain.Run.class, OperatorCommands.Status.class, OperatorCommands.Dead.class,
                OperatorCommands.Redrive.class, OperatorCommands.Skip.class, ReconcileCommand.class})
public final class RelayMain implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RelayMain.class);
    /** {@code HTTP_PORT} when it is not set: the relay's {@code /metrics} and {@code /health/*}. */
    static final int DEFAULT_HTTP_PORT = 8080;

    final Env env;
    final Clock clock;

    public RelayMain(Env env) {
        this(env, Clock.systemUTC());
    }

    RelayMain(Env env, Clock clock) {
        this.env = env;
        this.clock = clock;
    }

    public static void main(String[] args) {
        System.exit(CommandLines.execute(new RelayMain(Env.system()), args));
    }

    /** Without a subcommand the service runs: that is what its container does. */
    @Override
    public Integer call() throws InterruptedException {
        return new Run().run(this);
    }

    /** Runs {@code work} against the outbox database (only {@code DATABASE_*} is needed). */
    <T> T withDatabase(Function<DSLContext, T> work) {
        try (HikariDataSource dataSource = Database.pool(DatabaseConfig.fromEnv(env), "outbox-operator", 2)) {
            return work.apply(Database.dsl(dataSource));
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Runs the relay until SIGTERM or SIGINT (the default command); exits 0 after a graceful stop.")
    static final class Run implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        RelayMain main;

        @Override
        public Integer call() throws InterruptedException {
            return run(main);
        }

        Integer run(RelayMain main) throws InterruptedException {
            ServiceLifecycle lifecycle = ServiceLifecycle.trapSignals("relay");
            RelayConfig config = RelayConfig.fromEnv(main.env);
            HttpSettings http = HttpSettings.fromEnv(main.env, DEFAULT_HTTP_PORT);
            log.info("Starting relay with {}, {}", config, http);
            PrometheusMeterRegistry meters = Metrics.prometheus("outbox-relay");
            try (HikariDataSource dataSource = Database.pool(config.database(), "outbox-relay",
                    config.workers() + 3);
                 Relay relay = Relay.create(config, dataSource, main.clock, meters);
                 HttpEndpoint endpoint = HttpEndpoint.start(http, meters, readiness(config, relay))) {
                lifecycle.run(relay::start, () -> stop(relay, config));
            }
            return 0;
        }

        /**
         * Ready when the database answers and the Kafka circuit is not open (an open one claims nothing). Missing
         * topics are reported under {@code kafka_topics} but keep it up: the relay still delivers every other topic,
         * and no restart or reroute of this instance would create the topic (see README, Topics).
         */
        private static Map<String, HealthCheck> readiness(RelayConfig config, Relay relay) {
            Map<String, HealthCheck> checks = new LinkedHashMap<>();
            checks.put("database", new DatabaseHealth(config.database()));
            checks.put("kafka_circuit", () -> {
                String state = relay.circuitState();
                String lastError = relay.lastOutage().map(error -> "; last error: " + error).orElse("");
                return "OPEN".equals(state)
                        ? Health.down("Kafka circuit breaker OPEN: publishing failed for the broker; no rows are "
                                + "claimed until a probe succeeds" + lastError)
                        : Health.up("Kafka circuit breaker " + state + lastError);
            });
            checks.put("kafka_topics", () -> Health.up(relay.topicsReport()));
            return checks;
        }

        private static void stop(Relay relay, RelayConfig config) {
            var bound = config.claimTimeout().plusSeconds(5);
            log.info("Stopping: no new claims; finishing the in-flight batch (at most {})", bound);
            try {
                relay.stop(bound);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
