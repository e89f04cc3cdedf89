package io.paymentledger.demo;

import io.paymentledger.config.CommandLines;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo.jar}: the one-command demo's command line and composition root. */
@Command(name = "demo.jar", mixinStandardHelpOptions = true, version = "demo 0.1.0",
        description = {"Runs the whole product on this machine without Docker: embedded PostgreSQL and Kafka, the",
                "ledger simulator, the relay and the consumer, plus four unusual rows; shows live progress and a",
                "summary. Exit 0 when every event was relayed or dead-lettered and every valid one notified once."})
public final class DemoMain implements Callable<Integer> {
    @Option(names = "--payments", defaultValue = "2000", description = "Payment flows to simulate (default 2000).")
    int payments;
    @Option(names = "--accounts", defaultValue = "100", description = "Customer accounts (default 100).")
    int accounts;
    @Option(names = "--threads", defaultValue = "4", description = "Simulator threads (default 4).")
    int threads;
    @Option(names = "--seed", defaultValue = "42", description = "Simulator seed; the same seed replays the same run.")
    long seed;
    @Option(names = "--keep-running",
            description = "After the summary keep everything up, print the JDBC URL and bootstrap servers, until Ctrl-C.")
    boolean keepRunning;
    @Option(names = "--timeout-seconds", defaultValue = "300",
            description = "How long relay and consumer may take to catch up after the simulator (default 300).")
    long timeoutSeconds;

    public static void main(String[] args) {
        System.exit(CommandLines.execute(new DemoMain(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        DemoSettings settings = new DemoSettings(payments, accounts, threads, seed, keepRunning,
                Duration.ofSeconds(timeoutSeconds));
        return new Demo(settings, System.out, Clock.systemUTC()).run();
    }
}
