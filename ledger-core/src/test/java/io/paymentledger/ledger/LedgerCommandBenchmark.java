package io.paymentledger.ledger;

import io.paymentledger.ledger.simulation.SimulationSettings;
import io.paymentledger.ledger.simulation.SimulationSummary;
import io.paymentledger.ledger.simulation.Simulator;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ledger commands per second (authorize, capture, void, refund: each one transaction with its outbox event), single-
 * and multi-threaded, through the simulator on a fresh database per run, with the consistency check after each run.
 * Prints every run and the median per thread count. Not a test; run it with
 * {@code mvn -B -ntp -pl ledger-core -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.paymentledger.ledger.LedgerCommandBenchmark -Dexec.args="5000 3 1,4,8"}
 * (payments per run, runs, thread counts).
 */
public final class LedgerCommandBenchmark {
    private static final Logger log = LoggerFactory.getLogger(LedgerCommandBenchmark.class);

    private LedgerCommandBenchmark() {
    }

    public static void main(String[] args) {
        long payments = args.length > 0 ? Long.parseLong(args[0]) : 5_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int[] threadCounts = Arrays.stream((args.length > 2 ? args[2] : "1,4,8").split(","))
                .mapToInt(Integer::parseInt).toArray();
        List<String> results = new ArrayList<>();
        for (int threads : threadCounts) {
            List<Double> rates = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                rates.add(runOnce(threads, run, payments));
            }
            rates.sort(Double::compare);
            results.add(String.format(Locale.ROOT, "RESULT ledger commands, %d payments, %d thread(s), %d runs: median"
                    + " %.0f commands/s (min %.0f, max %.0f)", payments, threads, runs, rates.get(rates.size() / 2),
                    rates.get(0), rates.get(rates.size() - 1)));
        }
        results.forEach(log::info);
        System.exit(0);
    }

    private static double runOnce(int threads, int run, long payments) {
        try (TestDatabase database = TestInfrastructure.get().newDatabase("ledger-bench-" + threads + "-" + run)) {
            Ledger ledger = Ledger.postgres(database.dsl(), Clock.systemUTC(), EventSchemas.load());
            SimulationSummary summary = new Simulator(ledger, Clock.systemUTC()).run(
                    new SimulationSettings(1_000, payments, threads, 0, run, "bench"), Duration.ofSeconds(10),
                    progress -> log.info("  {} payments, {} commands so far", progress.payments(), progress.commands()));
            ConsistencyReport report = ledger.checkConsistency();
            if (!report.consistent() || summary.replayMismatches() > 0) {
                throw new IllegalStateException("run " + run + " broke the books: " + report);
            }
            log.info("threads {} run {}: {} payments, {} commands in {} s = {} commands/s ({} payments/s); books"
                            + " consistent ({} entries)", threads, run, summary.payments(), summary.commands(),
                    String.format(Locale.ROOT, "%.1f", summary.seconds()),
                    String.format(Locale.ROOT, "%.0f", summary.commandsPerSecond()),
                    String.format(Locale.ROOT, "%.0f", summary.paymentsPerSecond()), report.entriesChecked());
            return summary.commandsPerSecond();
        }
    }
}
