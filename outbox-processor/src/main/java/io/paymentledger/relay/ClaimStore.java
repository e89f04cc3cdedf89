package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_CLAIM;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.outbox.OutboxStatus.PENDING;
import static io.paymentledger.outbox.OutboxStatus.PUBLISHED;

import io.paymentledger.db.jooq.Routines;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jooq.CommonTableExpression;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's claims on {@code outbox_event}: a pass claims its batch with one {@code outbox_claim} row and settles
 * it in one write fenced by that row (the write deletes it first and applies only while it still existed), so a pass
 * whose expired claim another instance took over changes nothing. Every method is one short transaction; none is open
 * while the relay waits on Kafka. Failed rows are written by {@link FailureStore} inside the settling transaction.
 */
final class ClaimStore implements PassStore {
    private static final Logger log = LoggerFactory.getLogger(ClaimStore.class);

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
    /** This instance's passes claim one at a time (see {@link #claimBatch}). */
    private final ReentrantLock claimLock = new ReentrantLock();

    /** What settling a published row does to it (see {@link RelayConfig#retention()}). */
    enum PublishedRows {
        /** Marked {@code published} with {@code published_at}; retention deletes it later. */
        KEEP,
        /** Deleted in the statement that records its publication ({@code OUTBOX_RETENTION_HOURS=0}). */
        DELETE
    }

    ClaimStore(DSLContext dsl) {
        this(dsl, PublishedRows.KEEP);
    }

    ClaimStore(DSLContext dsl, PublishedRows publishedRows) {
        this.dsl = dsl;
        this.publishedRows = publishedRows;
    }

    /**
     * Claims up to {@code limit} due pending rows of the lanes {@code instance} leases ({@code lanes}) until {@code
     * claimedUntil}: per aggregate a run of consecutive versions starting at its head, its lowest version still
     * pending or parked (see {@link RunPlanner}). Rows in another pass's claim are skipped; expired claims are deleted
     * first (looked for at most every {@link #TAKEOVER_INTERVAL}), so their rows are taken over. Rows are found by
     * status, never by a high-water mark, so a row whose transaction commits late is still found. The claim is one
     * {@code outbox_claim} row listing the claimed ids; no outbox row is written. Rows whose routing column ({@code
     * event_type}, or {@code aggregate_type}, by {@code routing}) is in {@code heldKeys} are left out: their topic is
     * missing ({@link MissingTopics}); an aggregate whose head is left out stays blocked (its head is found whatever
     * the filter), so its later versions wait behind it.
     *
     * <p>Only this instance claims in its lanes: the claim reads its leases with a share lock ({@link
     * LaneStore#lockHeld}), so a takeover waits for the claim to commit and a lane this instance lost is left out.
     * Its own passes take turns (a lock in this store), so within a lane every claim sees the claims before it
     * committed: the heads read here are exact and two passes never split one aggregate's run. The scan reads windows
     * of pending rows in id order until the batch is full, a window comes back short, or {@code SCAN_WINDOWS} windows
     * were read (rows of blocked aggregates only cost scanning, never a claim).
     */
    @Override
    public Claim claimBatch(String instance, Map<Integer, Long> lanes, int limit, Instant now, Instant claimedUntil,
                            TopicRouting routing, Set<String> heldKeys) {
        if (lanes.isEmpty()) {
            return Claim.NONE;
        }
        OffsetDateTime at = OutboxRows.utc(now);
        boolean sameEventTypeRuns = routing == TopicRouting.EVENT_TYPE;
        Condition notHeld = heldKeys.isEmpty() ? DSL.noCondition()
                : routingColumn(routing).ne(DSL.all(heldKeys.toArray(String[]::new)));
        claimLock.lock();
        try {
            return dsl.transactionResult(tx -> {
                DSLContext claim = tx.dsl();
                List<Integer> mine = LaneStore.lockHeld(claim, instance, lanes, now);
                if (mine.isEmpty()) {
                    return Claim.NONE;
                }
                // The scan must walk the pending index in id order and stop at the window's end. Right after a burst
                // of inserts the statistics still say "few pending rows" and the planner would rather read every
                // pending row (bitmap scan) and sort: O(backlog) per claim. With sequential scans priced out, the
                // scan of the few outbox_claim rows looks expensive enough for JIT compilation (100 ms and more per
                // statement, for statements that take a millisecond), so JIT is off too. Transaction-local.
                claim.select(localSetting("enable_bitmapscan", "off"), localSetting("enable_seqscan", "off"),
                        localSetting("jit", "off")).fetch();
                if (!now.isBefore(nextTakeoverAt)) {
                    takeOverExpiredClaims(claim, at);
                    nextTakeoverAt = now.plus(TAKEOVER_INTERVAL);
                }
                return claimIn(claim, instance, limit, at, OutboxRows.utc(claimedUntil), sameEventTypeRuns,
                        notHeld.and(inLanes(mine)));
            });
        } finally {
            claimLock.unlock();
        }
    }

    private static Claim claimIn(DSLContext claim, String instance, int limit, OffsetDateTime at,
                                 OffsetDateTime until, boolean sameEventTypeRuns, Condition filter) {
        RunPlanner planner = new RunPlanner(limit, sameEventTypeRuns);
        int windowSize = Math.max(64, limit);
        Map<Long, OutboxRow> scanned = new HashMap<>();
        long after = 0;
        for (int window = 0; window < SCAN_WINDOWS && !planner.full(); window++) {
            List<OutboxRow> rows = claimable(claim, at, after, windowSize, filter);
            rows.forEach(row -> scanned.put(row.id(), row));
            List<RunPlanner.Candidate> candidates = rows.stream().map(ClaimStore::candidate).toList();
            planner.add(candidates, heads(claim, planner.unseen(candidates)));
            if (rows.size() < windowSize) {
                break;
            }
            after = rows.get(rows.size() - 1).id();
        }
        return recordClaim(claim, instance, planner.chosen().stream().map(scanned::get).toList(), at, until);
    }

    /** The rows of {@code lanes}: no condition when they are all the lanes there are. */
    private static Condition inLanes(List<Integer> lanes) {
        return lanes.size() == LaneStore.LANES ? DSL.noCondition()
                : Routines.outboxLaneOf(OUTBOX_EVENT.AGGREGATE_TYPE, OUTBOX_EVENT.AGGREGATE_ID)
                        .eq(DSL.any(lanes.stream().map(Integer::shortValue).toArray(Short[]::new)));
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
                                             Condition filter) {
        return dsl.select(OutboxRows.FIELDS).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.STATUS.eq(DSL.inline(PENDING)))
                .and(OUTBOX_EVENT.ID.gt(after))
                .and(OUTBOX_EVENT.NEXT_ATTEMPT_AT.le(at))
                .and(filter)
                .and(OUTBOX_EVENT.ID.notIn(DSL.select(
                        DSL.function("unnest", SQLDataType.BIGINT, OUTBOX_CLAIM.OUTBOX_IDS)).from(OUTBOX_CLAIM)))
                .orderBy(OUTBOX_EVENT.ID)
                .limit(size)
                .fetch(OutboxRows::toRow);
    }

    static Field<String> routingColumn(TopicRouting routing) {
        return routing == TopicRouting.EVENT_TYPE ? OUTBOX_EVENT.EVENT_TYPE : OUTBOX_EVENT.AGGREGATE_TYPE;
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

    @Override
    public boolean renewClaim(long claim, Instant claimedUntil) {
        return dsl.update(OUTBOX_CLAIM)
                .set(OUTBOX_CLAIM.CLAIMED_UNTIL, OutboxRows.utc(claimedUntil))
                .where(OUTBOX_CLAIM.CLAIM_ID.eq(claim))
                .execute() == 1;
    }

    /**
     * Ends {@code claim}: its rows that are still pending become claimable at once (released without spending an
     * attempt: the broker was unavailable, a row was held behind its aggregate's failure, or the relay is stopping).
     * Returns false when it was already gone (taken over).
     */
    @Override
    public boolean endClaim(long claim) {
        return endClaim(dsl, claim);
    }

    /** Deletes the claim's row; in a transaction, this also locks out a takeover until it ends (the fence). */
    private static boolean endClaim(DSLContext dsl, long claim) {
        return dsl.deleteFrom(OUTBOX_CLAIM).where(OUTBOX_CLAIM.CLAIM_ID.eq(claim)).execute() == 1;
    }

    /**
     * Applies {@code settlement} and ends {@code claim} in one transaction: the claim's row is deleted first, which
     * waits for a takeover that locked it, and the rows change only when it was still there. A batch that was all
     * published is one statement ({@link #markPublishedAndEnd}).
     */
    @Override
    public int settle(long claim, Settlement settlement, Instant now, boolean park) {
        List<Long> published = settlement.published().stream().map(OutboxRow::id).toList();
        if (settlement.onlyPublished()) {
            return markPublishedAndEnd(claim, published, now);
        }
        return dsl.transactionResult(tx -> {
            DSLContext fenced = tx.dsl();
            if (!endClaim(fenced, claim)) {
                return 0;
            }
            int marked = markPublished(fenced, published, now);
            FailureStore.retry(fenced, settlement.retries(), now);
            FailureStore.dead(fenced, settlement.dead(), now, park);
            FailureStore.postpone(fenced, settlement.postponed(), settlement.postponeUntil());
            return marked;
        });
    }

    /** Settles rows as published: marks them, or deletes them (see {@link PublishedRows}). */
    private int markPublished(DSLContext tx, List<Long> ids, Instant now) {
        if (ids.isEmpty()) {
            return 0;
        }
        Condition rows = pendingAmong(ids);
        return switch (publishedRows) {
            case KEEP -> tx.update(OUTBOX_EVENT)
                    .set(OUTBOX_EVENT.STATUS, PUBLISHED)
                    .set(OUTBOX_EVENT.PUBLISHED_AT, OutboxRows.utc(now))
                    .where(rows)
                    .execute();
            case DELETE -> tx.deleteFrom(OUTBOX_EVENT).where(rows).execute();
        };
    }

    /**
     * Settles rows of {@code claim} as published and ends the claim, in one statement: the claim's row is deleted
     * first (waiting for a takeover that locked it) and the rows are settled (marked, or deleted) only when it was
     * still there, so this is fenced like every change. The claim's other rows, still pending, become claimable at
     * once.
     *
     * @return how many rows were settled; fewer than {@code ids} when the claim had been taken over
     */
    private int markPublishedAndEnd(long claim, Collection<Long> ids, Instant now) {
        CommonTableExpression<Record1<Long>> ended = DSL.name("ended").as(
                DSL.deleteFrom(OUTBOX_CLAIM).where(OUTBOX_CLAIM.CLAIM_ID.eq(claim))
                        .returningResult(OUTBOX_CLAIM.CLAIM_ID));
        Condition rows = pendingAmong(ids);
        return switch (publishedRows) {
            case KEEP -> dsl.with(ended)
                    .update(OUTBOX_EVENT)
                    .set(OUTBOX_EVENT.STATUS, PUBLISHED)
                    .set(OUTBOX_EVENT.PUBLISHED_AT, OutboxRows.utc(now))
                    .from(ended)
                    .where(rows)
                    .execute();
            case DELETE -> dsl.with(ended).delete(OUTBOX_EVENT).using(ended).where(rows).execute();
        };
    }

    /** The rows among {@code ids} that are still pending. */
    static Condition pendingAmong(Collection<Long> ids) {
        return OUTBOX_EVENT.ID.eq(DSL.any(ids.toArray(Long[]::new))).and(OUTBOX_EVENT.STATUS.eq(PENDING));
    }
}
