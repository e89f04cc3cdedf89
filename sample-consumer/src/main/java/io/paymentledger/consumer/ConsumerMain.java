package io.paymentledger.consumer;

import com.zaxxer.hikari.HikariDataSource;
import io.paymentledger.config.CommandLines;
import io.paymentledger.config.Env;
import io.paymentledger.config.ServiceLifecycle;
import io.paymentledger.db.Database;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code sample-consumer.jar}: the notification service's command line and composition root. */
@Command(name = "sample-consumer.jar", mixinStandardHelpOptions = true, version = "sample-consumer 0.1.0",
        description = "Reference downstream service: validates, deduplicates and turns ledger events into notifications.",
        footer = {"", "Environment: DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD, KAFKA_BOOTSTRAP_SERVERS,",
                "KAFKA_TOPIC_PREFIX (payments), CONSUMER_GROUP_ID (sample-notification-service). See README.md."},
        subcommands = {ConsumerMain.Run.class})
public final class ConsumerMain implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ConsumerMain.class);

    private final Env env;

    public ConsumerMain(Env env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(CommandLines.execute(new ConsumerMain(Env.system()), args));
    }

    /** Without a subcommand the service runs: that is what its container does. */
    @Override
    public Integer call() throws InterruptedException {
        Run run = new Run();
        run.main = this;
        return run.call();
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Consumes until SIGTERM or SIGINT (the default command).")
    static final class Run implements Callable<Integer> {
        @ParentCommand
        ConsumerMain main;

        @Override
        public Integer call() throws InterruptedException {
            ConsumerSettings settings = ConsumerSettings.fromEnv(main.env);
            log.info("Starting notification service with {}", settings);
            try (HikariDataSource dataSource = Database.pool(settings.database(), "notification-consumer", 2);
                 NotificationService service = new NotificationService(settings, dataSource, Clock.systemUTC(),
                         new ConsumptionListener() { })) {
                ServiceLifecycle.runUntilShutdown("consumer", service::start, service::close);
            }
            return 0;
        }
    }
}
