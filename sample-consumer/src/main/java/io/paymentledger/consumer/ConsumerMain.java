package io.paymentledger.consumer;

import com.zaxxer.hikari.HikariDataSource;
import io.paymentledger.config.CommandLines;
import io.paymentledger.config.Env;
import io.paymentledger.config.ServiceLifecycle;
import io.paymentledger.db.Database;
import io.paymentledger.config.DatabaseConfig;
import io.paymentledger.config.KafkaPassThrough;
import io.paymentledger.consumer.state.PaymentProjection;
import io.paymentledger.consumer.state.PaymentState;
import io.paymentledger.consumer.state.PaymentStateJson;
import io.paymentledger.schemas.EventSchemas;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paymentledger.observability.DatabaseHealth;
import io.paymentledger.observability.HttpEndpoint;
import io.paymentledger.observability.HttpSettings;
import io.paymentledger.observability.Metrics;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sample-consumer.jar}: the notification service's command line and composition root. */
@Command(name = "sample-consumer.jar", mixinStandardHelpOptions = true, version = "sample-consumer 0.1.0",
        description = "Reference downstream service: validates, deduplicates and turns ledger events into notifications.",
        footer = {"", "Environment: DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD, KAFKA_BOOTSTRAP_SERVERS,",
                "KAFKA_TOPIC_PREFIX (payments), CONSUMER_GROUP_ID (sample-notification-service),",
                "CONSUMER_MAX_RECORD_BYTES (1048576), CONSUMER_THREADS (2), HTTP_PORT (8081: /metrics, /health/live,",
                "/health/ready; 0 = any free port), LOG_FORMAT (text|json), LOG_LEVEL (INFO).",
                "tail-dlq needs only the KAFKA_ ones; state needs only the DATABASE_ ones and CONSUMER_GROUP_ID.",
                "See README.md."},
        subcommands = {ConsumerMain.Run.class, ConsumerMain.TailDlq.class, ConsumerMain.State.class,
                ConsumerMain.RebuildState.class})
public final class ConsumerMain implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ConsumerMain.class);
    private static final Duration STATS_EVERY = Duration.ofMinutes(1);
    /** {@code HTTP_PORT} when it is not set; the relay's default is 8080, so both can run on one host. */
    static final int DEFAULT_HTTP_PORT = 8081;

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
            ServiceLifecycle lifecycle = ServiceLifecycle.trapSignals("consumer");
            ConsumerSettings settings = ConsumerSettings.fromEnv(main.env);
            HttpSettings http = HttpSettings.fromEnv(main.env, DEFAULT_HTTP_PORT);
            log.info("Starting notification service with {}, {}", settings, http);
            PrometheusMeterRegistry meters = Metrics.prometheus("notification-consumer");
            ConsumerStats stats = new ConsumerStats(meters, Clock.systemUTC());
            ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();
            try (HikariDataSource dataSource = Database.pool(settings.database(), "notification-consumer",
                    settings.threads() + 1);
                 NotificationService service = new NotificationService(settings, dataSource, Clock.systemUTC(),
                         stats, meters);
                 HttpEndpoint endpoint = HttpEndpoint.start(http, meters,
                         Map.of("database", new DatabaseHealth(settings.database()), "kafka", service::kafkaHealth))) {
                reporter.scheduleAtFixedRate(() -> log.info("Notification service: {}", stats.summary()),
                        STATS_EVERY.toSeconds(), STATS_EVERY.toSeconds(), TimeUnit.SECONDS);
                lifecycle.run(service::start, service::close);
            } finally {
                reporter.shutdownNow();
                log.info("Notification service totals: {}", stats.summary());
            }
            return 0;
        }
    }

    @Command(name = "tail-dlq", mixinStandardHelpOptions = true,
            description = {"Prints the dead letters on <prefix>.dlq, one line each (time, event id, type, aggregate,",
                    "version, attempts, reason), without joining any consumer group."})
    static final class TailDlq implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        ConsumerMain main;
        @Option(names = "--from-beginning", description = "Every dead letter still on the topic.")
        boolean fromBeginning;
        @Option(names = "--follow", description = "Keep printing new dead letters until Ctrl-C / SIGTERM.")
        boolean follow;
        @Option(names = "--json", description = "Print each dead letter's JSON as it is.")
        boolean json;
        @Option(names = "--last", defaultValue = "10",
                description = "Without --from-beginning: the last N per partition (default 10).")
        int last;

        @Override
        public Integer call() throws InterruptedException {
            DeadLetterTail.Options options = new DeadLetterTail.Options(fromBeginning, follow, json, last);
            DeadLetterTail tail = new DeadLetterTail(KafkaClientSettings.fromEnv(main.env),
                    spec.commandLine().getOut());
            AtomicReference<RuntimeException> failure = new AtomicReference<>();
            if (!follow) {
                readOrRecord(tail, options, failure);
            } else {
                // The reader's failure (refused credentials, a missing topic) ends the wait, never a silent hang.
                ServiceLifecycle lifecycle = ServiceLifecycle.trapSignals("tail-dlq");
                Thread reader = new Thread(() -> {
                    if (!readOrRecord(tail, options, failure)) {
                        lifecycle.requestStop();
                    }
                }, "tail-dlq");
                lifecycle.run(reader::start, () -> {
                    tail.stop();
                    joinQuietly(reader);
                });
            }
            if (failure.get() != null) {
                spec.commandLine().getErr().println("tail-dlq: " + KafkaPassThrough.explain(failure.get()));
                return 1;
            }
            return 0;
        }

        /** Runs the tail; false, with the failure recorded, when Kafka refused it or the topic is missing. */
        private static boolean readOrRecord(DeadLetterTail tail, DeadLetterTail.Options options,
                                            AtomicReference<RuntimeException> failure) {
            try {
                tail.run(options);
                return true;
            } catch (KafkaException | IllegalArgumentException e) {
                failure.set(e);
                return false;
            }
        }

        private static void joinQuietly(Thread reader) {
            try {
                reader.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Command(name = "state", mixinStandardHelpOptions = true,
            description = {"Prints one payment's state from the payment_state projection of CONSUMER_GROUP_ID.",
                    "Exit code 0 when found, 1 when the group has no state for it."})
    static final class State implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        ConsumerMain main;
        @Parameters(index = "0", paramLabel = "<payment-id>", description = "The payment id (the events' aggregate_id).")
        String paymentId;
        @Option(names = "--json", description = "Print the state as JSON (schemas/payment-state.schema.json).")
        boolean json;

        @Override
        public Integer call() {
            DatabaseConfig database = DatabaseConfig.fromEnv(main.env);
            String groupId = main.env.string(ConsumerSettings.CONSUMER_GROUP_ID, ConsumerSettings.DEFAULT_GROUP_ID);
            try (HikariDataSource dataSource = Database.pool(database, "payment-state", 1)) {
                Optional<PaymentState> state = PaymentProjection.live(groupId).find(Database.dsl(dataSource),
                        paymentId);
                if (state.isEmpty()) {
                    spec.commandLine().getErr().println("No state for payment " + paymentId + " in group " + groupId
                            + " (not consumed yet, or not a payment id)");
                    return 1;
                }
                spec.commandLine().getOut().println(json ? PaymentStateJson.toJson(state.get()).toString()
                        : StateText.of(state.get()));
                return 0;
            }
        }
    }

    @Command(name = "rebuild-state", mixinStandardHelpOptions = true,
            description = {"Rebuilds the payment state projection of CONSUMER_GROUP_ID from the event topics into",
                    "payment_state_rebuild (its rows of the group are replaced) and compares it with payment_state:",
                    "a SHA-256 over each side's states in payment id order, and the payments that differ.",
                    "Compare while the consumer is caught up: events it has not consumed yet show as differences.",
                    "Exit code 0 when both are equal, 1 when they differ."})
    static final class RebuildState implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        ConsumerMain main;
        @Option(names = "--json", description = "Print the report as one JSON object.")
        boolean json;

        @Override
        public Integer call() {
            ConsumerSettings settings = ConsumerSettings.fromEnv(main.env);
            try (HikariDataSource dataSource = Database.pool(settings.database(), "rebuild-state", 2)) {
                StateRebuild.Report report = new StateRebuild(settings.clients(), settings.groupId(),
                        Database.dsl(dataSource), new EnvelopeValidator(EventSchemas.load(), settings.maxRecordBytes()),
                        Clock.systemUTC()).run();
                spec.commandLine().getOut().println(json ? StateText.json(settings.groupId(), report)
                        : StateText.of(settings.groupId(), report));
                return report.comparison().equal() ? 0 : 1;
            }
        }
    }
}
