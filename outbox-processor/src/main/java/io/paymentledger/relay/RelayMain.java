package io.paymentledger.relay;

import com.zaxxer.hikari.HikariDataSource;
import io.paymentledger.config.CommandLines;
import io.paymentledger.config.Env;
import io.paymentledger.config.ServiceLifecycle;
import io.paymentledger.db.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code outbox-processor.jar}: the relay's command line and composition root
 * (environment -> pool -> jOOQ -> store, producer -> relay).
 */
@Command(name = "outbox-processor.jar", mixinStandardHelpOptions = true, version = "outbox-processor 0.1.0",
        description = "Relays committed outbox_event rows to Kafka, in order per aggregate, at least once.",
        footer = {"", "Environment: DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD, KAFKA_BOOTSTRAP_SERVERS,",
                "KAFKA_TOPIC_PREFIX (payments), OUTBOX_TOPIC_ROUTING (event-type|aggregate-type), OUTBOX_BATCH_SIZE (500),",
                "OUTBOX_POLL_INTERVAL_SECONDS (1.0), OUTBOX_CLAIM_TIMEOUT_SECONDS (10), OUTBOX_BASE_DELAY_SECONDS (1.0),",
                "OUTBOX_MAX_DELAY_SECONDS (60.0), OUTBOX_INSTANCE_ID (relay-<pid>@<host>). See README.md."},
        subcommands = {RelayMain.Run.class})
public final class RelayMain implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RelayMain.class);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    private final Env env;

    public RelayMain(Env env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(CommandLines.execute(new RelayMain(Env.system()), args));
    }

    /** Without a subcommand the service runs: that is what its container does. */
    @Override
    public Integer call() throws InterruptedException {
        Run run = new Run();
        run.main = this;
        return run.call();
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Runs the relay until SIGTERM or SIGINT (the default command).")
    static final class Run implements Callable<Integer> {
        @ParentCommand
        RelayMain main;

        @Override
        public Integer call() throws InterruptedException {
            RelayConfig config = RelayConfig.fromEnv(main.env);
            log.info("Starting relay with {}", config);
            try (HikariDataSource dataSource = Database.pool(config.database(), "outbox-relay", 4);
                 Relay relay = Relay.create(config, dataSource, Clock.systemUTC())) {
                ServiceLifecycle.runUntilShutdown("relay", relay::start, () -> stop(relay));
            }
            return 0;
        }

        private static void stop(Relay relay) {
            log.info("Finishing the in-flight batch (at most {})", SHUTDOWN_TIMEOUT);
            try {
                relay.stop(SHUTDOWN_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
