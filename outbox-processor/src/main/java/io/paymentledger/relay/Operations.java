package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT_STATE;
import static io.paymentledger.db.jooq.Tables.OUTBOX_LANE;
import static io.paymentledger.db.jooq.Tables.OUTBOX_PARTITION;
import static io.paymentledger.db.jooq.Tables.OUTBOX_RELAY_INSTANCE;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.db.jooq.Routines;
import io.paymentledger.db.jooq.tables.records.OutboxEventRecord;
import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.schemas.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.impl.DSL;

/** What operators do to the outbox: look at it, and redrive or skip dead rows. Each change is one transaction. */
final class Operations {
    /** An instance whose heartbeat is older than this is not counted as live. */
    static final Duration LIVE_WITHIN = Duration.ofSeconds(10);

    private final DSLContext dsl;

    Operations(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** The outbox at a glance. */
    record Status(long pending, Duration oldestPendingAge, long retrying, long dead, long parkedAggregates,
                  List<Instance> liveInstances, List<Lane> lanes, List<Partition> partitions) {
        /** The lanes {@code instance} leases, in order. */
        List<Integer> lanesOf(String instance) {
            return lanes.stream().filter(lane -> instance.equals(lane.owner()) && !lane.expired()).map(Lane::lane)
                    .toList();
        }

        /**
         * The topics live instances report missing, each once: the earliest {@code since}, the largest count, and
         * every instance that holds rows for it.
         */
        List<MissingTopic> missingTopics() {
            Map<String, MissingTopic> byTopic = new TreeMap<>();
            for (Instance instance : liveInstances) {
                for (MissingTopic topic : instance.missingTopics()) {
                    byTopic.merge(topic.topic(), topic, MissingTopic::merge);
                }
            }
            return List.copyOf(byTopic.values());
        }
    }

    /** A topic a relay instance found missing and holds rows for (no attempt spent), as its heartbeat reported it. */
    record MissingTopic(String topic, String reason, Instant since, long rowsHeld, List<String> instances) {
        MissingTopic {
            instances = List.copyOf(instances);
        }

        MissingTopic merge(MissingTopic other) {
            List<String> both = new ArrayList<>(instances);
            both.addAll(other.instances());
            return new MissingTopic(topic, reason, since.isBefore(other.since()) ? since : other.since(),
                    Math.max(rowsHeld, other.rowsHeld()), both);
        }
    }

    /**
     * A lane's lease: its owner (null while free) until {@code leaseUntil}, at {@code epoch}, and its cursor: the
     * snapshot up to which it is delivered, and the batch in progress ({@code batchUpto} null between batches) read up
     * to id {@code batchAfter}. An expired lease is taken over by the next instance that balances its lanes (within a
     * second), which goes on from the cursor.
     */
    record Lane(int lane, String owner, long epoch, Instant leaseUntil, boolean expired, String delivered,
                String batchUpto, Long batchAfter) {
    }

    /**
     * A partition of the ring that holds the rows published by position ({@code outbox_event_r<slot>}): the current
     * one takes new rows since {@code currentSince}; a retired one took them until {@code retiredAt} and is truncated
     * once every lane's cursor passed it and it retired before the retention; {@code truncatedAt} is its last
     * truncation.
     */
    record Partition(int slot, Instant currentSince, Instant retiredAt, Instant truncatedAt) {
        String table() {
            return "outbox_event_r" + slot;
        }
    }

    /** A relay instance seen recently. */
    record Instance(String instanceId, Instant startedAt, Instant heartbeatAt, String circuitState,
                    List<MissingTopic> missingTopics) {
        Instance {
            missingTopics = List.copyOf(missingTopics);
        }
    }

    /** A dead row, as {@code dead list} shows it. */
    record DeadRow(String eventId, String eventType, String aggregateType, String aggregateId, long aggregateVersion,
                   int attempts, String lastError, Instant deadLetteredAt, boolean parked) {
    }

    /**
     * The outbox at {@code now}. Rows not delivered yet are the retry set's and the new rows the lanes' cursors have not
     * passed; those are found from the oldest transaction any cursor may still wait for, so the count reads only the
     * rows since then, not the published history.
     */
    Status status(Instant now) {
        var failures = dsl.select(
                        DSL.count().filterWhere(OUTBOX_EVENT.STATUS.eq(DSL.inline(OutboxStatus.RETRYING))),
                        DSL.min(OUTBOX_EVENT.OCCURRED_AT).filterWhere(
                                OUTBOX_EVENT.STATUS.eq(DSL.inline(OutboxStatus.RETRYING))),
                        DSL.count().filterWhere(OUTBOX_EVENT.STATUS.eq(DSL.inline(OutboxStatus.DEAD))),
                        DSL.countDistinct(OUTBOX_EVENT.AGGREGATE_TYPE, OUTBOX_EVENT.AGGREGATE_ID)
                                .filterWhere(OUTBOX_EVENT.PARKED.isTrue()))
                .from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.STATUS.in(DSL.inline(OutboxStatus.RETRYING), DSL.inline(OutboxStatus.DEAD)))
                .fetchSingle();
        var undelivered = dsl.select(DSL.count(), DSL.min(OUTBOX_EVENT_STATE.OCCURRED_AT))
                .from(OUTBOX_EVENT_STATE)
                .where(notPassedByEveryCursor())
                .and(OUTBOX_EVENT_STATE.STATE.eq(DSL.inline(OutboxStatus.PENDING)))
                .fetchSingle();
        OffsetDateTime oldest = earliest(failures.value2(), undelivered.value2());
        List<Instance> instances = dsl.selectFrom(OUTBOX_RELAY_INSTANCE)
                .where(OUTBOX_RELAY_INSTANCE.HEARTBEAT_AT.gt(OutboxRows.utc(now.minus(LIVE_WITHIN))))
                .orderBy(OUTBOX_RELAY_INSTANCE.INSTANCE_ID)
                .fetch(r -> new Instance(r.getInstanceId(), r.getStartedAt().toInstant(),
                        r.getHeartbeatAt().toInstant(), r.getCircuitState(),
                        missingTopics(r.getInstanceId(), r.getMissingTopics())));
        return new Status(undelivered.value1() + failures.value1(),
                oldest == null ? Duration.ZERO : Duration.between(oldest.toInstant(), now),
                failures.value1(), failures.value3(), failures.value4(), instances, lanes(now), partitions());
    }

    private List<Partition> partitions() {
        return dsl.selectFrom(OUTBOX_PARTITION).orderBy(OUTBOX_PARTITION.SLOT).fetch(r -> new Partition(r.getSlot(),
                instant(r.getCurrentSince()), instant(r.getRetiredAt()), instant(r.getTruncatedAt())));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    /**
     * Rows whose transaction is not older than every lane cursor's snapshot: a row of an older one was passed by every
     * cursor. An index range over {@code outbox_event.tx_id}.
     */
    private static Condition notPassedByEveryCursor() {
        return OUTBOX_EVENT_STATE.TX_ID.ge(DSL.select(DSL.min(Routines.outboxSnapshotXmin(OUTBOX_LANE.DELIVERED)))
                .from(OUTBOX_LANE).<Long>asField());
    }

    private static OffsetDateTime earliest(OffsetDateTime a, OffsetDateTime b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private List<Lane> lanes(Instant now) {
        return dsl.selectFrom(OUTBOX_LANE).orderBy(OUTBOX_LANE.LANE).fetch(r -> new Lane(r.getLane(), r.getOwner(),
                r.getEpoch(), r.getLeaseUntil() == null ? null : r.getLeaseUntil().toInstant(),
                r.getLeaseUntil() != null && r.getLeaseUntil().toInstant().isBefore(now), r.getDelivered(),
                r.getBatchUpto(), r.getBatchAfter()));
    }

    private static List<MissingTopic> missingTopics(String instance, JSONB json) {
        try {
            List<MissingTopic> topics = new ArrayList<>();
            for (JsonNode topic : Json.mapper().readTree(json.data())) {
                topics.add(new MissingTopic(topic.get("topic").asText(), topic.get("reason").asText(),
                        Instant.parse(topic.get("since").asText()), topic.get("rows_held").asLong(), List.of(instance)));
            }
            return topics;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("outbox_relay_instance.missing_topics of " + instance
                    + " is not the JSON a relay writes: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Rows not delivered yet per value of the routing column, for the values in {@code keys} (the held topics' rows):
     * those in the retry set, and the new ones the lanes' cursors have not passed.
     */
    Map<String, Long> pendingByRoutingKey(TopicRouting routing, Set<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        Field<String> column = routing == TopicRouting.EVENT_TYPE ? OUTBOX_EVENT_STATE.EVENT_TYPE
                : OUTBOX_EVENT_STATE.AGGREGATE_TYPE;
        Field<String> tableColumn = CursorStore.routingColumn(routing);
        Map<String, Long> counts = new HashMap<>();
        dsl.select(column, DSL.count()).from(OUTBOX_EVENT_STATE)
                .where(notPassedByEveryCursor())
                .and(OUTBOX_EVENT_STATE.STATE.eq(DSL.inline(OutboxStatus.PENDING)))
                .and(column.eq(DSL.any(keys.toArray(String[]::new))))
                .groupBy(column)
                .fetch()
                .forEach(r -> counts.merge(r.value1(), r.value2().longValue(), Long::sum));
        dsl.select(tableColumn, DSL.count()).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.STATUS.in(DSL.inline(OutboxStatus.RETRYING), DSL.inline(OutboxStatus.DEAD)))
                .and(OUTBOX_EVENT.STATUS.eq(DSL.inline(OutboxStatus.RETRYING)))
                .and(tableColumn.eq(DSL.any(keys.toArray(String[]::new))))
                .groupBy(tableColumn)
                .fetch()
                .forEach(r -> counts.merge(r.value1(), r.value2().longValue(), Long::sum));
        return counts;
    }

    List<DeadRow> deadRows(int limit) {
        return dsl.selectFrom(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.STATUS.eq(OutboxStatus.DEAD))
                .orderBy(OUTBOX_EVENT.DEAD_LETTERED_AT, OUTBOX_EVENT.ID)
                .limit(limit)
                .fetch(r -> new DeadRow(r.getEventId(), r.getEventType(), r.getAggregateType(), r.getAggregateId(),
                        r.getAggregateVersion(), r.getAttempts(), r.getLastError(),
                        r.getDeadLetteredAt() == null ? null : r.getDeadLetteredAt().toInstant(), r.getParked()));
    }

    Optional<OutboxEventRecord> row(String eventId) {
        return dsl.selectFrom(OUTBOX_EVENT).where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).fetchOptional();
    }

    /**
     * Re-queues the given dead rows with attempts reset, in the retry set (which sends each aggregate's rows in version
     * order); all or nothing.
     *
     * @throws IllegalArgumentException naming every id that is unknown or not dead (then nothing changes)
     */
    int redrive(List<String> eventIds, Instant now) {
        return dsl.transactionResult(tx -> {
            List<String> problems = new ArrayList<>();
            for (String eventId : eventIds) {
                Optional<String> status = tx.dsl().select(OUTBOX_EVENT.STATUS).from(OUTBOX_EVENT)
                        .where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).forUpdate().fetchOptional(OUTBOX_EVENT.STATUS);
                if (status.isEmpty()) {
                    problems.add(eventId + " does not exist");
                } else if (!status.get().equals(OutboxStatus.DEAD)) {
                    problems.add(eventId + " is " + status.get() + ", not dead");
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("nothing redriven: " + String.join("; ", problems));
            }
            return requeue(tx.dsl(), OUTBOX_EVENT.EVENT_ID.in(eventIds), now);
        });
    }

    /** Re-queues every dead row, or every dead row of one aggregate id; returns how many. */
    int redriveAll(Optional<String> aggregateId, Instant now) {
        Condition which = aggregateId.map(OUTBOX_EVENT.AGGREGATE_ID::eq).orElse(DSL.trueCondition());
        return requeue(dsl, which, now);
    }

    private static int requeue(DSLContext dsl, Condition which, Instant now) {
        return dsl.update(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.STATUS, OutboxStatus.RETRYING)
                .set(OUTBOX_EVENT.PARKED, false)
                .set(OUTBOX_EVENT.ATTEMPTS, 0)
                .setNull(OUTBOX_EVENT.FIRST_FAILURE_AT)
                .setNull(OUTBOX_EVENT.LAST_FAILURE_AT)
                .setNull(OUTBOX_EVENT.DEAD_LETTERED_AT)
                .set(OUTBOX_EVENT.NEXT_ATTEMPT_AT, OutboxRows.utc(now))
                .setNull(OUTBOX_EVENT.CLAIMED_BY)
                .setNull(OUTBOX_EVENT.CLAIMED_UNTIL)
                .where(OUTBOX_EVENT.STATUS.eq(OutboxStatus.DEAD))
                .and(which)
                .execute();
    }

    /**
     * Unparks the aggregate of a parked dead row: the row stays dead (and can still be redriven), the aggregate's
     * later events flow.
     *
     * @throws IllegalArgumentException when the row does not exist or is not a parked dead row
     */
    void skip(String eventId) {
        int changed = dsl.update(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.PARKED, false)
                .where(OUTBOX_EVENT.EVENT_ID.eq(eventId))
                .and(OUTBOX_EVENT.STATUS.eq(OutboxStatus.DEAD))
                .and(OUTBOX_EVENT.PARKED.isTrue())
                .execute();
        if (changed == 0) {
            throw new IllegalArgumentException(row(eventId)
                    .map(r -> eventId + " is " + r.getStatus() + (r.getParked() ? "" : ", not parked")
                            + "; only a parked dead row can be skipped")
                    .orElse(eventId + " does not exist"));
        }
    }
}
