package io.paymentledger.faults;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One run of the fault suite.
 *
 * @param profile        {@code short} (CI, about 3 minutes in all) or {@code long} (release checks, 30 minutes of faults)
 * @param seed           seeds the fault schedule; a failing run prints it and replays with {@code --seed}
 * @param relays         relay processes running at once (1-5)
 * @param faultPhase     how long faults are injected while the writers write
 * @param minimumFaults  faults injected even when the phase is over before they were: a slow fault (a graceful
 *                       broker stop took 30 s once) must not leave a CI run with too few faults to prove anything
 * @param faultEvery     the shortest and longest wait between two faults
 * @param hotAggregates  aggregates that many threads append versions to, so commits interleave
 * @param hotThreads     threads writing the hot aggregates
 * @param hotRate        hot writes per second across those threads
 * @param simulatorRate  payment flows per second of the ledger simulator process
 * @param batchSize      {@code OUTBOX_BATCH_SIZE} of the relays (bounds what a crash leaves in flight)
 * @param repoRoot       where {@code outbox-processor/target/outbox-processor.jar} and the other jars are
 */
record FaultSuiteSettings(String profile, long seed, int relays, Duration faultPhase, int minimumFaults,
                          Duration[] faultEvery, int hotAggregates, int hotThreads, int hotRate, int simulatorRate, int batchSize, Path repoRoot) {
    FaultSuiteSettings {
        if (relays < 1 || relays > 5) {
            throw new IllegalArgumentException("--relays must be 1-5 but was " + relays);
        }
        if (faultPhase.isNegative() || faultPhase.isZero()) {
            throw new IllegalArgumentException("the fault phase must be positive but was " + faultPhase);
        }
    }

    static FaultSuiteSettings of(String profile, long seed, int relays, Long faultSeconds, Path repoRoot) {
        return switch (profile) {
            case "short" -> new FaultSuiteSettings(profile, seed, relays,
                    Duration.ofSeconds(faultSeconds == null ? 75 : faultSeconds), 5,
                    new Duration[] {Duration.ofSeconds(4), Duration.ofSeconds(8)}, 6, 8, 30, 30, 200, repoRoot);
            case "long" -> new FaultSuiteSettings(profile, seed, relays,
                    Duration.ofSeconds(faultSeconds == null ? 1800 : faultSeconds), 5,
                    new Duration[] {Duration.ofSeconds(2), Duration.ofSeconds(6)}, 16, 16, 60, 40, 200, repoRoot);
            default -> throw new IllegalArgumentException("--profile must be short or long but was '" + profile + "'");
        };
    }

    Path jar(String module) {
        return repoRoot.resolve(module).resolve("target").resolve(module + ".jar");
    }
}
