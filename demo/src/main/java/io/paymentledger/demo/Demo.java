package io.paymentledger.demo;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paymentledger.config.Env;
import io.paymentledger.config.ServiceLifecycle;
import io.paymentledger.consumer.ConsumerSettings;
import io.paymentledger.consumer.ConsumerStats;
import io.paymentledger.consumer.DeadLetterTail;
import io.paymentledger.consumer.KafkaClientSettings;
import io.paymentledger.consumer.NotificationService;
import io.paymentledger.db.Database;
import io.paymentledger.ledger.Ledger;
import io.paymentledger.ledger.simulation.SimulationSettings;
import io.paymentledger.ledger.simulation.SimulationSummary;
import io.paymentledger.ledger.simulation.Simulator;
import io.paymentledger.observability.DatabaseHealth;
import io.paymentledger.observability.HttpEndpoint;
import io.paymentledger.observability.HttpSettings;
import io.paymentledger.observability.Metrics;
import io.paymentledger.relay.Relay;
import io.paymentledger.relay.RelayConfig;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The whole product on one machine: embedded PostgreSQL and Kafka, the ledger simulator writing, the relay and the
 * consumer running as they do in production (same classes, same settings from an environment), four unusual rows,
 * a live progress line, a summary, and with {@code --keep-running} the stack left up for {@code psql} and
 * {@code kcat}.
 */
final class Demo {
    static final String TOPIC_PREFIX = "payments";
    private static final Duration TICK = Duration.ofMillis(250);

    private final DemoSettings settings;
    private final PrintStream out;
    private final Clock clock;

    Demo(DemoSettings settings, PrintStream out, Clock clock) {
        this.settings = settings;
        this.out = out;
        this.clock = clock;
    }

    /** Runs the demo; 0 when every expectation held, 1 otherwise. */
    int run() throws InterruptedException {
        out.println("Logs of the services: " + DemoLogging.toFile());
        out.println("Starting embedded PostgreSQL and a Kafka broker (KRaft) ...");
        TestInfrastructure servers = TestInfrastructure.embedded();
        try {
            TestDatabase database = servers.newDatabase("demo");
            KafkaNamespace kafka = servers.kafkaNamespace(TOPIC_PREFIX);
            kafka.createTopics(3, "dlq", "paymentauthorized", "paymentdeclined", "paymentcaptured", "paymentvoided",
                    "paymentrefunded");
            return runServices(database, kafka);
        } finally {
            servers.close();
        }
    }

    /** The relay and consumer read the same variables as their containers; fast retries so the demo is short. */
    static Env serviceEnv(TestDatabase database, KafkaNamespace kafka) {
        Map<String, String> env = new HashMap<>(database.env());
        env.putAll(kafka.env());
        env.put("OUTBOX_INSTANCE_ID", "demo-relay");
        env.put("OUTBOX_MAX_RETRIES", "3");
        env.put("OUTBOX_BASE_DELAY_SECONDS", "0.2");
        env.put("OUTBOX_MAX_DELAY_SECONDS", "1");
        env.put("CONSUMER_GROUP_ID", "demo-notifications");
        // The consumer finds the topic the demo creates mid-run within 3 s instead of its default 30 s.
        env.put("KAFKA_METADATA_MAX_AGE_MS", "3000");
        return new Env(env);
    }

    private int runServices(TestDatabase database, KafkaNamespace kafka) throws InterruptedException {
        Env env = serviceEnv(database, kafka);
        RelayConfig relayConfig = RelayConfig.fromEnv(env);
        ConsumerSettings consumerSettings = ConsumerSettings.fromEnv(env);
        PrometheusMeterRegistry meters = Metrics.prometheus("demo");
        ConsumerStats stats = new ConsumerStats(meters, clock);
        try (HikariDataSource relayPool = Database.pool(relayConfig.database(), "demo-relay", 4);
             HikariDataSource consumerPool = Database.pool(consumerSettings.database(), "demo-consumer", 3);
             HikariDataSource ledgerPool = Database.pool(database.config(), "demo-ledger", settings.threads() + 1);
             Relay relay = Relay.create(relayConfig, relayPool, clock, meters);
             NotificationService consumer = new NotificationService(consumerSettings, consumerPool, clock, stats,
                     meters);
             HttpEndpoint http = HttpEndpoint.start(new HttpSettings(0), meters,
                     Map.of("database", new DatabaseHealth(database.config())))) {
            relay.start();
            consumer.start();
            Ledger ledger = Ledger.postgres(Database.dsl(ledgerPool), clock, EventSchemas.load());
            DemoReport report = simulate(ledger, database, stats, meters, new NewTopic(relay, kafka),
                    consumerSettings.groupId());
            if (report == null) {
                return 1;
            }
            report.print(out);
            printDeadLetters(kafka);
            if (settings.keepRunning()) {
                keepRunning(database, kafka, http);
            }
            return report.violations().isEmpty() ? 0 : 1;
        }
    }

    /** Poison rows, then the simulator; shows progress until everything is relayed and consumed. */
    private DemoReport simulate(Ledger ledger, TestDatabase database, ConsumerStats stats,
                                PrometheusMeterRegistry meters, NewTopic newTopic, String consumerGroup)
            throws InterruptedException {
        PoisonRows.insert(database.dsl());
        long started = clock.millis();
        SimulationSettings simulation = new SimulationSettings(settings.accounts(), settings.payments(),
                settings.threads(), 0, settings.seed(), "demo");
        out.printf("Simulating %,d payments on %,d accounts with %d threads; relay and consumer running%n",
                settings.payments(), settings.accounts(), settings.threads());
        CompletableFuture<SimulationSummary> writer = CompletableFuture.supplyAsync(() ->
                new Simulator(ledger, clock).run(simulation, Duration.ofHours(1), summary -> { }));
        ProgressLine progress = new ProgressLine(out, ProgressLine.stdoutIsTerminal());
        long deadline = Long.MAX_VALUE;
        while (true) {
            OutboxCounts counts = OutboxCounts.read(database.dsl(), clock.instant());
            long handled = stats.consumed() + stats.rejectedTotal();
            String line = ProgressLine.render(counts, stats.consumed(), (clock.millis() - started) / 1000.0);
            if (writer.isDone() && counts.pending() == 0 && handled >= counts.published()) {
                progress.finish(line);
                return report(writer.join(), counts, stats, ledger, StateCheck.read(database.dsl(), consumerGroup),
                        meters, started);
            }
            if (writer.isCompletedExceptionally()) {
                progress.finish(line);
                out.println("The simulator failed: " + writer.handle((ok, error) -> error).join());
                return null;
            }
            if (writer.isDone() && deadline == Long.MAX_VALUE) {
                deadline = clock.millis() + settings.timeout().toMillis();
            }
            if (clock.millis() > deadline) {
                progress.finish(line);
                out.println("Relay and consumer did not catch up within " + settings.timeout().toSeconds()
                        + " s of the simulator's end; see the log file");
                return null;
            }
            newTopic.createOnceHeld(progress);
            progress.show(line, clock.millis());
            TimeUnit.MILLISECONDS.sleep(TICK.toMillis());
        }
    }

    /**
     * The new event type's topic, which nobody created: once the relay reports it missing (its row held, no attempt
     * spent), the demo says so and creates it, as an operator would; the relay then delivers the row within seconds.
     */
    private static final class NewTopic {
        private final Relay relay;
        private final KafkaNamespace kafka;
        private boolean created;

        NewTopic(Relay relay, KafkaNamespace kafka) {
            this.relay = relay;
            this.kafka = kafka;
        }

        void createOnceHeld(ProgressLine progress) {
            if (created || !relay.missingTopics().contains(kafka.topic(PoisonRows.NEW_TOPIC_NAME))) {
                return;
            }
            progress.note("Relay holds a row: " + relay.topicsReport());
            kafka.createTopics(3, PoisonRows.NEW_TOPIC_NAME);
            created = true;
            progress.note("Created " + kafka.topic(PoisonRows.NEW_TOPIC_NAME) + " as an operator would; the relay "
                    + "delivers the held row within seconds, with no attempt spent");
        }
    }

    private DemoReport report(SimulationSummary summary, OutboxCounts counts, ConsumerStats stats, Ledger ledger,
                              StateCheck states, PrometheusMeterRegistry meters, long started) {
        Timer commitToAck = meters.find("outbox.relay.commit.to.ack").timer();
        return DemoReport.of(summary, counts, stats, ledger.checkConsistency(), states,
                commitToAck == null ? Double.NaN : commitToAck.mean(TimeUnit.MILLISECONDS),
                commitToAck == null ? Double.NaN : commitToAck.max(TimeUnit.MILLISECONDS),
                (clock.millis() - started) / 1000.0);
    }

    private void printDeadLetters(KafkaNamespace kafka) {
        out.println();
        out.println("Dead letters on " + TOPIC_PREFIX + ".dlq (as `sample-consumer.jar tail-dlq --from-beginning`"
                + " prints them):");
        PrintWriter writer = new PrintWriter(out, true, StandardCharsets.UTF_8);
        new DeadLetterTail(KafkaClientSettings.of(kafka.config()), writer).run(new DeadLetterTail.Options(true, false, false, 0));
        writer.flush();
    }

    private void keepRunning(TestDatabase database, KafkaNamespace kafka, HttpEndpoint http)
            throws InterruptedException {
        String url = database.config().url();
        out.println();
        out.println("Everything keeps running until Ctrl-C (the relay and the consumer too):");
        out.println("  JDBC URL           " + url + "  (user " + database.config().user() + ", no password)");
        out.println("  psql               psql \"" + url.substring("jdbc:".length()) + "\"");
        out.println("  bootstrap servers  " + kafka.bootstrapServers());
        out.println("  kcat               kcat -b " + kafka.bootstrapServers() + " -C -t " + TOPIC_PREFIX
                + ".dlq -e");
        out.println("  metrics / health   http://localhost:" + http.port() + "/metrics  /health/ready");
        out.println("  more payments      DATABASE_URL='" + url + "' DATABASE_USER=" + database.config().user()
                + " java -jar ledger-core/target/ledger-core.jar simulate --accounts 50 --payments 1000");
        out.println("  a payment's state  DATABASE_URL='" + url + "' DATABASE_USER=" + database.config().user()
                + " CONSUMER_GROUP_ID=demo-notifications java -jar sample-consumer/target/sample-consumer.jar state"
                + " <payment-id>");
        out.flush();
        ServiceLifecycle.runUntilShutdown("demo", () -> { }, () -> out.println("Stopping the demo"));
    }
}
