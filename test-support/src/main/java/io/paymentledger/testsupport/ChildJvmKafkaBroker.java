package io.paymentledger.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), run from the Maven Central
 * artifacts in a child JVM. Being a separate process, it can be stopped, killed and restarted for outage tests;
 * a restart keeps its address and data.
 */
final class ChildJvmKafkaBroker implements KafkaServer {
    private static final Logger log = LoggerFactory.getLogger(ChildJvmKafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Path directory;
    private final Path configFile;
    private final Path logFile;
    private final String classpath;
    private final int port;
    private Process process;

    private ChildJvmKafkaBroker(Path directory, String classpath, int port, int controllerPort,
                                Map<String, String> settings) throws IOException {
        this.directory = directory;
        this.classpath = classpath;
        this.port = port;
        this.configFile = directory.resolve("server.properties");
        this.logFile = directory.resolve("broker.log");
        Files.writeString(configFile, serverProperties(directory.resolve("data"), port, controllerPort, settings));
        Files.writeString(directory.resolve("logback.xml"), LOGBACK);
    }

    /** Formats storage, starts the broker and waits until it serves requests. */
    static ChildJvmKafkaBroker launch(Path parent) {
        return launch(parent, Map.of());
    }

    /**
     * As {@link #launch(Path)}, with broker {@code settings} (e.g. {@code auto.create.topics.enable=true}) in place of
     * the defaults of the same name.
     */
    static ChildJvmKafkaBroker launch(Path parent, Map<String, String> settings) {
        try {
            return launch(parent, freePort(), freePort(), settings);
        } catch (IOException e) {
            throw new UncheckedIOException("could not pick ports for the embedded Kafka broker", e);
        }
    }

    /**
     * A broker with a second listener, {@code SASL_PLAINTEXT} with the {@code PLAIN} mechanism, that accepts exactly
     * {@code username}/{@code password}; the plaintext listener stays for the test harness (topic creation). No
     * authorizer: an authenticated user may do anything.
     */
    static SaslKafka launchWithSasl(Path parent, String username, String password) {
        try {
            int port = freePort();
            int controllerPort = freePort();
            int saslPort = freePort();
            String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + username
                    + "\" password=\"" + password + "\" user_" + username + "=\"" + password + "\";";
            Map<String, String> settings = Map.of(
                    "listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
                            + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort,
                    "listener.security.protocol.map",
                    "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "listener.name.sasl_plaintext.sasl.enabled.mechanisms", "PLAIN",
                    "listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas);
            return new SaslKafka(launch(parent, port, controllerPort, settings), "127.0.0.1:" + saslPort);
        } catch (IOException e) {
            throw new UncheckedIOException("could not pick ports for the embedded Kafka broker", e);
        }
    }

    private static ChildJvmKafkaBroker launch(Path parent, int port, int controllerPort, Map<String, String> settings) {
        try {
            Files.createDirectories(parent);
            Path directory = Files.createTempDirectory(parent, "kafka-");
            ChildJvmKafkaBroker broker = new ChildJvmKafkaBroker(directory, brokerClasspath(), port, controllerPort,
                    settings);
            broker.format();
            broker.start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::destroyQuietly, "kafka-broker-shutdown"));
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the embedded Kafka broker", e);
        }
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public String description() {
        return "embedded Kafka " + org.apache.kafka.common.utils.AppInfoParser.getVersion()
                + " (KRaft, child JVM) at " + bootstrapServers() + ", log " + logFile;
    }

    @Override
    public boolean restartable() {
        return true;
    }

    @Override
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        process = spawn("io.paymentledger.testsupport.BrokerLauncher", configFile.toString());
        awaitReady();
    }

    @Override
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        awaitExit(Duration.ofSeconds(60));
    }

    @Override
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        stop();
    }

    private void destroyQuietly() {
        Process running = process;
        if (running != null) {
            running.destroyForcibly();
            running.onExit().join();
        }
        deleteRecursively(directory);
    }

    private static void deleteRecursively(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.debug("Could not delete {}: {}", root, e.toString());
        }
    }

    private void format() {
        Process formatter = spawn("kafka.tools.StorageTool",
                "format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString(), "--ignore-formatted");
        try {
            if (!formatter.waitFor(120, TimeUnit.SECONDS) || formatter.exitValue() != 0) {
                formatter.destroyForcibly();
                throw new IllegalStateException("formatting Kafka storage failed; see " + logFile + ":\n" + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
    }

    private Process spawn(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m", "-Xmx768m", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + directory.resolve("logback.xml"),
                "-cp", classpath, mainClass));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + mainClass, e);
        }
    }

    private void awaitReady() {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        try (Admin admin = Admin.create(config)) {
            Awaitility.await("Kafka broker at " + bootstrapServers() + " ready")
                    .atMost(READY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Kafka broker exited; see " + logFile + ":\n" + tail());
                        }
                        return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
                    });
        }
        log.info("Kafka broker ready at {}", bootstrapServers());
    }

    private void awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the Kafka broker", e);
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static String brokerClasspath() throws IOException {
        try (InputStream in = ChildJvmKafkaBroker.class.getResourceAsStream("/kafka-broker.classpath")) {
            if (in == null) {
                throw new IllegalStateException("kafka-broker.classpath is missing from test-support; rebuild it with Maven");
            }
            String brokerJars = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return ownLocation() + java.io.File.pathSeparator + brokerJars;
        }
    }

    private static String ownLocation() {
        try {
            return Path.of(BrokerLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate test-support classes", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static String serverProperties(Path data, int port, int controllerPort, Map<String, String> settings) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String line : defaultProperties(data, port, controllerPort)) {
            int equals = line.indexOf('=');
            properties.put(line.substring(0, equals), line.substring(equals + 1));
        }
        properties.putAll(settings);
        StringBuilder text = new StringBuilder();
        properties.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return text.toString();
    }

    private static List<String> defaultProperties(Path data, int port, int controllerPort) {
        return List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + data,
                // Topics are created explicitly, as in production; a typo must not create a topic.
                "auto.create.topics.enable=false",
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0");
    }

    private static final String LOGBACK = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <root level="WARN"><appender-ref ref="OUT"/></root>
              <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
              <logger name="kafka.server.BrokerServer" level="INFO"/>
            </configuration>
            """;
}
