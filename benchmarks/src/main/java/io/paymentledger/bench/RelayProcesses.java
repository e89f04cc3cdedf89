package io.paymentledger.bench;

import io.paymentledger.testsupport.JarProcess;
import io.paymentledger.testsupport.LocalHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relays under test: the packaged {@code outbox-processor.jar run}, one OS process each, configured only through
 * its environment as in production, with the heap capped as a container would cap it. Peak resident memory is the
 * kernel's high-water mark ({@code VmHWM}), read before each relay stops.
 */
final class RelayProcesses implements AutoCloseable {
    private static final Duration LIVE_TIMEOUT = Duration.ofSeconds(60);
    private static final Logger log = LoggerFactory.getLogger(RelayProcesses.class);
    private static final Pattern HIGH_WATER = Pattern.compile("VmHWM:\\s+(\\d+) kB");

    private final List<JarProcess> relays = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private long peakRssKb;

    /** Starts {@code count} relays with {@code env}; returns once every one answers {@code /health/live}. */
    void start(BenchmarkSettings settings, Map<String, String> env) throws IOException, InterruptedException {
        for (int i = 0; i < settings.relays(); i++) {
            int port = LocalHttp.freePort();
            Map<String, String> relayEnv = new HashMap<>(env);
            relayEnv.put("OUTBOX_INSTANCE_ID", "bench-relay-" + i);
            relayEnv.put("HTTP_PORT", String.valueOf(port));
            relayEnv.putAll(settings.relayEnv());
            if (settings.batchSize() != null) {
                relayEnv.put("OUTBOX_BATCH_SIZE", settings.batchSize().toString());
            }
            List<String> jvm = new ArrayList<>(settings.relayJvmOptions());
            if (settings.jfrDirectory() != null) {
                Files.createDirectories(settings.jfrDirectory());
                jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                        + settings.jfrDirectory().resolve("relay-" + i + ".jfr").toAbsolutePath());
            }
            Files.createDirectories(Path.of("target"));
            relays.add(JarProcess.start(settings.relayJar(), "bench-relay-" + i, jvm, relayEnv, "run"));
            ports.add(port);
        }
        for (int i = 0; i < relays.size(); i++) {
            awaitLive(relays.get(i), ports.get(i));
        }
    }

    private static void awaitLive(JarProcess relay, int port) {
        try {
            Awaitility.await("relay on port " + port + " live")
                    .atMost(LIVE_TIMEOUT)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        if (!relay.isAlive()) {
                            throw new IllegalStateException("relay exited at start-up; log " + relay.logFile());
                        }
                        return answersLive(port);
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("relay not live within " + LIVE_TIMEOUT.toSeconds() + " s; log "
                    + relay.logFile(), e);
        }
    }

    private static boolean answersLive(int port) throws InterruptedException {
        try {
            return LocalHttp.get(port, "/health/live").statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    /** The highest peak resident memory of any relay so far, in MiB. */
    double peakRssMb() {
        for (JarProcess relay : relays) {
            if (relay.isAlive()) {
                peakRssKb = Math.max(peakRssKb, highWaterKb(relay.pid()));
            }
        }
        return peakRssKb / 1024.0;
    }

    private static long highWaterKb(long pid) {
        try {
            Matcher matcher = HIGH_WATER.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
        } catch (IOException e) {
            log.warn("Could not read the resident memory of process {}: {}", pid, e.toString());
            return 0;
        }
    }

    /**
     * CPU time the relays' JIT compiler threads ({@code C1/C2 CompilerThread*}) have used so far, in milliseconds,
     * from {@code /proc} (Linux); 0 where that cannot be read.
     */
    long compilerCpuMillis() {
        long ticks = 0;
        for (JarProcess relay : relays) {
            if (relay.isAlive()) {
                ticks += ProcCpu.threads(relay.pid(), RelayProcesses::isCompiler);
            }
        }
        return ticks * 1000 / ProcCpu.TICKS_PER_SECOND;
    }

    private static boolean isCompiler(String threadName) {
        return threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre");
    }

    /** CPU time the relay processes have used so far (every thread), in clock ticks; 0 where unreadable. */
    long cpuTicks() {
        long ticks = 0;
        for (JarProcess relay : relays) {
            if (relay.isAlive()) {
                ticks += ProcCpu.process(relay.pid());
            }
        }
        return ticks;
    }

    /** Records the peak memory, then stops every relay with SIGTERM. */
    void stop() throws InterruptedException {
        peakRssMb();
        for (JarProcess relay : relays) {
            relay.terminate();
        }
        for (JarProcess relay : relays) {
            int code = relay.awaitExit(60);
            if (code != 0) {
                log.warn("Relay exited {} on SIGTERM; log {}", code, relay.logFile());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (JarProcess relay : relays) {
            relay.close();
        }
    }
}
