package io.paymentledger.relay;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which rows of a claim scan to take: per aggregate a <em>run</em>, i.e. its head (its lowest unsettled
 * version: pending, or dead and parked) followed by the next consecutive versions, all claimable (pending, due and
 * not claimed). An aggregate whose head is not claimable (in flight elsewhere, backing off, parked, or outside the
 * scan) is blocked for the whole claim, and a run ends at the first missing version. With event-type routing a run
 * also ends where the event type (so the topic) changes: one run is one topic-partition, whose order the one
 * idempotent producer keeps. Runs are taken in the order of their heads' ids, oldest first, up to the limit.
 *
 * <p>Fed window by window (rows in id order, each with the head of every aggregate not seen before); state carries
 * over, so a run goes on into the next window.
 */
final class RunPlanner {
    /** Aggregate versions start at 1 (a check constraint of {@code outbox_event}). */
    private static final long FIRST_VERSION = 1;
    private final int limit;
    private final boolean runsKeepEventType;
    /** Aggregates seen so far: their open run, or {@link Run#BLOCKED}. */
    private final Map<AggregateKey, Run> runs = new HashMap<>();
    private final List<Long> chosen = new ArrayList<>();

    RunPlanner(int limit, boolean runsKeepEventType) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.limit = limit;
        this.runsKeepEventType = runsKeepEventType;
    }

    /** A claimable row as the scan sees it. */
    record Candidate(long id, String aggregateType, String aggregateId, long version, String eventType) {
        AggregateKey aggregate() {
            return new AggregateKey(aggregateType, aggregateId);
        }
    }

    /**
     * The aggregates of {@code window} not decided by an earlier window whose heads must be looked up. An aggregate
     * whose version 1 is in the window needs no lookup: versions start at 1, so a pending version 1 is the head.
     */
    Set<AggregateKey> unseen(List<Candidate> window) {
        Set<AggregateKey> unseen = new LinkedHashSet<>();
        Set<AggregateKey> startHere = new HashSet<>();
        for (Candidate candidate : window) {
            if (!runs.containsKey(candidate.aggregate())) {
                unseen.add(candidate.aggregate());
                if (candidate.version() == FIRST_VERSION) {
                    startHere.add(candidate.aggregate());
                }
            }
        }
        unseen.removeAll(startHere);
        return unseen;
    }

    /**
     * Takes what {@code window} adds to the runs. {@code heads} maps each aggregate of {@link #unseen} to the id of
     * its head row; an aggregate missing from it is blocked unless its version 1 is in the window.
     */
    void add(List<Candidate> window, Map<AggregateKey, Long> heads) {
        Map<AggregateKey, List<Candidate>> byAggregate = new LinkedHashMap<>();
        for (Candidate candidate : window) {
            byAggregate.computeIfAbsent(candidate.aggregate(), k -> new ArrayList<>()).add(candidate);
        }
        for (Map.Entry<AggregateKey, List<Candidate>> entry : byAggregate.entrySet()) {
            if (full()) {
                return;
            }
            List<Candidate> rows = entry.getValue();
            rows.sort(Comparator.comparingLong(Candidate::version));
            extend(entry.getKey(), rows, heads.get(entry.getKey()));
        }
    }

    private void extend(AggregateKey aggregate, List<Candidate> rows, Long headId) {
        Run run = runs.get(aggregate);
        int next = 0;
        if (run == null) {
            Candidate first = rows.get(0);
            boolean head = first.version() == FIRST_VERSION || headId != null && first.id() == headId;
            if (!head) {
                runs.put(aggregate, Run.BLOCKED);
                return;
            }
            run = take(first);
            next = 1;
        }
        for (; next < rows.size() && !run.blocked() && !full(); next++) {
            Candidate row = rows.get(next);
            boolean continues = row.version() == run.lastVersion() + 1
                    && (!runsKeepEventType || row.eventType().equals(run.eventType()));
            run = continues ? take(row) : Run.BLOCKED;
        }
        runs.put(aggregate, run);
    }

    private Run take(Candidate row) {
        chosen.add(row.id());
        return new Run(row.version(), row.eventType());
    }

    /** Whether the limit is reached. */
    boolean full() {
        return chosen.size() >= limit;
    }

    /** The ids chosen so far, in sending order: each aggregate's rows in version order. */
    List<Long> chosen() {
        return List.copyOf(chosen);
    }

    /** The open run of an aggregate: the last version taken and the run's event type. */
    private record Run(long lastVersion, String eventType) {
        static final Run BLOCKED = new Run(Long.MIN_VALUE, "");

        boolean blocked() {
            return this == BLOCKED;
        }
    }
}
