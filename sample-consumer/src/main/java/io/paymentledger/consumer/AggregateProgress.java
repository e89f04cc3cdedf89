package io.paymentledger.consumer;

import static io.paymentledger.db.jooq.Tables.CONSUMER_AGGREGATE_PROGRESS;
import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.greatest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DSLContext;

/**
 * The highest applied {@code aggregate_version} per aggregate. Events are never dropped for their version: one above
 * highest + 1 is flagged as a gap, one below highest as a late predecessor, and the highest only ever grows.
 *
 * <p>One upsert per batch, through the primary key only: it raises each aggregate's highest to the batch's maximum
 * and returns what was there before ({@code previous_highest_version} on update, nothing on insert). The batch's
 * flags are then worked out in arrival order from those values.
 */
final class AggregateProgress {

    /** A flagged event; {@code gap} false means it arrived late. */
    record Flag(Envelope envelope, long highestBefore, boolean gap) {
    }

    /** One aggregate, ordered by type then id: the order rows are upserted (and so locked) in. */
    private record Key(String type, String id) implements Comparable<Key> {
        static Key of(Envelope envelope) {
            return new Key(envelope.aggregateType(), envelope.aggregateId());
        }

        @Override
        public int compareTo(Key other) {
            int byType = type.compareTo(other.type);
            return byType != 0 ? byType : id.compareTo(other.id);
        }
    }

    /** Records the applied events (in arrival order) and returns the flagged ones. */
    List<Flag> track(DSLContext tx, String groupId, List<Envelope> applied, Instant now) {
        if (applied.isEmpty()) {
            return List.of();
        }
        Map<Key, Long> batchHighest = new TreeMap<>();
        applied.forEach(envelope -> batchHighest.merge(Key.of(envelope), envelope.aggregateVersion(), Math::max));
        Map<Key, Long> highest = upsert(tx, groupId, batchHighest, now.atOffset(ZoneOffset.UTC));
        List<Flag> flags = new ArrayList<>();
        for (Envelope envelope : applied) {
            Key key = Key.of(envelope);
            long before = highest.getOrDefault(key, 0L);
            long version = envelope.aggregateVersion();
            if (version > before + 1) {
                flags.add(new Flag(envelope, before, true));
            } else if (version < before) {
                flags.add(new Flag(envelope, before, false));
            }
            highest.put(key, Math.max(before, version));
        }
        return flags;
    }

    /** Upserts the batch's highest versions; returns each aggregate's highest before the batch (absent: none). */
    private static Map<Key, Long> upsert(DSLContext tx, String groupId, Map<Key, Long> batchHighest,
                                         OffsetDateTime at) {
        var insert = tx.insertInto(CONSUMER_AGGREGATE_PROGRESS, CONSUMER_AGGREGATE_PROGRESS.CONSUMER_GROUP,
                CONSUMER_AGGREGATE_PROGRESS.AGGREGATE_TYPE, CONSUMER_AGGREGATE_PROGRESS.AGGREGATE_ID,
                CONSUMER_AGGREGATE_PROGRESS.HIGHEST_VERSION, CONSUMER_AGGREGATE_PROGRESS.UPDATED_AT);
        for (Map.Entry<Key, Long> entry : batchHighest.entrySet()) {
            insert = insert.values(groupId, entry.getKey().type(), entry.getKey().id(), entry.getValue(), at);
        }
        Map<Key, Long> before = new HashMap<>();
        insert.onConflict(CONSUMER_AGGREGATE_PROGRESS.CONSUMER_GROUP, CONSUMER_AGGREGATE_PROGRESS.AGGREGATE_TYPE,
                        CONSUMER_AGGREGATE_PROGRESS.AGGREGATE_ID)
                .doUpdate()
                .set(CONSUMER_AGGREGATE_PROGRESS.PREVIOUS_HIGHEST_VERSION, CONSUMER_AGGREGATE_PROGRESS.HIGHEST_VERSION)
                .set(CONSUMER_AGGREGATE_PROGRESS.HIGHEST_VERSION, greatest(CONSUMER_AGGREGATE_PROGRESS.HIGHEST_VERSION,
                        excluded(CONSUMER_AGGREGATE_PROGRESS.HIGHEST_VERSION)))
                .set(CONSUMER_AGGREGATE_PROGRESS.UPDATED_AT, excluded(CONSUMER_AGGREGATE_PROGRESS.UPDATED_AT))
                .returningResult(CONSUMER_AGGREGATE_PROGRESS.AGGREGATE_TYPE, CONSUMER_AGGREGATE_PROGRESS.AGGREGATE_ID,
                        CONSUMER_AGGREGATE_PROGRESS.PREVIOUS_HIGHEST_VERSION)
                .fetch()
                .forEach(row -> {
                    if (row.value3() != null) {
                        before.put(new Key(row.value1(), row.value2()), row.value3());
                    }
                });
        return before;
    }
}
