package io.paymentledger.testsupport;

import io.paymentledger.config.DatabaseConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * The real PostgreSQL and Kafka broker of this test JVM, started once and shared; each test class takes its own
 * database ({@link #newDatabase}) and topic namespace ({@link #newKafkaNamespace}).
 *
 * <p>Which servers, in order of preference:
 * <ol>
 *   <li>a Docker engine is reachable: Testcontainers, {@code postgres:16} and Redpanda;</li>
 *   <li>{@code TEST_DATABASE_URL} (with {@code TEST_DATABASE_USER}, {@code TEST_DATABASE_PASSWORD}) and/or
 *       {@code TEST_KAFKA_BOOTSTRAP_SERVERS} are set: those servers;</li>
 *   <li>otherwise: embedded PostgreSQL (io.zonky.test) and a KRaft Kafka broker in a child JVM.</li>
 * </ol>
 * {@code TEST_INFRASTRUCTURE=docker|external|embedded} forces one choice. The choice is logged once.
 */
public final class TestInfrastructure {
    public static final String TEST_INFRASTRUCTURE = "TEST_INFRASTRUCTURE";
    public static final String TEST_DATABASE_URL = "TEST_DATABASE_URL";
    public static final String TEST_DATABASE_USER = "TEST_DATABASE_USER";
    public static final String TEST_DATABASE_PASSWORD = "TEST_DATABASE_PASSWORD";
    public static final String TEST_KAFKA_BOOTSTRAP_SERVERS = "TEST_KAFKA_BOOTSTRAP_SERVERS";

    private static final Logger log = LoggerFactory.getLogger(TestInfrastructure.class);
    private static TestInfrastructure instance;

    private final PostgresServer postgres;
    private final boolean docker;
    private final boolean embeddedOnly;
    private KafkaServer kafka;
    private KafkaServer restartableKafka;
    private final AtomicInteger sequence = new AtomicInteger();
    private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    private TestInfrastructure(PostgresServer postgres, boolean docker, boolean embeddedOnly) {
        this.postgres = postgres;
        this.docker = docker;
        this.embeddedOnly = embeddedOnly;
    }

    /** The shared servers, started on first use. */
    public static synchronized TestInfrastructure get() {
        if (instance == null) {
            instance = startAll();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::closeQuietly, "test-infrastructure-shutdown"));
        }
        return instance;
    }

    /**
     * A private embedded PostgreSQL and (on first use) embedded Kafka broker, outside the tests' shared pair: for a
     * runnable that wants the same real servers the tests use, such as the demo. {@link #close()} stops both.
     */
    public static TestInfrastructure embedded() {
        return new TestInfrastructure(EmbeddedPostgresServer.start(), false, true);
    }

    /** A topic namespace with exactly {@code topicPrefix}, e.g. {@code payments}, on this infrastructure's broker. */
    public KafkaNamespace kafkaNamespace(String topicPrefix) {
        return new KafkaNamespace(kafka(), topicPrefix);
    }

    /** Stops the broker (if it was started) and PostgreSQL; for instances from {@link #embedded()}. */
    public void close() {
        closeQuietly();
    }

    /** A new, migrated database of its own for one test class. Close it when the class is done. */
    public TestDatabase newDatabase(String label) {
        String name = uniqueName(label);
        TestDatabase.create(postgres.admin(), name);
        return TestDatabase.open(postgres.admin(), postgres.forDatabase(name), name);
    }

    /**
     * A broker of the caller's own, separate from the shared one, with broker {@code settings} in place of the
     * defaults (e.g. {@code auto.create.topics.enable=true}): for a test of how the code under test behaves with a
     * cluster configured differently. Always a KRaft broker in a child JVM, on every infrastructure, so the settings
     * mean the same everywhere. Close it when the test is done.
     */
    public static KafkaServer privateKafka(Map<String, String> settings) {
        KafkaServer server = ChildJvmKafkaBroker.launch(
                Path.of(System.getProperty("java.io.tmpdir"), "payment-ledger-tests"), settings);
        log.info("Private test Kafka with {}: {}", settings, server.description());
        return server;
    }

    /** A private broker with a SASL listener accepting {@code username}/{@code password}; close it after the test. */
    public static SaslKafka privateSaslKafka(String username, String password) {
        SaslKafka kafka = ChildJvmKafkaBroker.launchWithSasl(
                Path.of(System.getProperty("java.io.tmpdir"), "payment-ledger-tests"), username, password);
        log.info("Private test Kafka with a SASL_PLAINTEXT/PLAIN listener at {}: {}", kafka.saslBootstrapServers(),
                kafka.server().description());
        return kafka;
    }

    /** A new topic namespace (a unique topic prefix) for one test class. */
    public KafkaNamespace newKafkaNamespace(String label) {
        return new KafkaNamespace(kafka(), uniqueName(label).replace('_', '-'));
    }

    /**
     * The shared broker, started on first use (tests that need only PostgreSQL never start one);
     * {@link KafkaServer#restartable()} tells whether outage tests can stop it.
     */
    public synchronized KafkaServer kafka() {
        if (kafka == null) {
            kafka = docker ? ContainerKafkaServer.launch() : startKafka(embeddedOnly);
            log.info("Test Kafka: {}", kafka.description());
        }
        return kafka;
    }

    /**
     * A broker that outage tests stop, start and kill: the shared one when this JVM started it (embedded), otherwise
     * (a Docker container, an external broker, neither of which this JVM can restart on the same address) a KRaft
     * broker in a child JVM of its own, started once and shared by the outage tests. So an outage test runs on every
     * infrastructure: none can skip itself.
     */
    public synchronized KafkaServer restartableKafka() {
        if (kafka().restartable()) {
            return kafka();
        }
        if (restartableKafka == null) {
            restartableKafka = privateKafka(Map.of());
            log.info("Outage tests use their own restartable broker, since the shared one ({}) cannot be restarted",
                    kafka().description());
        }
        return restartableKafka;
    }

    /** A new topic namespace on {@link #restartableKafka()}, for one outage test class. */
    public KafkaNamespace newRestartableKafkaNamespace(String label) {
        return new KafkaNamespace(restartableKafka(), uniqueName(label).replace('_', '-'));
    }

    private String uniqueName(String label) {
        String clean = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        if (clean.length() > 30) {
            clean = clean.substring(clean.length() - 30);
        }
        return "t" + runId + "_" + sequence.incrementAndGet() + "_" + clean.replaceAll("^_+|_+$", "");
    }

    private static TestInfrastructure startAll() {
        String forced = env(TEST_INFRASTRUCTURE).orElse("auto").toLowerCase(Locale.ROOT);
        boolean docker = switch (forced) {
            case "docker" -> true;
            case "external", "embedded" -> false;
            case "auto" -> dockerAvailable();
            default -> throw new IllegalStateException(TEST_INFRASTRUCTURE + ": '" + forced
                    + "' is not one of auto, docker, external, embedded");
        };
        boolean embeddedOnly = forced.equals("embedded");
        PostgresServer postgres = docker ? ContainerPostgresServer.start() : startPostgres(embeddedOnly);
        log.info("Test infrastructure ({}): {}; Kafka starts on first use", forced, postgres.description());
        return new TestInfrastructure(postgres, docker, embeddedOnly);
    }

    private static PostgresServer startPostgres(boolean embeddedOnly) {
        Optional<String> url = embeddedOnly ? Optional.empty() : env(TEST_DATABASE_URL);
        if (url.isPresent()) {
            return new ExternalPostgresServer(new DatabaseConfig(url.get(),
                    env(TEST_DATABASE_USER).orElse("postgres"), env(TEST_DATABASE_PASSWORD).orElse("")));
        }
        return EmbeddedPostgresServer.start();
    }

    private static KafkaServer startKafka(boolean embeddedOnly) {
        Optional<String> servers = embeddedOnly ? Optional.empty() : env(TEST_KAFKA_BOOTSTRAP_SERVERS);
        if (servers.isPresent()) {
            return new ExternalKafkaServer(servers.get());
        }
        return ChildJvmKafkaBroker.launch(Path.of(System.getProperty("java.io.tmpdir"), "payment-ledger-tests"));
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            log.debug("No Docker engine: {}", e.toString());
            return false;
        }
    }

    private static Optional<String> env(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private synchronized void closeQuietly() {
        try {
            if (restartableKafka != null) {
                restartableKafka.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            postgres.close();
        }
    }
}
