package io.paymentledger.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one workload end to end and measures it from the writers' commits and the broker's acknowledgements. */
final class Benchmark {
    private static final Logger log = LoggerFactory.getLogger(Benchmark.class);
    private static final Duration STALL = Duration.ofSeconds(120);
    private static final int WARMUP_RATE = 1_000;
    /** After the minimum, warm-up goes on in rounds of this many seconds ... */
    private static final int WARMUP_ROUND_SECONDS = 10;
    /** ... until the relays' JIT compilers used less than this share of one core in a round ... */
    private static final double QUIET_COMPILER_SHARE = 0.10;
    /** ... or this many seconds of warm-up in all. */
    private static final int MAX_WARMUP_SECONDS = 180;

    private final BenchmarkSettings settings;
    private int warmedUpSeconds;
    /** The CPU used so far (the relays' compilers' too) when the measured interval began. */
    private CpuUse cpuAtStart;

    Benchmark(BenchmarkSettings settings) {
        this.settings = settings;
    }

    BenchmarkResult run() throws Exception {
        EventPlan plan = new EventPlan(settings.events(), settings.aggregates(), settings.payloadBytes());
        try (BenchInfrastructure infrastructure = BenchInfrastructure.open(settings);
             AckTracker acks = new AckTracker(infrastructure.bootstrapServers(), infrastructure.eventTopic(), plan);
             RelayProcesses relays = new RelayProcesses()) {
            OutboxWriters writers = new OutboxWriters(infrastructure.dsl(), plan, settings.writers(),
                    settings.transactionSize());
            acks.start();
            ScheduledExecutorService progress = progress(writers, acks);
            try {
                long measuredFrom = drive(infrastructure, writers, relays, acks);
                CpuUse cpuAtEnd = CpuUse.now(relays);
                double compilerShare = (cpuAtEnd.relayCompilerMillis() - cpuAtStart.relayCompilerMillis())
                        / (double) Math.max(1, acks.lastAckMillis() - measuredFrom);
                String cpu = cpuAtEnd.perEventSince(cpuAtStart, plan.events());
                relays.stop();
                return result(plan, writers, acks, measuredFrom, relays.peakRssMb(), infrastructure, compilerShare,
                        cpu);
            } finally {
                progress.shutdownNow();
            }
        }
    }

    /** Writes and relays as the workload says; returns the start of the measured interval (epoch millis). */
    private long drive(BenchInfrastructure infrastructure, OutboxWriters writers, RelayProcesses relays,
                       AckTracker acks) throws Exception {
        switch (settings.workload()) {
            case BACKLOG -> {
                log.info("Inserting the backlog of {} events before any relay starts", settings.events());
                writers.writeAll(0);
                cpuAtStart = CpuUse.now(relays);
                relays.start(settings, infrastructure.relayEnv());
                long started = System.currentTimeMillis();
                acks.awaitAll(STALL);
                return started;
            }
            case LIVE -> {
                relays.start(settings, infrastructure.relayEnv());
                warmUp(infrastructure, relays);
                cpuAtStart = CpuUse.now(relays);
                writers.writeAll(0);
                acks.awaitAll(STALL);
                return writers.firstStartMillis();
            }
            case STEADY -> {
                relays.start(settings, infrastructure.relayEnv());
                warmUp(infrastructure, relays);
                cpuAtStart = CpuUse.now(relays);
                writers.writeAll(settings.rate());
                acks.awaitAll(STALL);
                return writers.firstStartMillis();
            }
            default -> throw new IllegalStateException("unknown workload " + settings.workload());
        }
    }

    /**
     * Runs warm-up traffic through the relays (not counted): at least {@code --warmup-seconds}, then rounds of
     * {@value #WARMUP_ROUND_SECONDS} s until the relays' JIT compilers used less than 10% of a core in a round, at
     * most {@value #MAX_WARMUP_SECONDS} s in all. A relay in production has run for hours, fully compiled; 15 s
     * after its start C2 still took a third of a core here and doubled the latencies measured.
     */
    private void warmUp(BenchInfrastructure infrastructure, RelayProcesses relays) throws InterruptedException {
        if (settings.warmupSeconds() > 0) {
            int seconds = settings.warmupSeconds();
            int round = 0;
            double share = warmUpRound(infrastructure, relays, round++, seconds);
            while (share >= QUIET_COMPILER_SHARE && seconds < MAX_WARMUP_SECONDS) {
                share = warmUpRound(infrastructure, relays, round++, WARMUP_ROUND_SECONDS);
                seconds += WARMUP_ROUND_SECONDS;
            }
            warmedUpSeconds = seconds;
            log.info("Warm-up done after {} s; the relays' JIT compilers used {}% of a core in its last round",
                    seconds, Math.round(share * 100));
        }
    }

    /** One round of warm-up traffic, until published; returns the share of a core the relays' compilers used. */
    private double warmUpRound(BenchInfrastructure infrastructure, RelayProcesses relays, int round, int seconds)
            throws InterruptedException {
        long compilerBefore = relays.compilerCpuMillis();
        long started = System.nanoTime();
        int events = WARMUP_RATE * seconds;
        log.info("Warming up: {} events at {}/s to their own topic", events, WARMUP_RATE);
        EventPlan warmup = EventPlan.warmup(round, events, Math.min(events, settings.aggregates()),
                settings.payloadBytes());
        new OutboxWriters(infrastructure.dsl(), warmup, settings.writers(), 10).writeAll(WARMUP_RATE);
        try {
            Awaitility.await("warm-up published")
                    .atMost(STALL)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> infrastructure.pendingRows() == 0);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("the relays did not publish the warm-up within " + STALL.toSeconds()
                    + " s; see the relay logs", e);
        }
        long wallMillis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
        return (relays.compilerCpuMillis() - compilerBefore) / (double) wallMillis;
    }

    private BenchmarkResult result(EventPlan plan, OutboxWriters writers, AckTracker acks, long measuredFrom,
                                   double rssMb, BenchInfrastructure infrastructure, double compilerShare,
                                   String cpu) {
        long[] latencies = new long[plan.events()];
        for (int event = 0; event < plan.events(); event++) {
            latencies[event] = acks.ackMillis(event) - writers.commitMillis(event);
        }
        double seconds = (acks.lastAckMillis() - measuredFrom) / 1000.0;
        double insertSeconds = (writers.lastCommitMillis() - writers.firstStartMillis()) / 1000.0;
        String notes = String.format(Locale.ROOT, "%s; %d relay process(es) of outbox-processor.jar (%s, batch %s%s); "
                        + "%d writer(s), %d rows per transaction; topic of %d partitions; %d duplicate(s)%s%s; "
                        + "relay JIT compilers used %d%% of a core while measured; %s",
                infrastructure.description(), settings.relays(), String.join(" ", settings.relayJvmOptions()),
                settings.batchSize() == null ? "default" : settings.batchSize(),
                settings.relayEnv().isEmpty() ? "" : ", " + settings.relayEnv(), settings.writers(),
                settings.transactionSize(), BenchmarkSettings.PARTITIONS, acks.duplicates(),
                settings.workload() == BenchmarkSettings.Workload.BACKLOG
                        ? "; seconds from relay start, latency includes the wait for the relay" : "",
                warmedUpSeconds > 0 ? "; after " + warmedUpSeconds + " s of warm-up traffic (not counted; until the "
                        + "relays' JIT compilers used < 10% of a core)" : "", Math.round(compilerShare * 100), cpu);
        return new BenchmarkResult(settings.scenario(), settings.workload().label(), plan.events(), acks.acked(),
                seconds,
                plan.events() / seconds, plan.events() / insertSeconds,
                BenchmarkResult.quantile(latencies, 0.50), BenchmarkResult.quantile(latencies, 0.99),
                BenchmarkResult.quantile(latencies, 1.0), rssMb, notes);
    }

    private ScheduledExecutorService progress(OutboxWriters writers, AckTracker acks) {
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "progress");
            thread.setDaemon(true);
            return thread;
        });
        int[] lastAcked = {0};
        progress.scheduleAtFixedRate(() -> {
            int acked = acks.acked();
            log.info("written {}/{}, acknowledged {} ({}/s)", writers.written(), settings.events(), acked,
                    (acked - lastAcked[0]) / 5);
            lastAcked[0] = acked;
        }, 5, 5, TimeUnit.SECONDS);
        return progress;
    }
}
