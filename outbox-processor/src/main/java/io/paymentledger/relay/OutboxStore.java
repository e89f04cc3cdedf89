package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_CLAIM;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.OUTBOX_RELAY_INSTANCE;
import static io.paymentledger.outbox.OutboxStatus.DEAD;
import static io.paymentledger.outbox.OutboxStatus.PENDING;
import static io.paymentledger.outbox.OutboxStatus.PUBLISHED;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.paymentledger.outbox.TraceContext;
import io.paymentledger.schemas.Json;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jooq.CommonTableExpression;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.Record1;
import org.jooq.Record3;
import org.jooq.Row3;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's side of {@code outbox_event} and {@code outbox_claim}. Every method is one short transaction; none is
 * open while the relay waits on Kafka. A pass claims its batch with one {@code outbox_claim} row and every change to
 * the claimed rows is fenced by that row: the change locks it first and applies only while it still exists, so a
 * pass whose expired claim another instance took over changes nothing.
 */
final class OutboxStore {
    private static final Logger log = LoggerFactory.getLogger(OutboxStore.class);

    /** The advisory lock key that serializes claims across relay instances ("outbox01" in ASCII). */
    static final long CLAIM_LOCK = 0x6f7574626f783031L;
    /** At most this many windows are scanned per claim. */
    private static final int SCAN_WINDOWS = 8;
    /**
     * Expired claims are looked for at most this often per store: claims last seconds ({@code
     * OUTBOX_CLAIM_TIMEOUT_SECONDS}), so a takeover is at most this much later, and a claim saves a statement.
     */
    static final Duration TAKEOVER_INTERVAL = Duration.ofSeconds(1);

    private final DSLContext dsl;
    private final PublishedRows publishedRows;
    /** When the next claim looks for expired claims (by the relay's clock); shared by this store's workers. */
    private volatile Instant nextTakeoverAt = Instant.MIN;

    /** What settling a published row does to it (see {@link RelayConfig#retention()}). */
    enum PublishedRows {
        /** Marked {@code published} with {@code published_at}; retention deletes it later. */
        KEEP,
        /** Deleted in the statement that records its publication ({@code OUTBOX_RETENTION_HOURS=0}). */
        DELETE
    }

    OutboxStore(DSLContext dsl) {
        this(dsl, PublishedRows.KEEP);
    }

    OutboxStore(DSLContext dsl, PublishedRows publishedRows) {
        this.dsl = dsl;
        this.publishedRows = publishedRows;
    }

    /**
     * Claims up to {@code limit} due pending rows for {@code instance} until {@code claimedUntil}: per aggregate a
     * run of consecutive versions starting at its head, its lowest version still pending or parked (see
     * {@link RunPlanner}). Rows in another pass's claim are skipped; expired claims are deleted first (looked for at
     * most every {@link #TAKEOVER_INTERVAL}), so their rows are taken over. Rows are found by status, never by a
     * high-water mark, so a row whose transaction commits late is still found. The claim is one {@code outbox_claim}
     * row listing the claimed ids; no outbox row is written.
     *
     * <p>Claims are serialized across relay instances by a transaction-level advisory lock: inside it, every other
     * instance's claim has committed, so the heads read here are exact and two instances never split one aggregate's
     * run. The scan reads windows of pending rows in id order until the batch is full, a window comes back short, or
     * {@code SCAN_WINDOWS} windows were read (rows of blocked aggregates only cost scanning, never a claim).
     */
    Claim claimBatch(String instance, int limit, Instant now, Instant claimedUntil, boolean sameEventTypeRuns) {
        return claimBatch(instance, limit, now, claimedUntil,
                sameEventTypeRuns ? TopicRouting.EVENT_TYPE : TopicRouting.AGGREGATE_TYPE, Set.of());
    }

    /**
     * As {@link #claimBatch(String, int, Instant, Instant, boolean)}, leaving out the rows whose routing column
     * ({@code event_type}, or {@code aggregate_type}, by {@code routing}) is one of {@code heldKeys}: their topic is
     * missing ({@link MissingTopics}). An aggregate whose head is left out stays blocked (its head is found whatever
     * the filter), so its later versions wait behind it.
     */
    Claim claimBatch(String instance, int limit, Instant now, Instant claimedUntil, TopicRouting routing,
                     Set<String> heldKeys) {
        OffsetDateTime at = utc(now);
        boolean sameEventTypeRuns = routing == TopicRouting.EVENT_TYPE;
        Condition notHeld = heldKeys.isEmpty() ? DSL.noCondition()
                : routingColumn(routing).ne(DSL.all(heldKeys.toArray(String[]::new)));
        return dsl.transactionResult(tx -> {
            DSLContext claim = tx.dsl();
            // The scan must walk the pending index in id order and stop at the window's end. Right after a burst
            // of inserts the statistics still say "few pending rows" and the planner would rather read every
            // pending row (bitmap scan) and sort: O(backlog) per claim. With sequential scans priced out, the scan
            // of the few outbox_claim rows looks expensive enough for JIT compilation (100 ms and more per statement,
            // for statements that take a millisecond), so JIT is off too. Transaction-local: nothing else changes.
            claim.select(DSL.function("pg_advisory_xact_lock", Object.class, DSL.val(CLAIM_LOCK)),
                    localSetting("enable_bitmapscan", "off"), localSetting("enable_seqscan", "off"),
                    localSetting("jit", "off")).fetch();
            if (!now.isBefore(nextTakeoverAt)) {
                takeOverExpiredClaims(claim, at);
                nextTakeoverAt = now.plus(TAKEOVER_INTERVAL);
            }
            RunPlanner planner = new RunPlanner(limit, sameEventTypeRuns);
            int windowSize = Math.max(64, limit);
            Map<Long, OutboxRow> scanned = new HashMap<>();
            long after = 0;
            for (int window = 0; window < SCAN_WINDOWS && !planner.full(); window++) {
                List<OutboxRow> rows = claimable(claim, at, after, windowSize, notHeld);
                rows.forEach(row -> scanned.put(row.id(), row));
                List<RunPlanner.Candidate> candidates = rows.stream().map(OutboxStore::candidate).toList();
                planner.add(candidates, heads(claim, planner.unseen(candidates)));
                if (rows.size() < windowSize) {
                    break;
                }
                after = rows.get(rows.size() - 1).id();
            }
            return recordClaim(claim, instance, planner.chosen().stream().map(scanned::get).toList(), at,
                    utc(claimedUntil));
        });
    }

    private static Field<String> localSetting(String name, String value) {
        return DSL.function("set_config", String.class, DSL.inline(name), DSL.inline(value), DSL.inline(true));
    }

    /**
     * Deletes the claims that expired (their relay died or stalled past its claim timeout), so their rows can be
     * claimed again. A pass that still holds one is fenced out: its next change finds its claim gone.
     */
    private static void takeOverExpiredClaims(DSLContext dsl, OffsetDateTime at) {
        dsl.deleteFrom(OUTBOX_CLAIM)
                .where(OUTBOX_CLAIM.CLAIMED_UNTIL.lt(at))
                .returning(OUTBOX_CLAIM.CLAIM_ID, OUTBOX_CLAIM.INSTANCE_ID, OUTBOX_CLAIM.CLAIMED_UNTIL,
                        OUTBOX_CLAIM.OUTBOX_IDS)
                .fetch()
                .forEach(c -> log.warn("Claim {} of relay {} expired at {}: its {} rows are claimable again and will "
                        + "be sent again (consumers drop duplicates by event_id)", c.getClaimId(), c.getInstanceId(),
                        c.getClaimedUntil(), c.getOutboxIds().length));
    }

    /**
     * Claimable rows (pending, due, in no claim) after id {@code after}, in id order, whole: the scan visits each row
     * anyway, and the rows it chooses need no second read.
     */
    private static List<OutboxRow> claimable(DSLContext dsl, OffsetDateTime at, long after, int size,
                                             Condition notHeld) {
        return dsl.select(ROW_FIELDS).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.STATUS.eq(DSL.inline(PENDING)))
                .and(OUTBOX_EVENT.ID.gt(after))
                .and(OUTBOX_EVENT.NEXT_ATTEMPT_AT.le(at))
                .and(notHeld)
                .and(OUTBOX_EVENT.ID.notIn(DSL.select(
                        DSL.function("unnest", SQLDataType.BIGINT, OUTBOX_CLAIM.OUTBOX_IDS)).from(OUTBOX_CLAIM)))
                .orderBy(OUTBOX_EVENT.ID)
                .limit(size)
                .fetch(OutboxStore::toRow);
    }

    private static Field<String> routingColumn(TopicRouting routing) {
        return routing == TopicRouting.EVENT_TYPE ? OUTBOX_EVENT.EVENT_TYPE : OUTBOX_EVENT.AGGREGATE_TYPE;
    }

    /** Pending rows per value of the routing column, for the values in {@code keys} (the held topics' rows). */
    Map<String, Long> pendingByRoutingKey(TopicRouting routing, Set<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        Field<String> column = routingColumn(routing);
        Map<String, Long> counts = new HashMap<>();
        dsl.select(column, DSL.count()).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.STATUS.eq(DSL.inline(PENDING)))
                .and(column.eq(DSL.any(keys.toArray(String[]::new))))
                .groupBy(column)
                .fetch()
                .forEach(r -> counts.put(r.value1(), r.value2().longValue()));
        return counts;
    }

    private static RunPlanner.Candidate candidate(OutboxRow row) {
        return new RunPlanner.Candidate(row.id(), row.aggregateType(), row.aggregateId(), row.aggregateVersion(),
                row.eventType());
    }

    /**
     * The head row id of each aggregate: its lowest version still pending or parked, one probe of the unsettled index
     * per aggregate (a lateral join over the wanted aggregates, passed as two arrays so the statement is the same
     * whatever their number, and PostgreSQL can keep its plan).
     */
    private static Map<AggregateKey, Long> heads(DSLContext dsl, Set<AggregateKey> aggregates) {
        if (aggregates.isEmpty()) {
            return Map.of();
        }
        // Two set-returning functions in one select list run in lockstep: row i pairs the arrays' i-th elements.
        Table<?> wanted = DSL.select(
                        unnest(aggregates.stream().map(AggregateKey::type).toArray(String[]::new)),
                        unnest(aggregates.stream().map(AggregateKey::id).toArray(String[]::new)))
                .asTable("wanted", "aggregate_type", "aggregate_id");
        Field<String> wantedType = wanted.field("aggregate_type", String.class);
        Field<String> wantedId = wanted.field("aggregate_id", String.class);
        Table<?> head = DSL.lateral(DSL.select(OUTBOX_EVENT.ID).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.AGGREGATE_TYPE.eq(wantedType))
                .and(OUTBOX_EVENT.AGGREGATE_ID.eq(wantedId))
                .and(OUTBOX_EVENT.STATUS.ne(DSL.inline(PUBLISHED)))
                .and(OUTBOX_EVENT.STATUS.eq(DSL.inline(PENDING)).or(OUTBOX_EVENT.PARKED.isTrue()))
                .orderBy(OUTBOX_EVENT.AGGREGATE_VERSION)
                .limit(1)
                .asTable("head"));
        Field<Long> headId = head.field(OUTBOX_EVENT.ID.getName(), Long.class);
        Map<AggregateKey, Long> heads = new HashMap<>();
        dsl.select(wantedType, wantedId, headId).from(wanted).crossJoin(head)
                .fetch()
                .forEach(r -> heads.put(new AggregateKey(r.value1(), r.value2()), r.value3()));
        return heads;
    }

    private static Field<String> unnest(String[] values) {
        return DSL.function("unnest", SQLDataType.CLOB, DSL.val(values, SQLDataType.CLOB.array()));
    }

    /**
     * Records one claim for {@code rows} (chosen under the claim lock from rows in no live claim, so still pending);
     * returns it, or {@link Claim#NONE} when nothing was chosen.
     */
    private static Claim recordClaim(DSLContext dsl, String instance, List<OutboxRow> rows, OffsetDateTime at,
                                    OffsetDateTime until) {
        if (rows.isEmpty()) {
            return Claim.NONE;
        }
        long claimId = dsl.insertInto(OUTBOX_CLAIM)
                .set(OUTBOX_CLAIM.INSTANCE_ID, instance)
                .set(OUTBOX_CLAIM.CLAIMED_AT, at)
                .set(OUTBOX_CLAIM.CLAIMED_UNTIL, until)
                .set(OUTBOX_CLAIM.OUTBOX_IDS, rows.stream().map(OutboxRow::id).toArray(Long[]::new))
                .returning(OUTBOX_CLAIM.CLAIM_ID)
                .fetchSingle()
                .getClaimId();
        return new Claim(claimId, rows);
    }

    /** Extends {@code claim} until {@code claimedUntil}; false when it was taken over (it had expired). */
    boolean renewClaim(long claim, Instant claimedUntil) {
        return dsl.update(OUTBOX_CLAIM)
                .set(OUTBOX_CLAIM.CLAIMED_UNTIL, utc(claimedUntil))
                .where(OUTBOX_CLAIM.CLAIM_ID.eq(claim))
                .execute() == 1;
    }

    /**
     * Ends {@code claim}: its rows that are still pending become claimable at once (released without spending an
     * attempt: the broker was unavailable, a row was held behind its aggregate's failure, or the relay is stopping).
     * Returns false when it was already gone (taken over).
     */
    boolean endClaim(long claim) {
        return dsl.deleteFrom(OUTBOX_CLAIM).where(OUTBOX_CLAIM.CLAIM_ID.eq(claim)).execute() == 1;
    }

    /** Settles rows of {@code claim} as published: marks them, or deletes them (see {@link PublishedRows}). */
    int markPublished(long claim, Collection<Long> ids, Instant now) {
        if (ids.isEmpty()) {
            return 0;
        }
        Condition rows = pendingAmong(ids);
        return fenced(claim, tx -> switch (publishedRows) {
            case KEEP -> tx.update(OUTBOX_EVENT)
                    .set(OUTBOX_EVENT.STATUS, PUBLISHED)
                    .set(OUTBOX_EVENT.PUBLISHED_AT, utc(now))
                    .where(rows)
                    .execute();
            case DELETE -> tx.deleteFrom(OUTBOX_EVENT).where(rows).execute();
        });
    }

    /**
     * Settles rows of {@code claim} as published and ends the claim, in one statement: the claim's row is deleted
     * first (waiting for a takeover that locked it) and the rows are settled (marked, or deleted) only when it was
     * still there, so this is fenced like every change. The claim's other rows, still pending, become claimable at
     * once.
     *
     * @return how many rows were settled; fewer than {@code ids} when the claim had been taken over
     */
    int markPublishedAndEnd(long claim, Collection<Long> ids, Instant now) {
        CommonTableExpression<Record1<Long>> ended = DSL.name("ended").as(
                DSL.deleteFrom(OUTBOX_CLAIM).where(OUTBOX_CLAIM.CLAIM_ID.eq(claim))
                        .returningResult(OUTBOX_CLAIM.CLAIM_ID));
        Condition rows = pendingAmong(ids);
        return switch (publishedRows) {
            case KEEP -> dsl.with(ended)
                    .update(OUTBOX_EVENT)
                    .set(OUTBOX_EVENT.STATUS, PUBLISHED)
                    .set(OUTBOX_EVENT.PUBLISHED_AT, utc(now))
                    .from(ended)
                    .where(rows)
                    .execute();
            case DELETE -> dsl.with(ended).delete(OUTBOX_EVENT).using(ended).where(rows).execute();
        };
    }

    private static Condition pendingAmong(Collection<Long> ids) {
        return OUTBOX_EVENT.ID.eq(DSL.any(ids.toArray(Long[]::new))).and(OUTBOX_EVENT.STATUS.eq(PENDING));
    }

    /**
     * Runs {@code change} in one transaction that first locks {@code claim}'s row; when the claim is gone (it
     * expired and another instance took it over) nothing changes and the result is 0. The lock also orders the
     * change against a takeover: one waits for the other, so a row is never settled by two passes.
     */
    private int fenced(long claim, Function<DSLContext, Integer> change) {
        return dsl.transactionResult(tx -> {
            boolean held = tx.dsl().selectOne().from(OUTBOX_CLAIM)
                    .where(OUTBOX_CLAIM.CLAIM_ID.eq(claim))
                    .forUpdate()
                    .fetchOptional()
                    .isPresent();
            return held ? change.apply(tx.dsl()) : 0;
        });
    }

    /** Records one failed attempt per row and releases each until its own next attempt time. */
    int markRetry(long claim, List<Retry> retries, Instant now) {
        if (retries.isEmpty()) {
            return 0;
        }
        Table<Record3<Long, String, OffsetDateTime>> failed = failures(retries.stream()
                .map(r -> failureRow(r.failure(), r.nextAttemptAt())).toList());
        return recordFailures(claim, failed, now,
                Map.of(OUTBOX_EVENT.NEXT_ATTEMPT_AT, failed.field("next_attempt_at", OffsetDateTime.class)));
    }

    /**
     * Releases rows of {@code claim} until {@code until} without counting an attempt: their dead-letter topic is
     * missing, which is no fault of theirs. Fenced by the claim like every change.
     */
    int postpone(long claim, Collection<Long> ids, Instant until) {
        if (ids.isEmpty()) {
            return 0;
        }
        return fenced(claim, tx -> tx.update(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.NEXT_ATTEMPT_AT, utc(until))
                .where(pendingAmong(ids))
                .execute());
    }

    /** Marks dead-lettered rows dead, counting their last attempt; {@code park} blocks their aggregates. */
    int markDead(long claim, List<Failure> dead, Instant now, boolean park) {
        if (dead.isEmpty()) {
            return 0;
        }
        Table<Record3<Long, String, OffsetDateTime>> failed = failures(dead.stream()
                .map(f -> failureRow(f, now)).toList());
        return recordFailures(claim, failed, now,
                Map.of(OUTBOX_EVENT.STATUS, DEAD, OUTBOX_EVENT.PARKED, park, OUTBOX_EVENT.DEAD_LETTERED_AT, utc(now)));
    }

    /**
     * One statement for a set of failed rows: counts the attempt, stores each row's error, stamps the failure times,
     * and sets {@code outcome} (retry time, or dead). Fenced by the claim like every change.
     */
    private int recordFailures(long claim, Table<Record3<Long, String, OffsetDateTime>> failed, Instant now,
                               Map<? extends Field<?>, ?> outcome) {
        return fenced(claim, tx -> tx.update(OUTBOX_EVENT)
                .set(outcome)
                .set(OUTBOX_EVENT.ATTEMPTS, OUTBOX_EVENT.ATTEMPTS.plus(1))
                .set(OUTBOX_EVENT.LAST_ERROR, failed.field("error", String.class))
                .set(OUTBOX_EVENT.FIRST_FAILURE_AT, DSL.coalesce(OUTBOX_EVENT.FIRST_FAILURE_AT, DSL.val(utc(now))))
                .set(OUTBOX_EVENT.LAST_FAILURE_AT, utc(now))
                .from(failed)
                .where(OUTBOX_EVENT.ID.eq(failed.field("id", Long.class)))
                .and(OUTBOX_EVENT.STATUS.eq(PENDING))
                .execute());
    }

    /** A row of the failures table: the row's id, its error text, and a time (next attempt, or now). */
    private static Row3<Long, String, OffsetDateTime> failureRow(Failure failure, Instant at) {
        return DSL.row(DSL.val(failure.row().id(), SQLDataType.BIGINT), DSL.val(failure.describe(), SQLDataType.CLOB),
                DSL.val(utc(at), SQLDataType.TIMESTAMPWITHTIMEZONE));
    }

    /** Deletes up to {@code limit} rows published before {@code cutoff}; returns how many it deleted. */
    int deletePublishedBefore(Instant cutoff, int limit) {
        var old = DSL.select(OUTBOX_EVENT.ID).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.STATUS.eq(PUBLISHED))
                .and(OUTBOX_EVENT.PUBLISHED_AT.lt(utc(cutoff)))
                .orderBy(OUTBOX_EVENT.PUBLISHED_AT)
                .limit(limit)
                .forUpdate()
                .skipLocked();
        return dsl.deleteFrom(OUTBOX_EVENT).where(OUTBOX_EVENT.ID.in(old)).execute();
    }

    /**
     * Records that {@code instance} is alive, for operators' {@code status}, with the topics whose rows it holds
     * because they are missing.
     */
    void heartbeat(String instance, Instant startedAt, Instant now, String circuitState,
                   List<MissingTopics.Topic> missingTopics) {
        JSONB missing = missingTopicsJson(missingTopics);
        dsl.insertInto(OUTBOX_RELAY_INSTANCE)
                .set(OUTBOX_RELAY_INSTANCE.INSTANCE_ID, instance)
                .set(OUTBOX_RELAY_INSTANCE.STARTED_AT, utc(startedAt))
                .set(OUTBOX_RELAY_INSTANCE.HEARTBEAT_AT, utc(now))
                .set(OUTBOX_RELAY_INSTANCE.CIRCUIT_STATE, circuitState)
                .set(OUTBOX_RELAY_INSTANCE.MISSING_TOPICS, missing)
                .onConflict(OUTBOX_RELAY_INSTANCE.INSTANCE_ID)
                .doUpdate()
                .set(OUTBOX_RELAY_INSTANCE.STARTED_AT, utc(startedAt))
                .set(OUTBOX_RELAY_INSTANCE.HEARTBEAT_AT, utc(now))
                .set(OUTBOX_RELAY_INSTANCE.CIRCUIT_STATE, circuitState)
                .set(OUTBOX_RELAY_INSTANCE.MISSING_TOPICS, missing)
                .execute();
    }

    private static JSONB missingTopicsJson(List<MissingTopics.Topic> topics) {
        ArrayNode array = Json.mapper().createArrayNode();
        for (MissingTopics.Topic topic : topics) {
            array.addObject().put("topic", topic.topic()).put("reason", topic.reason())
                    .put("since", topic.since().toString()).put("rows_held", topic.rowsHeld());
        }
        return JSONB.valueOf(array.toString());
    }

    /** How many rows {@code instance} holds in unexpired claims at {@code now}. */
    int claimsHeld(String instance, Instant now) {
        return dsl.select(DSL.coalesce(DSL.sum(DSL.cardinality(OUTBOX_CLAIM.OUTBOX_IDS)), DSL.inline(BigDecimal.ZERO)))
                .from(OUTBOX_CLAIM)
                .where(OUTBOX_CLAIM.INSTANCE_ID.eq(instance))
                .and(OUTBOX_CLAIM.CLAIMED_UNTIL.gt(utc(now)))
                .fetchSingle()
                .value1()
                .intValue();
    }

    /** Removes a stopped instance from the live list. */
    void signOff(String instance) {
        dsl.deleteFrom(OUTBOX_RELAY_INSTANCE).where(OUTBOX_RELAY_INSTANCE.INSTANCE_ID.eq(instance)).execute();
    }

    @SuppressWarnings("unchecked")
    private static Table<Record3<Long, String, OffsetDateTime>> failures(
            List<Row3<Long, String, OffsetDateTime>> rows) {
        return DSL.values(rows.toArray(Row3[]::new)).as("failed", "id", "error", "next_attempt_at");
    }

    /** The columns a claim reads: what {@link OutboxRow} holds, nothing the relay does not send or count. */
    private static final List<Field<?>> ROW_FIELDS = List.of(OUTBOX_EVENT.ID, OUTBOX_EVENT.EVENT_ID,
            OUTBOX_EVENT.AGGREGATE_TYPE, OUTBOX_EVENT.AGGREGATE_ID, OUTBOX_EVENT.AGGREGATE_VERSION,
            OUTBOX_EVENT.EVENT_TYPE, OUTBOX_EVENT.EVENT_VERSION, OUTBOX_EVENT.PAYLOAD, OUTBOX_EVENT.CORRELATION_ID,
            OUTBOX_EVENT.OCCURRED_AT, OUTBOX_EVENT.ATTEMPTS, OUTBOX_EVENT.FIRST_FAILURE_AT, OUTBOX_EVENT.TRACEPARENT,
            OUTBOX_EVENT.TRACESTATE);

    private static OutboxRow toRow(Record r) {
        OffsetDateTime firstFailureAt = r.get(OUTBOX_EVENT.FIRST_FAILURE_AT);
        return new OutboxRow(r.get(OUTBOX_EVENT.ID), r.get(OUTBOX_EVENT.EVENT_ID), r.get(OUTBOX_EVENT.AGGREGATE_TYPE),
                r.get(OUTBOX_EVENT.AGGREGATE_ID), r.get(OUTBOX_EVENT.AGGREGATE_VERSION),
                r.get(OUTBOX_EVENT.EVENT_TYPE), r.get(OUTBOX_EVENT.EVENT_VERSION), r.get(OUTBOX_EVENT.PAYLOAD).data(),
                r.get(OUTBOX_EVENT.CORRELATION_ID), r.get(OUTBOX_EVENT.OCCURRED_AT).toInstant(),
                r.get(OUTBOX_EVENT.ATTEMPTS), firstFailureAt == null ? null : firstFailureAt.toInstant(),
                trace(r.get(OUTBOX_EVENT.EVENT_ID), r.get(OUTBOX_EVENT.TRACEPARENT), r.get(OUTBOX_EVENT.TRACESTATE)));
    }

    /**
     * The row's trace context; a malformed traceparent (written by SQL, unchecked) is left out of the record with a
     * WARN, never a reason to hold or dead-letter the event.
     */
    private static TraceContext trace(String eventId, String traceparent, String tracestate) {
        if (traceparent == null) {
            return null;
        }
        return TraceContext.parse(traceparent, tracestate).orElseGet(() -> {
            log.warn("Event {} has a malformed traceparent '{}'; publishing it without trace headers", eventId,
                    traceparent);
            return null;
        });
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** A pass's claim: its {@code outbox_claim} id and the claimed rows, in the order to send them. */
    record Claim(long id, List<OutboxRow> rows) {
        static final Claim NONE = new Claim(0, List.of());

        Claim {
            rows = List.copyOf(rows);
        }
    }

    /** A failed attempt to retry at {@code nextAttemptAt}. */
    record Retry(Failure failure, Instant nextAttemptAt) {
    }
}
