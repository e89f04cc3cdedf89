package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.OUTBOX_LANE;
import static io.paymentledger.relay.RelayTestSupport.SETTLEMENT_RULES;
import static io.paymentledger.relay.RelayTestSupport.allPublished;
import static io.paymentledger.relay.RelayTestSupport.insert;
import static io.paymentledger.relay.RelayTestSupport.newAggregateId;
import static io.paymentledger.relay.RelayTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batches by position on the real database: a page is acknowledged by moving the lanes' cursors and writes no outbox
 * row; late commits and a transaction held open across many batches lose nothing; a big batch is read in id-ordered
 * pages; a released page and an outage move nothing; a failed row and its aggregate's later rows go to the retry set
 * and come back in version order while other aggregates go on.
 */
class CursorStoreIT {
    private static final Duration CLAIM = Duration.ofSeconds(30);
    private static final String RELAY = "relay-a";

    private TestDatabase database;
    private CursorStore store;
    private Map<Integer, Long> lanes;
    private Instant now;

    @BeforeEach
    void freshDatabase() {
        database = TestInfrastructure.get().newDatabase("cursors");
        store = new CursorStore(database.dsl());
        lanes = RelayTestSupport.ownAllLanes(database, RELAY);
        now = Instant.now().plusSeconds(1);
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void anAcknowledgedPageMovesTheCursorsAndWritesNoOutboxRow() {
        List<String> events = List.of(insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized"),
                insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized"));
        List<Long> rowVersions = rowVersions();

        PassStore.Claim page = claim(10);
        assertThat(eventIds(page)).containsExactlyElementsOf(events);
        assertThat(claim(10).rows()).as("lanes with a page in flight are busy").isEmpty();
        assertThat(store.settle(page.id(), allPublished(page.rows(), now), now, false)).isEqualTo(2);

        assertThat(events).allSatisfy(e -> assertThat(status(database.dsl(), e)).isEqualTo(OutboxStatus.PUBLISHED));
        assertThat(rowVersions()).as("the rows' xmin: never updated").isEqualTo(rowVersions);
        assertThat(claim(10).rows()).as("nothing left").isEmpty();
    }

    @Test
    void withTwoWorkersEachSetOfLanesHasAPageInFlightAtOnce() {
        CursorStore twoWorkers = new CursorStore(database.dsl(), 2);
        List<String> events = RelayTestSupport.insertMany(database.dsl(), RelayTestSupport.newAggregateIds(40), 1);

        PassStore.Claim first = twoWorkers.claimBatch(RELAY, lanes, 100, now, now.plus(CLAIM),
                TopicRouting.EVENT_TYPE, Set.of());
        PassStore.Claim second = twoWorkers.claimBatch(RELAY, lanes, 100, now, now.plus(CLAIM),
                TopicRouting.EVENT_TYPE, Set.of());

        assertThat(lanesOf(first)).as("one set of lanes").isNotEmpty().allMatch(lane -> lane % 2 == lanesOf(first)
                .get(0) % 2);
        assertThat(lanesOf(second)).as("the other set").isNotEmpty().allMatch(lane -> lane % 2 != lanesOf(first)
                .get(0) % 2);
        List<String> both = new ArrayList<>(eventIds(first));
        both.addAll(eventIds(second));
        assertThat(both).containsExactlyInAnyOrderElementsOf(events);
        assertThat(twoWorkers.claimBatch(RELAY, lanes, 100, now, now.plus(CLAIM), TopicRouting.EVENT_TYPE, Set.of())
                .rows()).as("both sets busy").isEmpty();
    }

    @Test
    void aPageSettlesItsFailuresEvenAfterAnIdleLaneOfTheInstanceWasGivenUp() {
        CursorStore twoWorkers = new CursorStore(database.dsl(), 2);
        String sent = insertInLanes(Set.of(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30));
        String released = insertInLanes(Set.of(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30));
        PassStore.Claim page = twoWorkers.claimBatch(RELAY, lanes, 100, now, now.plus(CLAIM),
                TopicRouting.EVENT_TYPE, Set.of());
        assertThat(eventIds(page)).containsExactly(sent, released);
        new LaneStore(database.dsl()).release(RELAY, List.of(1));

        Settlement halfOut = Settlement.of(List.of(new PublishResult.Published(page.rows().get(0)),
                new PublishResult.Unavailable(page.rows().get(1),
                        new org.apache.kafka.common.errors.TimeoutException("broker stopped"))), SETTLEMENT_RULES, now);
        twoWorkers.settle(page.id(), halfOut, now, false);

        assertThat(status(database.dsl(), sent)).isEqualTo(OutboxStatus.PUBLISHED);
        assertThat(status(database.dsl(), released)).as("passed by the cursor only into the retry set")
                .isEqualTo(OutboxStatus.RETRYING);
        assertThat(attempts(released)).isZero();
    }

    @Test
    void aReleasedPageAndAnOutageMoveNothingAndTheRowsAreReadAgain() {
        String event = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        PassStore.Claim released = claim(10);
        assertThat(store.endClaim(released.id())).isTrue();
        PassStore.Claim again = claim(10);
        assertThat(eventIds(again)).containsExactly(event);

        Settlement outage = Settlement.of(again.rows().stream().<PublishResult>map(r ->
                new PublishResult.Unavailable(r, new org.apache.kafka.common.errors.TimeoutException("down")))
                .toList(), SETTLEMENT_RULES, now);
        store.settle(again.id(), outage, now, false);

        assertThat(eventIds(claim(10))).as("after an outage").containsExactly(event);
        assertThat(attempts(event)).as("no attempt spent").isZero();
        assertThat(status(database.dsl(), event)).isEqualTo(OutboxStatus.PENDING);
    }

    @Test
    void aClaimWhoseCommitFailsLeavesItsLanesFreeForTheNextPass() {
        String event = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        AtomicBoolean cut = new AtomicBoolean(true);
        CursorStore flaky = new CursorStore(DSL.using(commitsFailWhile(database.dataSource(), cut),
                SQLDialect.POSTGRES));

        assertThatThrownBy(() -> flaky.claimBatch(RELAY, lanes, 10, now, now.plus(CLAIM), TopicRouting.EVENT_TYPE,
                Set.of())).as("the database was cut as the claim committed").isInstanceOf(DataAccessException.class);
        cut.set(false);

        PassStore.Claim page = flaky.claimBatch(RELAY, lanes, 10, now, now.plus(CLAIM), TopicRouting.EVENT_TYPE,
                Set.of());
        assertThat(eventIds(page)).as("the next pass reads the lanes again").containsExactly(event);
        assertThat(flaky.rowsInFlight()).isEqualTo(1);
    }

    @Test
    void aRowWhoseTransactionCommitsLateIsDeliveredInALaterBatch() throws Exception {
        try (Connection late = database.dataSource().getConnection()) {
            late.setAutoCommit(false);
            String lateEvent = insert(DSL.using(late, SQLDialect.POSTGRES), newAggregateId(), 1, "PaymentAuthorized");
            String early = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");

            assertThat(eventIds(deliver(10))).as("the committed row only").containsExactly(early);
            late.commit();

            assertThat(eventIds(deliver(10))).as("the late commit, in the next batch").containsExactly(lateEvent);
        }
    }

    @Test
    void aTransactionHeldOpenAcrossManyBatchesLosesNothingAndStallsNobody() throws Exception {
        try (Connection longOne = database.dataSource().getConnection()) {
            longOne.setAutoCommit(false);
            DSLContext open = DSL.using(longOne, SQLDialect.POSTGRES);
            String held = insert(open, newAggregateId(), 1, "PaymentAuthorized");
            List<String> delivered = new ArrayList<>();
            for (int batch = 0; batch < 20; batch++) {
                String other = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
                List<String> page = eventIds(deliver(10));
                assertThat(page).as("batch %d: the row committed since the last one", batch).containsExactly(other);
                delivered.addAll(page);
            }
            assertThat(status(database.dsl(), held)).isNull();
            longOne.commit();

            assertThat(eventIds(deliver(10))).containsExactly(held);
            assertThat(delivered).hasSize(20).doesNotHaveDuplicates();
        }
    }

    @Test
    void aBigBatchIsReadInIdOrderedPagesEachAcknowledgedByItsLastId() {
        List<String> events = RelayTestSupport.insertMany(database.dsl(), RelayTestSupport.newAggregateIds(600), 2);

        List<String> read = new ArrayList<>();
        PassStore.Claim first = claim(500);
        read.addAll(eventIds(first));
        store.settle(first.id(), allPublished(first.rows(), now), now, false);
        assertThat(cursorAfter()).as("the batch's last id read").isEqualTo(idOf(read.get(read.size() - 1)));
        while (true) {
            List<String> page = eventIds(deliver(500));
            if (page.isEmpty()) {
                break;
            }
            read.addAll(page);
        }

        assertThat(read).as("every row once, in id order").containsExactlyElementsOf(events);
        assertThat(cursorAfter()).as("between batches").isNull();
    }

    @Test
    void aBatchAcrossARotationOfTheRingIsReadInIdOrderedPagesEachRowOnce() {
        List<String> before = RelayTestSupport.insertMany(database.dsl(), RelayTestSupport.newAggregateIds(300), 1);
        assertThat(new RetentionStore(database.dsl()).rotate(now, Duration.ZERO)).as("ids jump to the next range")
                .contains((short) 1);
        List<String> after = RelayTestSupport.insertMany(database.dsl(), RelayTestSupport.newAggregateIds(300), 1);
        assertThat(idOf(after.get(0)) - idOf(before.get(before.size() - 1)))
                .isGreaterThan(1L << (RetentionStore.ID_RANGE_BITS - 1));

        List<String> read = new ArrayList<>();
        List<String> page;
        while (!(page = eventIds(deliver(100))).isEmpty()) {
            assertThat(page).hasSizeLessThanOrEqualTo(100);
            read.addAll(page);
        }

        List<String> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(read).as("every row once, in id order").containsExactlyElementsOf(all);
    }

    @Test
    void aHotAggregateInTheRetrySetDrainsAPageOfItsVersionsAtATimeHeadsFirst() {
        String hot = newAggregateId();
        String other = newAggregateId();
        String notDue = newAggregateId();
        List<String> hotVersions = versions(hot, 30);
        List<String> otherVersions = versions(other, 3);
        versions(notDue, 3);
        database.dsl().update(OUTBOX_EVENT).set(OUTBOX_EVENT.STATUS, OutboxStatus.RETRYING)
                .set(OUTBOX_EVENT.NEXT_ATTEMPT_AT, OutboxRows.utc(now.minusSeconds(1)))
                .where(OUTBOX_EVENT.AGGREGATE_ID.in(hot, other, notDue)).execute();
        database.dsl().update(OUTBOX_EVENT).set(OUTBOX_EVENT.NEXT_ATTEMPT_AT, OutboxRows.utc(now.plusSeconds(60)))
                .where(OUTBOX_EVENT.AGGREGATE_ID.eq(notDue)).and(OUTBOX_EVENT.AGGREGATE_VERSION.eq(1L)).execute();

        PassStore.Claim page = claim(100);

        List<OutboxRow> rows = page.rows();
        assertThat(rows.subList(0, 2)).as("heads first").extracting(OutboxRow::aggregateVersion)
                .containsExactly(1L, 1L);
        assertThat(rows.stream().filter(r -> r.aggregateId().equals(hot)).map(OutboxRow::eventId))
                .as("the hot aggregate's whole run, in version order").containsExactlyElementsOf(hotVersions);
        assertThat(rows.stream().filter(r -> r.aggregateId().equals(other)).map(OutboxRow::eventId))
                .containsExactlyElementsOf(otherVersions);
        assertThat(rows).as("an aggregate whose head is not due waits whole").noneMatch(r -> r.aggregateId()
                .equals(notDue));
    }

    @Test
    void whileAHotAggregateDrainsFromTheRetrySetNewRowsKeepFlowing() {
        String hot = newAggregateId();
        List<String> hotVersions = versions(hot, 30);
        database.dsl().update(OUTBOX_EVENT).set(OUTBOX_EVENT.STATUS, OutboxStatus.RETRYING)
                .set(OUTBOX_EVENT.NEXT_ATTEMPT_AT, OutboxRows.utc(now.minusSeconds(1)))
                .where(OUTBOX_EVENT.AGGREGATE_ID.eq(hot)).execute();
        List<String> fresh = RelayTestSupport.insertMany(database.dsl(), RelayTestSupport.newAggregateIds(5), 1);

        PassStore.Claim page = claim(20);

        assertThat(eventIds(page)).as("half a page of the run, then the new rows")
                .containsExactlyElementsOf(concat(hotVersions.subList(0, 10), fresh));
    }

    @Test
    void aFailedRowAndItsAggregatesLaterRowsWaitInTheRetrySetWhileOthersGoOn() {
        String aggregate = newAggregateId();
        String head = insert(database.dsl(), aggregate, 1, "PaymentAuthorized");
        String other = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        PassStore.Claim page = claim(10);
        Settlement failed = Settlement.of(List.of(
                new PublishResult.RetryLater(page.rows().get(0), new IllegalStateException("corrupt")),
                new PublishResult.Published(page.rows().get(1))), SETTLEMENT_RULES, now);
        store.settle(page.id(), failed, now, false);
        String next = insert(database.dsl(), aggregate, 2, "PaymentCaptured");

        assertThat(claim(10).rows()).as("the later version is held, the head backs off").isEmpty();
        assertThat(status(database.dsl(), other)).isEqualTo(OutboxStatus.PUBLISHED);
        assertThat(status(database.dsl(), head)).isEqualTo(OutboxStatus.RETRYING);
        assertThat(status(database.dsl(), next)).as("held behind its head").isEqualTo(OutboxStatus.RETRYING);
        assertThat(attempts(head)).isOne();
        assertThat(attempts(next)).as("no attempt spent").isZero();

        now = now.plus(Duration.ofMinutes(1));
        assertThat(eventIds(deliver(10))).as("the head, then its next version (in rounds, see Rounds)")
                .containsExactly(head, next);
        assertThat(status(database.dsl(), next)).isEqualTo(OutboxStatus.PUBLISHED);
    }

    @Test
    void rowsOfAHeldTopicWaitInTheRetrySetWithoutAnAttemptUntilItExists() {
        String aggregate = newAggregateId();
        String held = insert(database.dsl(), aggregate, 1, "PaymentRefunded");
        String behind = insert(database.dsl(), aggregate, 2, "PaymentCaptured");
        String free = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");

        PassStore.Claim page = store.claimBatch(RELAY, lanes, 10, now, now.plus(CLAIM), TopicRouting.EVENT_TYPE,
                Set.of("PaymentRefunded"));
        assertThat(eventIds(page)).containsExactly(free);
        store.settle(page.id(), allPublished(page.rows(), now), now, false);
        assertThat(status(database.dsl(), held)).isEqualTo(OutboxStatus.RETRYING);
        assertThat(store.claimBatch(RELAY, lanes, 10, now, now.plus(CLAIM), TopicRouting.EVENT_TYPE,
                Set.of("PaymentRefunded")).rows()).as("still held").isEmpty();

        assertThat(eventIds(deliver(10))).as("its topic exists: the head, then the version behind it")
                .containsExactly(held, behind);
        assertThat(attempts(held)).isZero();
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> both = new ArrayList<>(first);
        both.addAll(second);
        return both;
    }

    /** Inserts versions 1 to {@code count} of {@code aggregate}, each committed before the next; returns their ids. */
    private List<String> versions(String aggregate, int count) {
        List<String> events = new ArrayList<>();
        for (long version = 1; version <= count; version++) {
            events.add(insert(database.dsl(), aggregate, version, "PaymentAuthorized"));
        }
        return events;
    }

    /** {@code dataSource}, except that a commit fails as a cut connection's does while {@code cut} is set. */
    private static DataSource commitsFailWhile(DataSource dataSource, AtomicBoolean cut) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(dataSource, method, args);
                    if (!(result instanceof Connection connection)) {
                        return result;
                    }
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (p, m, a) -> {
                                if (m.getName().equals("commit") && cut.get()) {
                                    throw new SQLException("An I/O error occurred while sending to the backend.",
                                            "08006");
                                }
                                return invoke(connection, m, a);
                            });
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Inserts version 1 of a new aggregate whose lane is one of {@code wanted}; returns its event id. */
    private String insertInLanes(Set<Integer> wanted) {
        while (true) {
            String aggregate = newAggregateId();
            short lane = database.dsl().select(io.paymentledger.db.jooq.Routines.outboxLaneOf("Payment", aggregate))
                    .fetchSingle().value1();
            if (wanted.contains((int) lane)) {
                return insert(database.dsl(), aggregate, 1, "PaymentAuthorized");
            }
        }
    }

    private PassStore.Claim claim(int limit) {
        return store.claimBatch(RELAY, lanes, limit, now, now.plus(CLAIM), TopicRouting.EVENT_TYPE, Set.of());
    }

    /** Claims a page and settles it as all published; returns it. */
    private PassStore.Claim deliver(int limit) {
        PassStore.Claim page = claim(limit);
        if (!page.rows().isEmpty()) {
            store.settle(page.id(), allPublished(page.rows(), now), now, false);
        }
        return page;
    }

    private List<Long> rowVersions() {
        return database.dsl().select(DSL.field(DSL.name("xmin")).cast(String.class).cast(Long.class))
                .from(OUTBOX_EVENT).orderBy(OUTBOX_EVENT.ID).fetch(r -> r.value1());
    }

    private Long cursorAfter() {
        return database.dsl().select(OUTBOX_LANE.BATCH_AFTER).from(OUTBOX_LANE).where(OUTBOX_LANE.LANE.eq((short) 0))
                .fetchSingle().value1();
    }

    private long idOf(String eventId) {
        return database.dsl().select(OUTBOX_EVENT.ID).from(OUTBOX_EVENT).where(OUTBOX_EVENT.EVENT_ID.eq(eventId))
                .fetchSingle().value1();
    }

    private int attempts(String eventId) {
        return database.dsl().select(OUTBOX_EVENT.ATTEMPTS).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).fetchSingle().value1();
    }

    private List<Integer> lanesOf(PassStore.Claim claim) {
        return claim.rows().stream().map(r -> (int) database.dsl().select(io.paymentledger.db.jooq.Routines
                .outboxLaneOf(r.aggregateType(), r.aggregateId())).fetchSingle().value1()).toList();
    }

    private static List<String> eventIds(PassStore.Claim claim) {
        return claim.rows().stream().map(OutboxRow::eventId).toList();
    }
}
