package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.OUTBOX_LANE;
import static io.paymentledger.outbox.OutboxStatus.DEAD;
import static io.paymentledger.outbox.OutboxStatus.PENDING;
import static io.paymentledger.outbox.OutboxStatus.PUBLISHED;
import static io.paymentledger.outbox.OutboxStatus.RETRYING;

import io.paymentledger.db.jooq.Routines;
import io.paymentledger.db.jooq.tables.OutboxEvent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The relay's batches, by position: each lane has a cursor ({@link LaneCursor}, in {@code outbox_lane}), and a pass
 * reads the next page of its lanes' batch and acknowledges it with one {@code UPDATE} of their cursors, fenced by
 * their epochs. Published rows are never written. Only failures write rows: a failed row, a row held behind an earlier
 * failure of its aggregate, or a row waiting for its topic moves to the retry set ({@code status = 'retrying'}), and
 * each pass also sends the due runs of the retry set (per aggregate, its lowest version there and the ones after it),
 * in at most half its page.
 *
 * <p>A batch is the lanes' rows whose transaction committed after the cursor's snapshot and by a newer one, as PgQ
 * reads a batch ({@code pgq.batch_event_sql}): exact under any commit order, and a long transaction loses nothing,
 * because its rows come with the first snapshot that sees it committed. Within a batch rows go in id order, in pages
 * of the batch size. Writers insert an aggregate's version n+1 after version n committed (or after it in the same
 * transaction), so id order is version order per aggregate, and a version is never in an earlier batch than the one
 * before it.
 *
 * <p>Only the instance leasing a lane reads its batches, and its own passes never read the same lanes at once: a lane
 * with a page in flight is busy until the page is settled or released. Every method is one short transaction; none is
 * open while the relay waits on Kafka.
 */
final class CursorStore implements PassStore {
    /** A pass that only moves cursors (empty batches, pages whose rows were all held) goes on at most this often. */
    private static final int PAGES_PER_CLAIM = 8;
    /** A batch whose rows fill at least a quarter of its id range is read by walking ids; a sparser one by transaction. */
    private static final int DENSE_SPREAD = 4;
    private static final String RUN_ID = "run_id";
    private static final String RUN_POSITION = "run_position";

    private final DSLContext dsl;
    /** Lanes are split into this many sets, one per worker, each read and acknowledged on its own. */
    private final int workers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, Page> inFlight = new HashMap<>();
    private final Set<Integer> busyLanes = new HashSet<>();
    private final Set<Long> busyRetries = new HashSet<>();
    /**
     * How many rows each batch in progress may have (its transactions' rows, every lane), by its two snapshots, from
     * its first page (a restart counts them again).
     */
    private final Map<List<String>, Long> batchSizes = new HashMap<>();
    /** Whether each batch in progress whose ids span a rotation of the ring is dense, counted once per batch. */
    private final Map<List<String>, Boolean> denseAcrossRotation = new HashMap<>();
    private long lastClaimId;
    private int rotation;

    CursorStore(DSLContext dsl) {
        this(dsl, 1);
    }

    /**
     * A store for {@code workers} passes at once ({@code OUTBOX_WORKERS}): lane {@code l} belongs to set
     * {@code l mod workers}, and each set's lanes move together, so every worker can have a page in flight.
     */
    CursorStore(DSLContext dsl, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be positive: " + workers);
        }
        this.dsl = dsl;
        this.workers = workers;
    }

    /** A lane this instance leases, with its epoch and cursor, as a claim read them. */
    private record Lane(int lane, long epoch, LaneCursor cursor) {
    }

    /**
     * A claimed page: the lanes whose cursors it moves (with their epochs) and where to, the batch rows it read (sent
     * or held), and the retry-set rows it sends.
     */
    private record Page(String instance, Map<Integer, Long> fence, Map<Integer, Long> lanes, LaneCursor to,
                        List<Long> batchRows, List<Long> retryRows) {
        boolean movesCursor() {
            return to != null;
        }
    }

    @Override
    public Claim claimBatch(String instance, Map<Integer, Long> lanes, int limit, Instant now, Instant claimedUntil,
                            TopicRouting routing, Set<String> heldKeys) {
        if (lanes.isEmpty()) {
            return Claim.NONE;
        }
        Condition notHeld = heldKeys.isEmpty() ? DSL.noCondition()
                : routingColumn(routing).ne(DSL.all(heldKeys.toArray(String[]::new)));
        Held held = new Held(routing, heldKeys);
        lock.lock();
        try {
            Map<Integer, Long> free = new TreeMap<>(lanes);
            free.keySet().removeAll(busyLanes);
            if (free.isEmpty()) {
                return Claim.NONE;
            }
            // In flight only once the claim's transaction committed: a claim whose commit failed (a database cut)
            // must leave its lanes free, or no pass of this instance would read them again.
            Read read = dsl.transactionResult(tx -> claimIn(tx.dsl(), instance, free, limit, OutboxRows.utc(now),
                    notHeld, held));
            return read == null ? Claim.NONE : record(read.page(), read.retries(), read.send());
        } finally {
            lock.unlock();
        }
    }

    /** The routing keys whose topic is missing: their rows are held, not sent. */
    private record Held(TopicRouting routing, Set<String> keys) {
        boolean holds(OutboxRow row) {
            return !keys.isEmpty()
                    && keys.contains(routing == TopicRouting.EVENT_TYPE ? row.eventType() : row.aggregateType());
        }
    }

    /** What a claim read: the page to record as in flight, the retry rows and the batch rows it sends. */
    private record Read(Page page, List<OutboxRow> retries, List<OutboxRow> send) {
    }

    /** Reads the next page of {@code lanes} in {@code tx}; null when there is nothing to send. */
    private Read claimIn(DSLContext tx, String instance, Map<Integer, Long> lanes, int limit, OffsetDateTime at,
                          Condition notHeld, Held held) {
        List<Lane> mine = readLanes(tx, instance, lanes, at);
        if (mine.isEmpty()) {
            return null;
        }
        // Statement plans are chosen here, not left to statistics that lag a burst of inserts; transaction-local. A
        // parallel plan costs more to start (6 ms and more) than a page costs to read.
        tx.select(localSetting("jit", "off"), localSetting("max_parallel_workers_per_gather", "0")).fetch();
        Map<Integer, Long> all = mine.stream().collect(Collectors.toMap(Lane::lane, Lane::epoch, (a, b) -> a,
                TreeMap::new));
        // The retry set takes at most half a page, so new rows keep flowing while a hot aggregate drains.
        Due due = dueRetries(tx, List.copyOf(all.keySet()), Math.max(1, limit / 2), at, notHeld);
        List<OutboxRow> retries = due.rows();
        Map<Integer, Long> retryLanes = new TreeMap<>(all);
        retryLanes.keySet().retainAll(due.lanes());
        List<List<Lane>> groups = groups(mine);
        String upto = null;
        for (int tried = 0; tried < Math.min(PAGES_PER_CLAIM, groups.size() * 2); tried++) {
            List<Lane> group = groups.get(Math.floorMod(rotation + tried, groups.size()));
            LaneCursor cursor = group.get(0).cursor();
            if (!cursor.inBatch()) {
                upto = upto != null ? upto : tx.select(Routines.outboxSnapshot()).fetchSingle().value1();
                cursor = startBatch(tx, cursor, upto);
                if (cursor == null) {
                    continue;
                }
            }
            PageRead read = readPage(tx, instance, retryLanes, group, cursor, Math.max(1, limit - retries.size()),
                    held);
            if (read.send().isEmpty() && retries.isEmpty()) {
                apply(tx, read.page(), at);
                groups = groups(refresh(group, read.page().to(), mine));
                continue;
            }
            rotation++;
            return new Read(read.page(), retries, read.send());
        }
        return retries.isEmpty() ? null
                : new Read(new Page(instance, retryLanes, Map.of(), null, List.of(), List.of()), retries, List.of());
    }

    /** The lanes of {@code held} that {@code instance} still leases, with their cursors, share-locked (the fence). */
    private static List<Lane> readLanes(DSLContext tx, String instance, Map<Integer, Long> held, OffsetDateTime at) {
        return tx.select(OUTBOX_LANE.LANE, OUTBOX_LANE.EPOCH, OUTBOX_LANE.DELIVERED, OUTBOX_LANE.BATCH_UPTO,
                        OUTBOX_LANE.BATCH_AFTER, OUTBOX_LANE.BATCH_HIGH)
                .from(OUTBOX_LANE)
                .where(LaneStore.leases(instance, held))
                .and(OUTBOX_LANE.LEASE_UNTIL.gt(at))
                .orderBy(OUTBOX_LANE.LANE)
                .forShare()
                .fetch(r -> new Lane(r.value1().intValue(), r.value2(),
                        new LaneCursor(r.value3(), r.value4(), r.value5(), r.value6())));
    }

    /** A set of lanes that move together: the same worker's set, at the same cursor. */
    private record GroupKey(int set, LaneCursor cursor) {
    }

    /**
     * Lanes of the same worker's set with the same cursor, which move together; a set's groups converge when they
     * catch up to the same snapshot.
     */
    private List<List<Lane>> groups(List<Lane> lanes) {
        Map<GroupKey, List<Lane>> byCursor = new LinkedHashMap<>();
        lanes.forEach(l -> byCursor.computeIfAbsent(new GroupKey(l.lane() % workers, l.cursor()),
                c -> new ArrayList<>()).add(l));
        return new ArrayList<>(byCursor.values());
    }

    private static List<Lane> refresh(List<Lane> moved, LaneCursor to, List<Lane> mine) {
        Set<Integer> lanes = moved.stream().map(Lane::lane).collect(Collectors.toSet());
        List<Lane> refreshed = mine.stream()
                .map(l -> lanes.contains(l.lane()) ? new Lane(l.lane(), l.epoch(), to) : l).toList();
        mine.clear();
        mine.addAll(refreshed);
        return mine;
    }

    /**
     * Opens the batch from {@code cursor} to snapshot {@code upto}: the cursor at its first row, or null when the
     * batch has no row of any lane (the cursor is then moved to {@code upto} at once by the caller's next read).
     */
    private LaneCursor startBatch(DSLContext tx, LaneCursor cursor, String upto) {
        if (upto.equals(cursor.delivered())) {
            return null;
        }
        Record3<Integer, Long, Long> bounds = tx.select(DSL.count(), DSL.min(OUTBOX_EVENT.ID), DSL.max(OUTBOX_EVENT.ID))
                .from(OUTBOX_EVENT)
                .where(transactionsOf(cursor.delivered(), upto))
                .fetchSingle();
        LaneCursor opened = new LaneCursor(cursor.delivered(), upto, bounds.value2() == null ? 0 : bounds.value2() - 1,
                bounds.value3() == null ? 0 : bounds.value3());
        if (batchSizes.size() >= 1_024) {
            batchSizes.clear();
            denseAcrossRotation.clear();
        }
        batchSizes.put(batchOf(opened), bounds.value1().longValue());
        return opened;
    }

    private static List<String> batchOf(LaneCursor cursor) {
        return List.of(cursor.delivered(), cursor.upto());
    }

    /** The rows a page read: what to send, and the page (its cursor move, and every batch row it read). */
    private record PageRead(Page page, List<OutboxRow> send) {
    }

    /**
     * Reads the group's next page of its batch: up to {@code limit} rows after the cursor in id order. Rows whose
     * aggregate has rows in the retry set (or is parked), or whose topic is missing, are not sent: they are held
     * (moved to the retry set when the page is settled), so the aggregate's order holds.
     */
    private PageRead readPage(DSLContext tx, String instance, Map<Integer, Long> retryLanes, List<Lane> group,
                              LaneCursor cursor, int limit, Held held) {
        long size = batchSizes.computeIfAbsent(batchOf(cursor), c -> (long) tx.fetchCount(OUTBOX_EVENT,
                transactionsOf(cursor.delivered(), cursor.upto())));
        boolean dense = dense(tx, cursor, DENSE_SPREAD * Math.max(size, limit));
        if (dense) {
            tx.select(localSetting("enable_bitmapscan", "off"), localSetting("enable_seqscan", "off")).fetch();
        }
        List<Integer> laneIds = group.stream().map(Lane::lane).toList();
        List<OutboxRow> rows = tx.select(OutboxRows.FIELDS).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.ID.gt(cursor.after()))
                .and(OUTBOX_EVENT.ID.le(cursor.high()))
                .and(OUTBOX_EVENT.STATUS.eq(DSL.inline(PENDING)))
                .and(dense ? DSL.noCondition() : transactionsOf(cursor.delivered(), cursor.upto()))
                .and(inBatch(cursor))
                .and(inLanes(laneIds))
                .orderBy(OUTBOX_EVENT.ID)
                .limit(limit)
                .fetch(OutboxRows::toRow);
        if (dense) {
            tx.select(localSetting("enable_bitmapscan", "on"), localSetting("enable_seqscan", "on")).fetch();
        }
        boolean complete = rows.size() < limit || rows.get(rows.size() - 1).id() >= cursor.high();
        long last = rows.isEmpty() ? cursor.high() : rows.get(rows.size() - 1).id();
        LaneCursor to = cursor.readTo(last, complete);
        if (complete) {
            batchSizes.remove(batchOf(cursor));
            denseAcrossRotation.remove(batchOf(cursor));
        }
        Set<AggregateKey> blocked = blocked(tx, rows.stream().map(OutboxRow::aggregate).collect(
                Collectors.toCollection(LinkedHashSet::new)));
        Set<AggregateKey> waiting = new HashSet<>(blocked);
        List<OutboxRow> send = new ArrayList<>(rows.size());
        for (OutboxRow row : rows) {
            if (waiting.contains(row.aggregate()) || held.holds(row)) {
                waiting.add(row.aggregate());
            } else {
                send.add(row);
            }
        }
        Map<Integer, Long> epochs = group.stream().collect(Collectors.toMap(Lane::lane, Lane::epoch));
        Map<Integer, Long> fence = new TreeMap<>(retryLanes);
        fence.putAll(epochs);
        return new PageRead(new Page(instance, fence, epochs, to, ids(rows), List.of()), send);
    }

    /**
     * Whether the rows after the cursor are at most {@code enough}: then the batch is read by walking ids. Within one
     * id range of the ring their ids tell; ids jump to the next range at each rotation (V14), so across one the rows
     * are counted, once per batch and at most {@code enough + 1} of them.
     */
    private boolean dense(DSLContext tx, LaneCursor cursor, long enough) {
        if (cursor.high() - cursor.after() <= enough) {
            return true;
        }
        if ((cursor.after() + 1) >> RetentionStore.ID_RANGE_BITS == cursor.high() >> RetentionStore.ID_RANGE_BITS) {
            return false;
        }
        return denseAcrossRotation.computeIfAbsent(batchOf(cursor), b -> tx.fetchCount(DSL.selectOne()
                .from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.ID.gt(cursor.after()))
                .and(OUTBOX_EVENT.ID.le(cursor.high()))
                .limit(enough + 1)) <= enough);
    }

    /**
     * The transactions of the batch from snapshot {@code since} to {@code upto}, as an index range: those that
     * started between the two snapshots, and those that were running at {@code since}. A superset of the batch's;
     * {@code outbox_in_batch} keeps the exact ones.
     */
    private static Condition transactionsOf(String since, String upto) {
        return OUTBOX_EVENT.TX_ID.ge(Routines.outboxSnapshotXmax(DSL.val(since)))
                .and(OUTBOX_EVENT.TX_ID.lt(Routines.outboxSnapshotXmax(DSL.val(upto))))
                .or(OUTBOX_EVENT.TX_ID.eq(DSL.any(Routines.outboxSnapshotXip(DSL.val(since)))));
    }

    /**
     * The rows of the cursor's batch: a range check for the transactions certainly in it, and {@code outbox_in_batch}
     * (two snapshots parsed per row) only for the others.
     */
    private static Condition inBatch(LaneCursor cursor) {
        long[] certain = cursor.certainRange();
        return OUTBOX_EVENT.TX_ID.ge(certain[0]).and(OUTBOX_EVENT.TX_ID.lt(certain[1]))
                .or(Routines.outboxInBatch(OUTBOX_EVENT.TX_ID, DSL.val(cursor.delivered()), DSL.val(cursor.upto())));
    }

    /** Whether a row in the retry set, or a parked dead row, blocks its aggregate. */
    private static Condition blocking(OutboxEvent e) {
        return e.STATUS.in(DSL.inline(RETRYING), DSL.inline(DEAD))
                .and(e.STATUS.eq(DSL.inline(RETRYING)).or(e.PARKED.isTrue()));
    }

    /** The aggregates among {@code aggregates} with rows in the retry set or parked: their later rows wait. */
    private static Set<AggregateKey> blocked(DSLContext tx, Set<AggregateKey> aggregates) {
        if (aggregates.isEmpty() || !tx.fetchExists(OUTBOX_EVENT, blocking(OUTBOX_EVENT))) {
            return Set.of();
        }
        // Two set-returning functions in one select list run in lockstep: row i pairs the arrays' i-th elements.
        Table<?> wanted = DSL.select(
                        unnest(aggregates.stream().map(AggregateKey::type).toArray(String[]::new)),
                        unnest(aggregates.stream().map(AggregateKey::id).toArray(String[]::new)))
                .asTable("wanted", "aggregate_type", "aggregate_id");
        Field<String> type = wanted.field("aggregate_type", String.class);
        Field<String> id = wanted.field("aggregate_id", String.class);
        return new HashSet<>(tx.select(type, id).from(wanted)
                .whereExists(DSL.selectOne().from(OUTBOX_EVENT)
                        .where(OUTBOX_EVENT.AGGREGATE_TYPE.eq(type))
                        .and(OUTBOX_EVENT.AGGREGATE_ID.eq(id))
                        .and(blocking(OUTBOX_EVENT)))
                .fetch(r -> new AggregateKey(r.value1(), r.value2())));
    }

    /**
     * Up to {@code limit} rows of the retry set's due runs in {@code lanes} ({@link #dueRuns}), every aggregate's head
     * first, then the versions after them.
     */
    private Due dueRetries(DSLContext tx, List<Integer> lanes, int limit, OffsetDateTime at, Condition notHeld) {
        Field<Short> lane = Routines.outboxLaneOf(OUTBOX_EVENT.AGGREGATE_TYPE, OUTBOX_EVENT.AGGREGATE_ID).as("lane");
        List<Field<?>> fields = new ArrayList<>(OutboxRows.FIELDS);
        fields.add(lane);
        List<OutboxRow> rows = new ArrayList<>();
        Set<Integer> rowLanes = new HashSet<>();
        Table<?> runs = dueRuns(lanes, at, notHeld);
        // Heads first, then the versions after them, so a long run does not keep other aggregates' heads waiting.
        tx.select(fields).from(OUTBOX_EVENT)
                .join(runs).on(OUTBOX_EVENT.ID.eq(runs.field(RUN_ID, Long.class)))
                .orderBy(runs.field(RUN_POSITION), OUTBOX_EVENT.ID)
                .limit(limit)
                .fetch()
                .forEach(r -> {
                    rows.add(OutboxRows.toRow(r));
                    rowLanes.add(r.get(lane).intValue());
                });
        return new Due(rows, rowLanes);
    }

    /**
     * The retry set's due runs in {@code lanes}, as ({@value #RUN_ID}, {@value #RUN_POSITION}: the version's distance
     * from its head): per aggregate, its lowest version in the retry set (the head) and the versions right after it,
     * as long as each is due and its topic is not held. An aggregate goes on only from its head, so a head that is not
     * due, waits for its topic, is in flight or has a parked version before it holds the whole aggregate. A run goes in one page, in version order (in rounds, see {@link Rounds}), as a
     * batch's rows do: a hot aggregate that fell into the retry set drains pages, not a version at a time.
     */
    private Table<?> dueRuns(List<Integer> lanes, OffsetDateTime at, Condition notHeld) {
        var aggregate = DSL.partitionBy(OUTBOX_EVENT.AGGREGATE_TYPE, OUTBOX_EVENT.AGGREGATE_ID);
        var versions = aggregate.orderBy(OUTBOX_EVENT.AGGREGATE_VERSION);
        Field<Long> head = DSL.firstValue(OUTBOX_EVENT.AGGREGATE_VERSION).over(versions).as("head");
        // Consecutive versions from the head: version - rank is the same for each of them.
        Field<Long> offset = OUTBOX_EVENT.AGGREGATE_VERSION.minus(DSL.rowNumber().over(versions)).as("run_offset");
        Field<Boolean> due = DSL.boolAnd(OUTBOX_EVENT.NEXT_ATTEMPT_AT.le(at).and(notHeld))
                .over(versions.rowsBetweenUnboundedPreceding().andCurrentRow()).as("due");
        Field<Boolean> inFlight = (busyRetries.isEmpty() ? DSL.inline(false)
                : DSL.boolOr(OUTBOX_EVENT.ID.eq(DSL.any(busyRetries.toArray(Long[]::new))))
                        .over(aggregate))
                .as("in_flight");
        Table<?> retrying = DSL.select(OUTBOX_EVENT.ID, OUTBOX_EVENT.AGGREGATE_TYPE, OUTBOX_EVENT.AGGREGATE_ID,
                        OUTBOX_EVENT.AGGREGATE_VERSION, head, offset, due, inFlight)
                .from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.STATUS.in(DSL.inline(RETRYING), DSL.inline(DEAD)))
                .and(OUTBOX_EVENT.STATUS.eq(DSL.inline(RETRYING)))
                .and(inLanes(lanes))
                .asTable("retrying");
        OutboxEvent earlier = OUTBOX_EVENT.as("earlier");
        return DSL.select(retrying.field(OUTBOX_EVENT.ID).as(RUN_ID),
                        retrying.field(OUTBOX_EVENT.AGGREGATE_VERSION).minus(retrying.field(head)).as(RUN_POSITION))
                .from(retrying)
                .where(retrying.field(offset).eq(retrying.field(head).minus(1)))
                .and(retrying.field(due).isTrue())
                .and(retrying.field(inFlight).isFalse())
                .andNotExists(DSL.selectOne().from(earlier)
                        .where(earlier.AGGREGATE_TYPE.eq(retrying.field(OUTBOX_EVENT.AGGREGATE_TYPE)))
                        .and(earlier.AGGREGATE_ID.eq(retrying.field(OUTBOX_EVENT.AGGREGATE_ID)))
                        .and(earlier.AGGREGATE_VERSION.lt(retrying.field(head)))
                        .and(blocking(earlier)))
                .asTable("runs");
    }

    /** The due runs of the retry set, and their lanes (a page that sends them is fenced by those lanes too). */
    private record Due(List<OutboxRow> rows, Set<Integer> lanes) {
    }

    /** Records {@code page} as in flight and returns its claim: the retry rows first, then the batch's. */
    private Claim record(Page page, List<OutboxRow> retries, List<OutboxRow> batchRows) {
        long id = ++lastClaimId;
        Page withRetries = new Page(page.instance(), page.fence(), page.lanes(), page.to(), page.batchRows(),
                ids(retries));
        inFlight.put(id, withRetries);
        busyLanes.addAll(page.fence().keySet());
        busyRetries.addAll(withRetries.retryRows());
        List<OutboxRow> rows = new ArrayList<>(retries);
        rows.addAll(batchRows);
        return new Claim(id, rows);
    }

    private Page finish(long claim) {
        lock.lock();
        try {
            Page page = inFlight.remove(claim);
            if (page != null) {
                busyLanes.removeAll(page.fence().keySet());
                page.retryRows().forEach(busyRetries::remove);
            }
            return page;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code release} with those of {@code lanes} that have no page in flight, under this store's lock, so no page
     * starts in them meanwhile; returns them ({@link LaneLeases.Gate}).
     */
    Set<Integer> releaseIdle(Set<Integer> lanes, Consumer<Set<Integer>> release) {
        lock.lock();
        try {
            Set<Integer> idle = new TreeSet<>(lanes);
            idle.removeAll(busyLanes);
            if (!idle.isEmpty()) {
                release.accept(idle);
            }
            return idle;
        } finally {
            lock.unlock();
        }
    }

    /** How many rows this instance's passes are sending now. */
    int rowsInFlight() {
        lock.lock();
        try {
            return inFlight.values().stream().mapToInt(p -> p.batchRows().size() + p.retryRows().size()).sum();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean renewClaim(long claim, Instant claimedUntil) {
        Page page = inFlight(claim);
        return page != null && stillLeased(dsl, page);
    }

    private static boolean stillLeased(DSLContext tx, Page page) {
        return tx.select(OUTBOX_LANE.LANE).from(OUTBOX_LANE)
                .where(LaneStore.leases(page.instance(), page.fence()))
                .forShare()
                .fetch().size() == page.fence().size();
    }

    /** Releases the page: no cursor moves and nothing is written, so its rows are read again by the next pass. */
    @Override
    public boolean endClaim(long claim) {
        return finish(claim) != null;
    }

    /**
     * Settles a page: moves its lanes' cursors past it (when any of its batch rows went out, or there was no outage)
     * and writes its failures, in one transaction fenced by the lanes' epochs. The page stays in flight until that
     * transaction has committed, so no other pass of this instance reads its lanes from the cursor it is moving.
     */
    @Override
    public int settle(long claim, Settlement settlement, Instant now, boolean park) {
        Page page = inFlight(claim);
        if (page == null) {
            return 0;
        }
        try {
            return settle(page, settlement, now, park);
        } catch (Fenced e) {
            return 0;
        } finally {
            finish(claim);
        }
    }

    private Page inFlight(long claim) {
        lock.lock();
        try {
            return inFlight.get(claim);
        } finally {
            lock.unlock();
        }
    }

    /** A lane of the page was taken over: the settling transaction rolls back, changing nothing. */
    private static final class Fenced extends RuntimeException {
        Fenced() {
            super("a lane of the page was taken over", null, false, false);
        }
    }

    private int settle(Page page, Settlement settlement, Instant now, boolean park) {
        return dsl.transactionResult(tx -> {
            DSLContext fenced = tx.dsl();
            Set<Long> settled = settledIds(settlement);
            List<Long> published = settlement.published().stream().map(OutboxRow::id).toList();
            boolean batchMoved = settlement.outage() == null || page.batchRows().stream().anyMatch(settled::contains);
            fence(fenced, page, batchMoved);
            markPublished(fenced, published.stream().filter(page.retryRows()::contains).toList(), now);
            FailureStore.retry(fenced, settlement.retries(), now);
            FailureStore.dead(fenced, settlement.dead(), now, park);
            FailureStore.hold(fenced, settlement.postponed(), settlement.postponeUntil());
            if (batchMoved) {
                FailureStore.hold(fenced, page.batchRows().stream().filter(id -> !settled.contains(id)).toList(), now);
            }
            return published.size();
        });
    }

    /** The ids a settlement settles: published, retried, dead, postponed (the others of its page are released). */
    private static Set<Long> settledIds(Settlement settlement) {
        Set<Long> ids = new HashSet<>(settlement.postponed());
        settlement.retries().forEach(r -> ids.add(r.failure().row().id()));
        settlement.dead().forEach(f -> ids.add(f.row().id()));
        settlement.published().forEach(r -> ids.add(r.id()));
        return ids;
    }

    /**
     * The fence of a settlement, first in its transaction: share-locks the leases of the page's lanes (those whose
     * cursors it moves and those of its retry rows) and, when {@code move}, moves the cursors. When any of them is no
     * longer this instance's at the epoch the page was read under, it throws {@link Fenced}: the transaction rolls back
     * and nothing changes, neither the cursors nor a failed row, so no row is passed without its failure written.
     */
    private static void fence(DSLContext tx, Page page, boolean move) {
        if (!stillLeased(tx, page)) {
            throw new Fenced();
        }
        if (move && page.movesCursor() && moveCursors(tx, page) != page.lanes().size()) {
            throw new Fenced();
        }
    }

    private static int moveCursors(DSLContext tx, Page page) {
        LaneCursor to = page.to();
        return tx.update(OUTBOX_LANE)
                .set(OUTBOX_LANE.DELIVERED, to.delivered())
                .set(OUTBOX_LANE.BATCH_UPTO, to.upto())
                .set(OUTBOX_LANE.BATCH_AFTER, to.after())
                .set(OUTBOX_LANE.BATCH_HIGH, to.high())
                .where(LaneStore.leases(page.instance(), page.lanes()))
                .execute();
    }

    /**
     * Applies a page that sends nothing (an empty batch, or rows all held) inside the claim's transaction: moves the
     * cursors and moves the held rows to the retry set.
     */
    private static void apply(DSLContext tx, Page page, OffsetDateTime at) {
        moveCursors(tx, page);
        FailureStore.hold(tx, page.batchRows(), at.toInstant());
    }

    private static void markPublished(DSLContext tx, List<Long> ids, Instant now) {
        if (ids.isEmpty()) {
            return;
        }
        tx.update(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.STATUS, PUBLISHED)
                .set(OUTBOX_EVENT.PUBLISHED_AT, OutboxRows.utc(now))
                .where(OUTBOX_EVENT.ID.eq(DSL.any(ids.toArray(Long[]::new))))
                .and(OUTBOX_EVENT.STATUS.eq(RETRYING))
                .execute();
    }

    /** The rows of {@code lanes}: no condition when they are all the lanes there are. */
    static Condition inLanes(List<Integer> lanes) {
        return lanes.size() == LaneStore.LANES ? DSL.noCondition()
                : Routines.outboxLaneOf(OUTBOX_EVENT.AGGREGATE_TYPE, OUTBOX_EVENT.AGGREGATE_ID)
                        .eq(DSL.any(lanes.stream().map(Integer::shortValue).toArray(Short[]::new)));
    }

    static Field<String> routingColumn(TopicRouting routing) {
        return routing == TopicRouting.EVENT_TYPE ? OUTBOX_EVENT.EVENT_TYPE : OUTBOX_EVENT.AGGREGATE_TYPE;
    }

    private static Field<String> localSetting(String name, String value) {
        return DSL.function("set_config", String.class, DSL.inline(name), DSL.inline(value), DSL.inline(true));
    }

    private static Field<String> unnest(String[] values) {
        return DSL.function("unnest", SQLDataType.CLOB, DSL.val(values, SQLDataType.CLOB.array()));
    }

    private static List<Long> ids(List<OutboxRow> rows) {
        return rows.stream().map(OutboxRow::id).toList();
    }
}
