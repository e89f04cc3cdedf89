package io.paymentledger.ledger.cli;

import io.paymentledger.ledger.simulation.SimulationSettings;
import io.paymentledger.ledger.simulation.SimulationSummary;
import io.paymentledger.ledger.simulation.Simulator;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code simulate}: realistic payment flows through the Java API, progress on stderr, a summary and the
 * consistency check on stdout. Exits 1 when a replay returned a different result or the books do not balance.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Runs payment flows through the ledger: authorize, then full or partial capture, void or",
                "refund, with some declines and idempotent retries; then checks the books."})
final class SimulateCommand implements Callable<Integer> {
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;
    @ParentCommand
    LedgerMain main;
    @Option(names = "--accounts", defaultValue = "1000", description = "Customer accounts to open (default 1000).")
    int accounts;
    @Option(names = "--payments", defaultValue = "10000", description = "Payment flows to run (default 10000).")
    long payments;
    @Option(names = "--threads", defaultValue = "4", description = "Flows at once (default 4).")
    int threads;
    @Option(names = "--rate", defaultValue = "0", description = "Flows started per second; 0 = unlimited (default).")
    double rate;
    @Option(names = "--seed", description = "Seed of the flows' choices (default: random, printed).")
    Long seed;

    @Override
    public Integer call() {
        long actualSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        String runId = Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
        SimulationSettings settings = new SimulationSettings(accounts, payments, threads, rate, actualSeed, runId);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        err.printf("simulate: run %s, seed %d: opening %d accounts, then %d payments on %d threads%n", runId,
                actualSeed, accounts, payments, threads);
        err.flush();
        return main.withLedger(threads + 1, ledger -> {
            SimulationSummary summary = new Simulator(ledger, Clock.systemUTC()).run(settings, PROGRESS_EVERY,
                    progress -> progress(err, progress));
            print(out, summary, runId);
            int books = InspectCommands.report(out, ledger.checkConsistency());
            return summary.replayMismatches() == 0 ? books : 1;
        });
    }

    private void progress(PrintWriter err, SimulationSummary progress) {
        err.printf("simulate: %,d/%,d payments, %,d events, %,d declined, %,.0f payments/s%n", progress.payments(),
                payments, progress.events(), progress.declinedTotal(), progress.paymentsPerSecond());
        err.flush();
    }

    private static void print(PrintWriter out, SimulationSummary summary, String runId) {
        out.printf("simulated %,d payments in %.1f s (run %s, seed %d; replay with --seed %d)%n", summary.payments(),
                summary.seconds(), runId, summary.seed(), summary.seed());
        out.printf("  authorized  %,d%n", summary.authorized());
        out.printf("  declined    %,d%s%n", summary.declinedTotal(), breakdown(summary.declined()));
        out.printf("  captured    %,d in full, %,d partially%n", summary.captured(), summary.partiallyCaptured());
        out.printf("  voided      %,d%n", summary.voided());
        out.printf("  refunded    %,d in full, %,d partial refunds%n", summary.refunds(), summary.partialRefunds());
        out.printf("  refused     %,d%s%n", summary.rejected().values().stream().mapToLong(Long::longValue).sum(),
                breakdown(summary.rejected()));
        out.printf("  replays     %,d idempotent retries, %,d returned a different result%n", summary.replays(),
                summary.replayMismatches());
        out.printf("  events      %,d written to the outbox%n", summary.events());
        out.printf("  rate        %,.0f payments/s, %,.0f commands/s%n", summary.paymentsPerSecond(),
                summary.commandsPerSecond());
    }

    private static String breakdown(Map<String, Long> counts) {
        return counts.isEmpty() ? "" : counts.entrySet().stream()
                .map(entry -> entry.getKey() + " " + String.format("%,d", entry.getValue()))
                .collect(Collectors.joining(", ", " (", ")"));
    }
}
