package io.paymentledger.consumer;

import static io.paymentledger.db.jooq.Tables.CONSUMER_AGGREGATE_PROGRESS;
import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.greatest;
import static org.jooq.impl.DSL.row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.Row2;

/**
 * The highest applied {@code aggregate_version} per aggregate. Events are never dropped for their version: one above
 * highest + 1 is flagged as a gap, one below highest as a late predecessor, and the highest only ever grows.
 */
final class AggregateProgress {

    /** A flagged event; {@code gap} false means it arrived late. */
    record Flag(Envelope envelope, long highestBefore, boolean gap) {
    }

    /** One aggregate, ordered by type then id: the lock order. */
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
        Map<Key, Long> highest = new TreeMap<>(lockHighest(tx, groupId, applied));
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
        upsert(tx, groupId, highest, now.atOffset(ZoneOffset.UTC));
        return flags;
    }

    /** Locks the existing rows of these aggregates in key order, so concurrent consumers cannot deadlock. */
    private static Map<Key, Long> lockHighest(DSLContext tx, String groupId, List<Envelope> applied) {
        List<Row2<String, String>> keys = applied.stream()
                .map(envelope -> row(envelope.aggregateType(), envelope.aggregateId())).distinct().toList();
        Map<Key, Long> highest = new HashMap<>();
        tx.selectFrom(CONSUMER_AGGREGATE_PROGRESS)
                .where(CONSUMER_AGGREGATE_PROGRESS.CONSUMER_GROUP.eq(groupId))
                .and(row(CONSUMER_AGGREGATE_PROGRESS.AGGREGATE_TYPE, CONSUMER_AGGREGATE_PROGRESS.AGGREGATE_ID).in(keys))
                .orderBy(CONSUMER_AGGREGATE_PROGRESS.AGGREGATE_TYPE, CONSUMER_AGGREGATE_PROGRESS.AGGREGATE_ID)
                .forUpdate()
                .forEach(progress -> highest.put(new Key(progress.getAggregateType(), progress.getAggregateId()),
                        progress.getHighestVersion()));
        return highest;
    }

    private static void upsert(DSLContext tx, String groupId, Map<Key, Long> highest, OffsetDateTime at) {
        var insert = tx.insertInto(CONSUMER_AGGREGATE_PROGRESS, CONSUMER_AGGREGATE_PROGRESS.CONSUMER_GROUP,
                CONSUMER_AGGREGATE_PROGRESS.AGGREGATE_TYPE, CONSUMER_AGGREGATE_PROGRESS.AGGREGATE_ID,
                CONSUMER_AGGREGATE_PROGRESS.HIGHEST_VERSION, CONSUMER_AGGREGATE_PROGRESS.UPDATED_AT);
        for (Map.Entry<Key, Long> entry : highest.entrySet()) {
            insert = insert.values(groupId, entry.getKey().type(), entry.getKey().id(), entry.getValue(), at);
        }
        insert.onConflict(CONSUMER_AGGREGATE_PROGRESS.CONSUMER_GROUP, CONSUMER_AGGREGATE_PROGRESS.AGGREGATE_TYPE,
                        CONSUMER_AGGREGATE_PROGRESS.AGGREGATE_ID)
                .doUpdate()
                .set(CONSUMER_AGGREGATE_PROGRESS.HIGHEST_VERSION, greatest(CONSUMER_AGGREGATE_PROGRESS.HIGHEST_VERSION,
                        excluded(CONSUMER_AGGREGATE_PROGRESS.HIGHEST_VERSION)))
                .set(CONSUMER_AGGREGATE_PROGRESS.UPDATED_AT, excluded(CONSUMER_AGGREGATE_PROGRESS.UPDATED_AT))
                .execute();
    }
}
