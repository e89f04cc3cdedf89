package io.paymentledger.relay;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * How many lanes one instance should hold, and which to give up, when {@code live} instances share {@code total}
 * lanes: each holds at most {@code ceil(total / live)}, so the lanes split evenly (32 lanes over 3 instances: 11, 11
 * and 10) and every lane has an owner. An instance over its share releases its highest lanes, which the instances
 * under theirs pick up; the plan is the same on every instance, so they converge without talking to each other.
 *
 * @param acquire how many free or expired lanes to take
 * @param release the held lanes to give up
 */
record LaneBalance(int acquire, List<Integer> release) {
    LaneBalance {
        release = List.copyOf(release);
    }

    static LaneBalance plan(int total, int live, Set<Integer> held) {
        int share = share(total, live);
        if (held.size() > share) {
            return new LaneBalance(0, held.stream().sorted(Comparator.reverseOrder())
                    .limit(held.size() - share).toList());
        }
        return new LaneBalance(share - held.size(), List.of());
    }

    /** The most lanes one of {@code live} instances holds: {@code ceil(total / live)}; all of them with one instance. */
    static int share(int total, int live) {
        int instances = Math.max(1, live);
        return (total + instances - 1) / instances;
    }
}
