package io.paymentledger.relay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a page into rounds for sending: an aggregate's rows go in runs, and run k of every aggregate goes in round k.
 * A run is one topic-partition (with event-type routing it ends where the event type changes; with aggregate-type
 * routing an aggregate's rows are one run), whose order the one idempotent producer keeps. A round is sent only once
 * the round before was acknowledged, so an aggregate's version on another topic never goes before the one before it.
 */
final class Rounds {
    private Rounds() {
    }

    /** The rounds of {@code rows} (in their order, an aggregate's versions ascending), as indexes into {@code rows}. */
    static List<List<Integer>> of(List<OutboxRow> rows, boolean runsKeepEventType) {
        Map<AggregateKey, Integer> runOf = new HashMap<>();
        Map<AggregateKey, String> lastType = new HashMap<>();
        List<List<Integer>> rounds = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            OutboxRow row = rows.get(i);
            AggregateKey aggregate = row.aggregate();
            String previous = lastType.put(aggregate, row.eventType());
            int run = runOf.getOrDefault(aggregate, 0);
            if (previous != null && runsKeepEventType && !previous.equals(row.eventType())) {
                run++;
            }
            runOf.put(aggregate, run);
            while (rounds.size() <= run) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(run).add(i);
        }
        return rounds;
    }
}
