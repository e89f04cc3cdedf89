package io.paymentledger.ledger.simulation;

import io.paymentledger.ledger.Ledger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Runs realistic payment flows through the {@link Ledger} API from several threads: opens the run's accounts, then
 * runs {@link SimulationSettings#payments()} flows (see {@code PaymentFlow}), paced to the rate if one is set.
 * The first unexpected failure (e.g. the database going away) stops every thread and is thrown; refused commands
 * and declines are part of the simulation and only counted.
 */
public final class Simulator {
    private final Ledger ledger;
    private final Clock clock;

    public Simulator(Ledger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * Runs the simulation; {@code progress} receives a snapshot every {@code progressEvery} until the end.
     *
     * @throws IllegalStateException wrapping the first unexpected failure of any flow
     */
    public SimulationSummary run(SimulationSettings settings, Duration progressEvery,
                                 Consumer<SimulationSummary> progress) {
        SimulatedAccounts accounts = new SimulatedAccounts(settings.runId(), settings.accounts());
        SimulationCounters counters = new SimulationCounters();
        ExecutorService workers = Executors.newFixedThreadPool(settings.threads());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try {
            parallel(workers, settings.threads(), settings.accounts(), 0, index -> accounts.open(ledger, (int) index,
                    settings.seed()));
            long start = clock.millis();
            ticker.scheduleAtFixedRate(() -> progress.accept(counters.summary(settings.seed(), seconds(start))),
                    progressEvery.toMillis(), progressEvery.toMillis(), TimeUnit.MILLISECONDS);
            parallel(workers, settings.threads(), settings.payments(), settings.rate(),
                    index -> new PaymentFlow(ledger, accounts, counters, settings.seed(), index, settings.runId()).run());
            return counters.summary(settings.seed(), seconds(start));
        } finally {
            ticker.shutdownNow();
            workers.shutdownNow();
        }
    }

    private double seconds(long startMillis) {
        return (clock.millis() - startMillis) / 1000.0;
    }

    /**
     * Runs {@code work} for indexes 0..count-1 on {@code threads} threads, starting index i no sooner than i/rate.
     * The first failure stops every thread before it takes its next index.
     */
    private static void parallel(ExecutorService workers, int threads, long count, double rate, LongConsumer work) {
        AtomicLong next = new AtomicLong();
        AtomicBoolean failed = new AtomicBoolean();
        long startNanos = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(workers.submit(() -> {
                try {
                    for (long i = next.getAndIncrement(); i < count && !failed.get(); i = next.getAndIncrement()) {
                        pace(startNanos, i, rate);
                        work.accept(i);
                    }
                } catch (RuntimeException e) {
                    failed.set(true);
                    throw e;
                }
            }));
        }
        awaitAll(running);
    }

    private static void pace(long startNanos, long index, double rate) {
        if (rate <= 0) {
            return;
        }
        long due = startNanos + (long) (index * 1e9 / rate);
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    private static void awaitAll(List<Future<?>> running) {
        try {
            for (Future<?> future : running) {
                future.get();
            }
        } catch (ExecutionException e) {
            running.forEach(future -> future.cancel(true));
            throw new IllegalStateException("simulation stopped: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            running.forEach(future -> future.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("simulation interrupted", e);
        }
    }
}
