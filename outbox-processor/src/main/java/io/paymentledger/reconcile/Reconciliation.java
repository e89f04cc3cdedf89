package io.paymentledger.reconcile;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT_STATE;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.rowNumber;
import static org.jooq.impl.DSL.selectOne;

import io.paymentledger.db.jooq.tables.OutboxEventState;
import io.paymentledger.outbox.OutboxStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Proves, for a time window, that what the outbox committed is what Kafka holds: the records the window covers are
 * streamed from Kafka into a temporary table of the same transaction (memory stays bounded whatever the window), and
 * the database compares them with the outbox rows by event id. Findings:
 * <ul>
 *   <li>{@code missing_from_kafka}: rows {@code published} in the window that no event topic holds;</li>
 *   <li>{@code missing_from_dlq}: rows dead-lettered in the window that the DLQ does not hold;</li>
 *   <li>{@code unknown_to_database}: records in the window whose event id the outbox does not know (only for
 *       records younger than the retention, which deletes published rows);</li>
 *   <li>{@code duplicates}: events on the event topics more than once (at-least-once allows them after a crash;
 *       consumers drop them by event id, but an operator should know);</li>
 *   <li>{@code order_anomalies}: per aggregate within a partition, a first delivery of a version below one that
 *       came before it.</li>
 * </ul>
 * It reads each row's state from the view {@code outbox_event_state}. A row published by position carries no publish
 * time, so it counts in the window it occurred in ({@code occurred_at}); one published from the retry set, or
 * dead-lettered, in the window of its {@code published_at} or {@code dead_lettered_at}.
 */
public final class Reconciliation {
    private static final Table<Record> SEEN = DSL.table(DSL.name("reconcile_record"));
    private static final Field<String> EVENT_ID = seen("event_id", SQLDataType.CLOB);
    private static final Field<String> TOPIC = seen("topic", SQLDataType.CLOB);
    private static final Field<Integer> PARTITION = seen("kafka_partition", SQLDataType.INTEGER);
    private static final Field<Long> OFFSET = seen("kafka_offset", SQLDataType.BIGINT);
    private static final Field<String> AGGREGATE_TYPE = seen("aggregate_type", SQLDataType.CLOB);
    private static final Field<String> AGGREGATE_ID = seen("aggregate_id", SQLDataType.CLOB);
    private static final Field<Long> AGGREGATE_VERSION = seen("aggregate_version", SQLDataType.BIGINT);
    private static final Field<OffsetDateTime> TIMESTAMP = seen("record_timestamp",
            SQLDataType.TIMESTAMPWITHTIMEZONE(3));
    private static final Field<Boolean> DEAD_LETTER = seen("dead_letter", SQLDataType.BOOLEAN);
    private static final List<Field<?>> COLUMNS = List.of(EVENT_ID, TOPIC, PARTITION, OFFSET, AGGREGATE_TYPE,
            AGGREGATE_ID, AGGREGATE_VERSION, TIMESTAMP, DEAD_LETTER);

    private static final OutboxEventState ROW = OUTBOX_EVENT_STATE;
    /** When a row was published: by the retry set, {@code published_at}; by position, when it occurred. */
    private static final Field<OffsetDateTime> PUBLISHED_AT = DSL.coalesce(ROW.PUBLISHED_AT, ROW.OCCURRED_AT);

    private final DSLContext dsl;
    private final KafkaRecords kafka;
    private final Duration retention;
    private final Clock clock;

    /**
     * @param kafkaProperties bootstrap servers and the consumer settings of the pass-through (TLS, SASL)
     * @param retention       {@code OUTBOX_RETENTION_HOURS}: published rows older than this are deleted, so
     *                        older records cannot be checked for being unknown
     */
    public Reconciliation(DSLContext dsl, Map<String, Object> kafkaProperties, String topicPrefix,
                          String deadLetterTopic, Duration retention, Clock clock) {
        this.dsl = dsl;
        this.kafka = new KafkaRecords(kafkaProperties, topicPrefix, deadLetterTopic);
        this.retention = retention;
        this.clock = clock;
    }

    /** One kind of finding: how many, and the first {@code limit} of them. */
    public record Category(long count, List<Finding> examples) {
    }

    /** One finding: the event, its aggregate, and what was seen (where, when). */
    public record Finding(String eventId, String aggregate, Long version, String detail) {
    }

    /**
     * @param findings by kind, in a fixed order; a window is clean when every count is 0
     */
    public record Report(ReconcileWindow window, List<String> topics, long rowsPublished, long rowsDeadLettered,
                         long records, long deadLetterRecords, Instant unknownCheckedFrom,
                         Map<String, Category> findings) {
        public boolean clean() {
            return findings.values().stream().allMatch(category -> category.count() == 0);
        }
    }

    /** Reconciles {@code window}, showing at most {@code limit} examples of each finding. */
    public Report run(ReconcileWindow window, int limit) {
        Objects.requireNonNull(window, "window");
        return dsl.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            tx.createTemporaryTable(SEEN).columns(unqualified()).onCommitDrop().execute();
            List<String> topics = kafka.read(window, records -> insert(tx, records));
            tx.createIndex("reconcile_record_event_id").on(SEEN.getQualifiedName(), EVENT_ID.getUnqualifiedName())
                    .execute();
            Instant unknownFrom = later(window.from(), clock.instant().minus(retention));
            Map<String, Category> findings = new LinkedHashMap<>();
            findings.put("missing_from_kafka", missing(tx, window, OutboxStatus.PUBLISHED, PUBLISHED_AT, false,
                    limit));
            findings.put("missing_from_dlq", missing(tx, window, OutboxStatus.DEAD, ROW.DEAD_LETTERED_AT, true,
                    limit));
            findings.put("unknown_to_database", unknown(tx, window, unknownFrom, limit));
            findings.put("duplicates", duplicates(tx, limit));
            findings.put("order_anomalies", orderAnomalies(tx, limit));
            return new Report(window, topics, rowsIn(tx, window, OutboxStatus.PUBLISHED, PUBLISHED_AT),
                    rowsIn(tx, window, OutboxStatus.DEAD, ROW.DEAD_LETTERED_AT),
                    tx.fetchCount(SEEN, DEAD_LETTER.isFalse()), tx.fetchCount(SEEN, DEAD_LETTER.isTrue()),
                    unknownFrom, findings);
        });
    }

    private static void insert(DSLContext tx, List<SeenRecord> records) {
        var insert = tx.insertInto(SEEN, COLUMNS);
        for (SeenRecord r : records) {
            insert = insert.values(r.eventId(), r.topic(), r.partition(), r.offset(), r.aggregateType(),
                    r.aggregateId(), r.aggregateVersion(), r.timestamp().atOffset(ZoneOffset.UTC), r.deadLetter());
        }
        insert.execute();
    }

    private static long rowsIn(DSLContext tx, ReconcileWindow window, String state, Field<OffsetDateTime> at) {
        return tx.fetchCount(ROW, ROW.STATE.eq(state).and(in(at, window.from(), window.to())));
    }

    /** Rows of {@code status} whose {@code at} is in the window, and that no record of the right topic holds. */
    private static Category missing(DSLContext tx, ReconcileWindow window, String status, Field<OffsetDateTime> at,
                                    boolean deadLetter, int limit) {
        Condition missing = ROW.STATE.eq(status).and(in(at, window.from(), window.to()))
                .andNotExists(selectOne().from(SEEN).where(EVENT_ID.eq(ROW.EVENT_ID))
                        .and(DEAD_LETTER.eq(deadLetter)));
        List<Finding> examples = tx.select(ROW.EVENT_ID, ROW.AGGREGATE_TYPE, ROW.AGGREGATE_ID, ROW.AGGREGATE_VERSION,
                        at, ROW.EVENT_TYPE)
                .from(ROW).where(missing).orderBy(at, ROW.ID).limit(limit)
                .fetch(r -> new Finding(r.value1(), r.value2() + "/" + r.value3(), r.value4(), r.value6() + " "
                        + status + " at " + r.value5().toInstant() + " but not on " + (deadLetter ? "the DLQ"
                        : "its topic")));
        return new Category(tx.fetchCount(ROW, missing), examples);
    }

    private static Category unknown(DSLContext tx, ReconcileWindow window, Instant from, int limit) {
        Condition unknown = DEAD_LETTER.isFalse().and(in(TIMESTAMP, from, window.to()))
                .and(EVENT_ID.isNull().orNotExists(selectOne().from(OUTBOX_EVENT)
                        .where(OUTBOX_EVENT.EVENT_ID.eq(EVENT_ID))));
        List<Finding> examples = tx.select(EVENT_ID, AGGREGATE_TYPE, AGGREGATE_ID, AGGREGATE_VERSION, TOPIC, PARTITION,
                        OFFSET, TIMESTAMP)
                .from(SEEN).where(unknown).orderBy(TIMESTAMP, TOPIC, PARTITION, OFFSET).limit(limit)
                .fetch(r -> new Finding(r.value1(), r.value2() + "/" + r.value3(), r.value4(), "on " + r.value5() + "-"
                        + r.value6() + "@" + r.value7() + " at " + r.value8().toInstant()
                        + (r.value1() == null ? ", without an event_id header" : ", not in outbox_event")));
        return new Category(tx.fetchCount(SEEN, unknown), examples);
    }

    private static Category duplicates(DSLContext tx, int limit) {
        Field<Integer> copies = count().as("copies");
        var duplicated = tx.select(EVENT_ID, AGGREGATE_TYPE, AGGREGATE_ID, AGGREGATE_VERSION, copies)
                .from(SEEN).where(DEAD_LETTER.isFalse()).and(EVENT_ID.isNotNull())
                .groupBy(EVENT_ID, AGGREGATE_TYPE, AGGREGATE_ID, AGGREGATE_VERSION).having(count().gt(1));
        List<Finding> examples = tx.selectFrom(duplicated.asTable("duplicated"))
                .orderBy(DSL.field(DSL.name("duplicated", "event_id"))).limit(limit)
                .fetch(r -> new Finding(r.get(0, String.class), r.get(1, String.class) + "/" + r.get(2, String.class),
                        r.get(3, Long.class), r.get(4, Integer.class) + " copies on the event topics"));
        return new Category(tx.fetchCount(duplicated), examples);
    }

    /**
     * Per aggregate and partition, in offset order, the first delivery of each event must not have a lower version
     * than a first delivery before it (a re-sent duplicate may follow, as at-least-once allows).
     */
    private static Category orderAnomalies(DSLContext tx, int limit) {
        Field<Integer> delivery = rowNumber().over().partitionBy(EVENT_ID).orderBy(TOPIC, PARTITION, OFFSET)
                .as("delivery");
        Table<?> firsts = tx.select(EVENT_ID, TOPIC, PARTITION, OFFSET, AGGREGATE_TYPE, AGGREGATE_ID,
                        AGGREGATE_VERSION, delivery)
                .from(SEEN).where(DEAD_LETTER.isFalse()).and(EVENT_ID.isNotNull()).and(AGGREGATE_VERSION.isNotNull())
                .asTable("firsts");
        Field<Long> version = firsts.field(AGGREGATE_VERSION.getUnqualifiedName(), Long.class);
        Field<Long> before = max(version).over()
                .partitionBy(firsts.field(TOPIC.getUnqualifiedName()), firsts.field(PARTITION.getUnqualifiedName()),
                        firsts.field(AGGREGATE_TYPE.getUnqualifiedName()), firsts.field(AGGREGATE_ID.getUnqualifiedName()))
                .orderBy(firsts.field(OFFSET.getUnqualifiedName()))
                .rowsBetweenUnboundedPreceding().andPreceding(1).as("highest_before");
        Table<?> ordered = tx.select(firsts.fields()).select(before).from(firsts)
                .where(firsts.field(delivery.getUnqualifiedName(), Integer.class).eq(1)).asTable("ordered");
        Field<Long> orderedVersion = ordered.field(AGGREGATE_VERSION.getUnqualifiedName(), Long.class);
        Field<Long> highestBefore = ordered.field(before.getUnqualifiedName(), Long.class);
        Select<? extends Record> anomalies = tx.select(ordered.fields()).from(ordered)
                .where(orderedVersion.lt(highestBefore));
        List<Finding> examples = tx.selectFrom(anomalies.asTable("anomalies")).limit(limit)
                .fetch(r -> new Finding(r.get(EVENT_ID.getName(), String.class),
                        r.get(AGGREGATE_TYPE.getName(), String.class) + "/" + r.get(AGGREGATE_ID.getName(), String.class),
                        r.get(AGGREGATE_VERSION.getName(), Long.class), "on " + r.get(TOPIC.getName(), String.class)
                        + "-" + r.get(PARTITION.getName(), Integer.class) + "@" + r.get(OFFSET.getName(), Long.class)
                        + " after version " + r.get(before.getName(), Long.class) + " of the same aggregate"));
        return new Category(tx.fetchCount(anomalies), examples);
    }

    private static Condition in(Field<OffsetDateTime> at, Instant from, Instant to) {
        return at.ge(from.atOffset(ZoneOffset.UTC)).and(at.lt(to.atOffset(ZoneOffset.UTC)));
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static List<Field<?>> unqualified() {
        return COLUMNS.stream().<Field<?>>map(f -> DSL.field(f.getUnqualifiedName(), f.getDataType())).toList();
    }

    private static <T> Field<T> seen(String column, org.jooq.DataType<T> type) {
        return DSL.field(DSL.name("reconcile_record", column), type);
    }
}
