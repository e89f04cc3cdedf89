package io.paymentledger.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One benchmark run, validated.
 *
 * @param workload         backlog, live or steady
 * @param events           events to write (steady: rate × seconds)
 * @param aggregates       aggregates the events are spread over (round robin: event j is version j / K + 1 of
 *                         aggregate j mod K)
 * @param payloadBytes     size of each payload's JSON text
 * @param rate             steady only: events per second the writers commit
 * @param seconds          steady only: how long the writers write
 * @param warmupSeconds    live and steady: warm-up traffic before the measured events (1,000 events/s to a topic of
 *                         its own), at least this many seconds and more until the relays' JIT compilers are quiet;
 *                         0 for none
 * @param relays           relay processes
 * @param writers          writer threads (each owns a share of the aggregates, so versions commit in order)
 * @param transactionSize  rows per writer transaction: backlog 1000, live 100, steady 10
 * @param batchSize        {@code OUTBOX_BATCH_SIZE} of the relays, or null for the relay's default
 * @param relayEnv         more environment of the relays ({@code OUTBOX_WORKERS=4}, ...)
 * @param databaseUrl      external PostgreSQL (with user and password), or null for the embedded one
 * @param bootstrapServers external Kafka, or null for the embedded broker
 * @param relayJvmOptions  the relay JVM's options, as a container's entrypoint would set them
 * @param jfrDirectory     where each relay writes a JFR profile, or null for none
 * @param repoRoot         where {@code outbox-processor/target/outbox-processor.jar} is
 */
record BenchmarkSettings(Workload workload, int events, int aggregates, int payloadBytes, int rate, int seconds,
                         int warmupSeconds, int relays, int writers, int transactionSize, Integer batchSize,
                         Map<String, String> relayEnv, String databaseUrl,
                         String databaseUser, String databasePassword, String bootstrapServers, List<String> relayJvmOptions, Path jfrDirectory,
                         Path repoRoot) {
    static final int PARTITIONS = 6;

    /** The three workloads of the issue. */
    enum Workload {
        BACKLOG, LIVE, STEADY;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    BenchmarkSettings {
        relayJvmOptions = List.copyOf(relayJvmOptions);
        relayEnv = Map.copyOf(relayEnv);
        relayEnv.keySet().stream().filter(name -> !name.startsWith("OUTBOX_")).findFirst().ifPresent(name -> {
            throw new IllegalArgumentException("--relay-env sets OUTBOX_* variables only but was given " + name);
        });
        positive("--events", events);
        positive("--aggregates", aggregates);
        positive("--relays", relays);
        positive("--writers", writers);
        positive("--seconds", seconds);
        positive("--rate", rate);
        if (warmupSeconds < 0) {
            throw new IllegalArgumentException("--warmup-seconds must not be negative but was " + warmupSeconds);
        }
        if (payloadBytes < 16) {
            throw new IllegalArgumentException("--payload-bytes must be at least 16 but was " + payloadBytes);
        }
        if (batchSize != null && (batchSize < 1 || batchSize > 10_000)) {
            throw new IllegalArgumentException("--batch-size must be between 1 and 10000 but was " + batchSize);
        }
        if ((databaseUrl == null) != (bootstrapServers == null)) {
            throw new IllegalArgumentException("--database-url and --bootstrap-servers go together: give both "
                    + "(external servers) or neither (embedded ones)");
        }
        if (writers > aggregates) {
            throw new IllegalArgumentException("--writers (" + writers + ") must not exceed --aggregates ("
                    + aggregates + "): each writer owns its own aggregates");
        }
    }

    private static void positive(String flag, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(flag + " must be positive but was " + value);
        }
    }

    boolean external() {
        return databaseUrl != null;
    }

    /** The scenario name in the JSON line, e.g. {@code backlog-1000000ev-10000agg-400B-1relay}. */
    String scenario() {
        String shape = workload == Workload.STEADY ? rate + "eps-" + seconds + "s" : events + "ev";
        return workload.label() + "-" + shape + "-" + aggregates + "agg-" + payloadBytes + "B-" + relays + "relay";
    }

    Path relayJar() {
        return repoRoot.resolve("outbox-processor").resolve("target").resolve("outbox-processor.jar");
    }
}
