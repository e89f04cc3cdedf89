package io.paymentledger.ledger.simulation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/** Thread-safe tallies of a running simulation; {@link #summary} snapshots them. */
final class SimulationCounters {
    final LongAdder payments = new LongAdder();
    final LongAdder authorized = new LongAdder();
    final LongAdder captured = new LongAdder();
    final LongAdder partiallyCaptured = new LongAdder();
    final LongAdder voided = new LongAdder();
    final LongAdder refunds = new LongAdder();
    final LongAdder partialRefunds = new LongAdder();
    final LongAdder replays = new LongAdder();
    final LongAdder replayMismatches = new LongAdder();
    final LongAdder events = new LongAdder();
    private final Map<String, LongAdder> declined = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();

    void declined(String reason) {
        declined.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    void rejected(String reason) {
        rejected.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    SimulationSummary summary(long seed, double seconds) {
        long eventCount = events.sum();
        return new SimulationSummary(seed, payments.sum(), authorized.sum(), sums(declined), captured.sum(),
                partiallyCaptured.sum(), voided.sum(), refunds.sum(), partialRefunds.sum(), sums(rejected),
                replays.sum(), replayMismatches.sum(), eventCount, eventCount, seconds);
    }

    private static java.util.SortedMap<String, Long> sums(Map<String, LongAdder> counts) {
        return counts.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().sum(),
                Long::sum, java.util.TreeMap::new));
    }
}
