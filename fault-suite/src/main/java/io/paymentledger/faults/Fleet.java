package io.paymentledger.faults;

import io.paymentledger.testsupport.JarProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packaged runnables as real OS processes: the relays, the consumer and the ledger simulator. Each can be
 * killed ({@code kill -9}), terminated (SIGTERM) and started again; a relay's restart is a new instance id.
 */
final class Fleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Fleet.class);

    private final FaultSuiteSettings settings;
    private final Map<String, String> env;
    private final JarProcess[] relays;
    private JarProcess consumer;
    private JarProcess writer;
    private int generation;
    private int writerStarts;

    Fleet(FaultSuiteSettings settings, Map<String, String> env) {
        this.settings = settings;
        this.env = env;
        this.relays = new JarProcess[settings.relays()];
        try {
            Files.createDirectories(Path.of("target"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void startAll() {
        for (int i = 0; i < relays.length; i++) {
            startRelay(i);
        }
        consumer = start("sample-consumer", "consumer", Map.of(), "run");
        ensureWriter();
    }

    int relayCount() {
        return relays.length;
    }

    JarProcess relay(int index) {
        return relays[index];
    }

    void startRelay(int index) {
        generation++;
        relays[index] = start("outbox-processor", "relay-" + index + "-g" + generation,
                Map.of("OUTBOX_INSTANCE_ID", "relay-" + index + "-g" + generation), "run");
    }

    JarProcess consumer() {
        return consumer;
    }

    void restartConsumer() {
        consumer = start("sample-consumer", "consumer", Map.of(), "run");
    }

    /**
     * Starts the consumer again if it exited on its own, as its container's restart policy would: it exits when Kafka
     * cannot describe its topics for 30 s as it starts (a broker stopped during its start).
     */
    void ensureConsumer() {
        if (consumer != null && !consumer.isAlive()) {
            log.info("The consumer exited on its own (log {}); starting it again", consumer.logFile());
            restartConsumer();
        }
    }

    /** Starts the ledger simulator again if it ended (it stops at its first failure, e.g. a cut database). */
    void ensureWriter() {
        if (writer == null || !writer.isAlive()) {
            writerStarts++;
            writer = start("ledger-core", "simulator", Map.of(), "simulate", "--accounts", "40", "--payments",
                    "10000000", "--threads", "4", "--rate", String.valueOf(settings.simulatorRate()));
        }
    }

    int writerStarts() {
        return writerStarts;
    }

    void stopWriter() throws InterruptedException {
        if (writer != null && writer.isAlive()) {
            writer.terminate();
            writer.awaitExit(30);
        }
    }

    private JarProcess start(String module, String label, Map<String, String> extra, String... args) {
        Map<String, String> processEnv = new HashMap<>(env);
        processEnv.putAll(extra);
        try {
            log.info("Starting {} ({})", label, module);
            return JarProcess.start(settings.jar(module), "faults-" + label, processEnv, args);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + label, e);
        }
    }

    /** Terminates everything still running; returns the SIGTERM exit codes that were not 0. */
    List<String> stopAll() throws InterruptedException {
        List<String> unclean = new ArrayList<>();
        stopWriter();
        for (JarProcess relay : relays) {
            terminate(relay, "relay", unclean);
        }
        terminate(consumer, "consumer", unclean);
        return unclean;
    }

    private static void terminate(JarProcess process, String what, List<String> unclean) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.terminate();
            int code = process.awaitExit(60);
            if (code != 0) {
                unclean.add(what + " exited " + code + " on SIGTERM; log " + process.logFile());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (JarProcess relay : relays) {
            if (relay != null) {
                relay.close();
            }
        }
        if (consumer != null) {
            consumer.close();
        }
        if (writer != null) {
            writer.close();
        }
    }
}
