package io.paymentledger.bench;

import io.paymentledger.config.CommandLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code benchmarks.jar <backlog|live|steady>}: progress on stderr, one JSON line on stdout. */
@Command(name = "benchmarks.jar", mixinStandardHelpOptions = true, version = "benchmarks 0.1.0",
        description = {"Measures the packaged relay (outbox-processor.jar, its own process) on embedded or external",
                "PostgreSQL and Kafka and prints one JSON line: events/s, the writers' insert rate, commit-to-ack",
                "latency percentiles and the relay's peak resident memory.",
                "  backlog  N rows in the outbox before the relay starts; time until the last is acknowledged",
                "  live     writers insert N events as fast as they can (100 rows per transaction) while it runs",
                "  steady   writers insert --rate events/s for --seconds (10 rows per transaction)",
                "Run it from the repository root after `mvn package -DskipTests`."})
public final class BenchmarkMain implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "WORKLOAD", description = "backlog, live or steady")
    String workload;
    @Option(names = "--events", description = "Events (default: backlog 1000000, live 200000, steady rate x seconds).")
    Integer events;
    @Option(names = "--aggregates", defaultValue = "10000", description = "Aggregates (default 10000).")
    int aggregates;
    @Option(names = "--payload-bytes", defaultValue = "400", description = "Payload size (default 400).")
    int payloadBytes;
    @Option(names = "--rate", defaultValue = "2000", description = "steady: events per second (default 2000).")
    int rate;
    @Option(names = "--seconds", defaultValue = "60", description = "steady: seconds of writing (default 60).")
    int seconds;
    @Option(names = "--warmup-seconds", defaultValue = "15",
            description = "live, steady: warm-up traffic before measuring, 1000 events/s, at least this long, then "
                    + "until the relays' JIT compilers are quiet, at most 180 s (default 15; 0: none).")
    int warmupSeconds;
    @Option(names = "--relays", defaultValue = "1", description = "Relay processes (default 1).")
    int relays;
    @Option(names = "--writers", defaultValue = "2", description = "Writer threads (default 2).")
    int writers;
    @Option(names = "--batch-size", description = "OUTBOX_BATCH_SIZE of the relays (default: the relay's).")
    Integer batchSize;

    @Option(names = "--relay-env", paramLabel = "NAME=VALUE",
            description = "More environment of the relays, e.g. OUTBOX_WORKERS=4 (repeatable).")
    Map<String, String> relayEnv = new LinkedHashMap<>();
    @Option(names = "--database-url", description = "External PostgreSQL JDBC URL (a scratch database).")
    String databaseUrl;
    @Option(names = "--database-user", defaultValue = "postgres", description = "Its user (default postgres).")
    String databaseUser;
    @Option(names = "--database-password", defaultValue = "", description = "Its password (default empty).")
    String databasePassword;
    @Option(names = "--bootstrap-servers", description = "External Kafka bootstrap servers.")
    String bootstrapServers;
    @Option(names = "--relay-jvm-options", defaultValue = "-Xmx192m -XX:+ExitOnOutOfMemoryError",
            description = "The relay JVM's options, space-separated (default: ${DEFAULT-VALUE}).")
    String relayJvmOptions;
    @Option(names = "--jfr", paramLabel = "DIR", description = "Record a JFR profile of each relay into DIR.")
    Path jfr;
    @Option(names = "--repo-root", description = "Where outbox-processor/target/outbox-processor.jar is (default . or ..).")
    Path repoRoot;

    public static void main(String[] args) {
        System.exit(CommandLines.execute(new BenchmarkMain(), args));
    }

    @Override
    public Integer call() throws Exception {
        BenchmarkSettings settings = settings();
        if (!Files.exists(settings.relayJar())) {
            throw new IllegalArgumentException(settings.relayJar().toAbsolutePath() + " is missing; run "
                    + "`mvn -B -ntp package -DskipTests` first, or pass --repo-root");
        }
        BenchmarkResult result = new Benchmark(settings).run();
        System.out.println(result.toJson());
        System.out.flush();
        return 0;
    }

    BenchmarkSettings settings() {
        BenchmarkSettings.Workload kind = parseWorkload(workload);
        int count = events != null ? events : switch (kind) {
            case BACKLOG -> 1_000_000;
            case LIVE -> 200_000;
            case STEADY -> Math.multiplyExact(rate, seconds);
        };
        int transaction = switch (kind) {
            case BACKLOG -> 1_000;
            case LIVE -> 100;
            case STEADY -> 10;
        };
        Path root = repoRoot != null ? repoRoot
                : Files.exists(Path.of("outbox-processor/target/outbox-processor.jar")) ? Path.of(".") : Path.of("..");
        return new BenchmarkSettings(kind, count, aggregates, payloadBytes, rate, seconds, warmupSeconds, relays, writers,
                transaction, batchSize, relayEnv, databaseUrl, databaseUser, databasePassword, bootstrapServers,
                List.of(relayJvmOptions.trim().split("\\s+")), jfr, root);
    }

    private static BenchmarkSettings.Workload parseWorkload(String value) {
        try {
            return BenchmarkSettings.Workload.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("WORKLOAD must be backlog, live or steady but was '" + value + "'");
        }
    }
}
