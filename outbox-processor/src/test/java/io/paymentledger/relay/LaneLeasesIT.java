package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.relay.RelayTestSupport.newAggregateId;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymentledger.db.jooq.Routines;
import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.testsupport.MutableClock;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lane leases on the real database, with instances balanced by hand on one clock the test moves: they split the
 * lanes evenly, rebalance when one joins or leaves (a lane with a page in flight only once it is settled), take over a
 * dead one's lanes and its page in flight within 10 s, and an instance that lost its lanes reads nothing more in them
 * and its settlement changes nothing.
 */
class LaneLeasesIT {
    private static final Duration CLAIM = Duration.ofSeconds(30);
    /** {@code OUTBOX_CLAIM_TIMEOUT_SECONDS}'s default. */
    private static final Duration DEFAULT_CLAIM_TIMEOUT = Duration.ofSeconds(8);

    /** A minute ahead of the database, so every row inserted is due by this clock (leases all use this clock). */
    private final MutableClock clock = new MutableClock(Instant.now().plus(Duration.ofMinutes(1)));
    /** Each instance's id, for its heartbeats. */
    private final Map<LaneLeases, String> ids = new IdentityHashMap<>();
    private TestDatabase database;
    private InstanceStore instances;
    /** Each instance's own store, as each relay process has one. */
    private final Map<String, CursorStore> stores = new HashMap<>();

    @BeforeEach
    void newDatabase() {
        database = TestInfrastructure.get().newDatabase("lanes");
        instances = new InstanceStore(database.dsl());
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void instancesSplitTheLanesEvenlyAndRebalanceWhenOneJoinsAndWhenOneLeaves() {
        LaneLeases a = instance("relay-a");
        a.balance();
        assertThat(a.held()).as("alone, it holds every lane").hasSize(32);

        LaneLeases b = instance("relay-b");
        balance(b, a, b);
        assertThat(a.held()).hasSize(16);
        assertThat(b.held()).hasSize(16);

        LaneLeases c = instance("relay-c");
        balance(c, a, b, c);
        assertThat(List.of(a.held().size(), b.held().size(), c.held().size())).containsExactlyInAnyOrder(11, 11, 10);
        assertDisjointAndComplete(a, b, c);

        c.releaseAll();
        instances.signOff("relay-c");
        balance(a, b);
        assertThat(a.held()).hasSize(16);
        assertThat(b.held()).hasSize(16);
        assertDisjointAndComplete(a, b);
    }

    @Test
    void aDeadInstancesLanesAndRowsInFlightAreTakenOverWithinTenSeconds() {
        LaneLeases a = instance("relay-a");
        LaneLeases b = instance("relay-b");
        balance(a, b, a, b);
        Map<Integer, Long> bLanes = b.held();
        String row = insertInLanes(bLanes.keySet());
        PassStore.Claim inFlight = store("relay-b").claimBatch("relay-b", bLanes, 100, clock.instant(),
                clock.instant().plus(DEFAULT_CLAIM_TIMEOUT), TopicRouting.EVENT_TYPE, Set.of());
        assertThat(eventIds(inFlight)).containsExactly(row);

        Instant died = clock.instant();
        List<String> takenOver = List.of();
        while (takenOver.isEmpty() && clock.instant().isBefore(died.plusSeconds(30))) {
            clock.advance(LaneLeases.BALANCE_INTERVAL);
            heartbeat("relay-a");
            a.balance();
            takenOver = eventIds(store("relay-a").claimBatch("relay-a", a.held(), 100, clock.instant(),
                    clock.instant().plus(CLAIM), TopicRouting.EVENT_TYPE, Set.of()));
        }

        assertThat(takenOver).as("its row in flight").containsExactly(row);
        assertThat(Duration.between(died, clock.instant())).isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(a.held()).as("every lane").hasSize(LaneStore.LANES);
    }

    @Test
    void aFencedStaleInstanceReadsNothingMoreInItsLostLanesAndItsSettlementChangesNothing() {
        LaneLeases stale = instance("relay-stale");
        stale.balance();
        Map<Integer, Long> staleLanes = stale.held();
        String first = insertInLanes(staleLanes.keySet());
        PassStore.Claim inFlight = store("relay-stale").claimBatch("relay-stale", staleLanes, 100, clock.instant(),
                clock.instant().plus(CLAIM), TopicRouting.EVENT_TYPE, Set.of());
        assertThat(eventIds(inFlight)).containsExactly(first);

        clock.advance(LaneLeases.LEASE.plusSeconds(1));
        LaneLeases taker = instance("relay-taker");
        taker.balance();
        assertThat(taker.held()).hasSize(32);
        String second = insertInLanes(staleLanes.keySet());

        assertThat(store("relay-stale").claimBatch("relay-stale", staleLanes, 100, clock.instant(),
                clock.instant().plus(CLAIM), TopicRouting.EVENT_TYPE, Set.of()).rows())
                .as("a claim with the lost leases").isEmpty();
        Settlement stalePublished = RelayTestSupport.allPublished(inFlight.rows(), clock.instant());
        assertThat(store("relay-stale").settle(inFlight.id(), stalePublished, clock.instant(), true))
                .as("the stale instance's settlement is fenced").isZero();
        PassStore.Claim goingOn = store("relay-taker").claimBatch("relay-taker", taker.held(), 100,
                clock.instant(), clock.instant().plus(CLAIM), TopicRouting.EVENT_TYPE, Set.of());
        assertThat(eventIds(goingOn)).as("the taker goes on from the cursor the stale instance never moved")
                .containsExactly(first, second);
        assertThat(RelayTestSupport.status(database.dsl(), first)).isEqualTo(OutboxStatus.PENDING);
        store("relay-taker").settle(goingOn.id(), RelayTestSupport.allPublished(goingOn.rows(), clock.instant()),
                clock.instant(), true);
        assertThat(RelayTestSupport.status(database.dsl(), first)).isEqualTo(OutboxStatus.PUBLISHED);
        assertThat(RelayTestSupport.status(database.dsl(), second)).isEqualTo(OutboxStatus.PUBLISHED);
        stale.balance();
        assertThat(stale.held()).as("after its next balance").isEmpty();
    }

    @Test
    void aRebalanceKeepsALaneWithAPageInFlightUntilThePageIsSettled() {
        LaneLeases a = instance("relay-a");
        a.gate(store("relay-a")::releaseIdle);
        a.balance();
        String row = insertInLanes(a.held().keySet());
        PassStore.Claim inFlight = store("relay-a").claimBatch("relay-a", a.held(), 100, clock.instant(),
                clock.instant().plus(CLAIM), TopicRouting.EVENT_TYPE, Set.of());
        assertThat(eventIds(inFlight)).containsExactly(row);

        LaneLeases b = instance("relay-b");
        balance(b, a, b);
        assertThat(a.held()).as("every lane has the page in flight: none is given up").hasSize(32);
        assertThat(store("relay-a").settle(inFlight.id(),
                RelayTestSupport.allPublished(inFlight.rows(), clock.instant()), clock.instant(), true)).isOne();
        balance(a, b);

        assertThat(a.held()).hasSize(16);
        assertThat(b.held()).hasSize(16);
        assertThat(RelayTestSupport.status(database.dsl(), row)).isEqualTo(OutboxStatus.PUBLISHED);
    }

    @Test
    void eachInstanceClaimsOnlyTheRowsOfItsOwnLanes() {
        LaneLeases a = instance("relay-a");
        LaneLeases b = instance("relay-b");
        balance(a, b, a, b);
        List<String> aggregates = IntStream.range(0, 200).mapToObj(i -> newAggregateId()).toList();
        List<String> written = RelayTestSupport.insertMany(database.dsl(), aggregates, 1);

        List<String> claimedByA = eventIds(store("relay-a").claimBatch("relay-a", a.held(), 500, clock.instant(),
                clock.instant().plus(CLAIM), TopicRouting.EVENT_TYPE, Set.of()));
        List<String> claimedByB = eventIds(store("relay-b").claimBatch("relay-b", b.held(), 500, clock.instant(),
                clock.instant().plus(CLAIM), TopicRouting.EVENT_TYPE, Set.of()));

        assertThat(claimedByA).isNotEmpty().allSatisfy(event -> assertThat(a.held()).containsKey(laneOf(event)));
        assertThat(claimedByB).isNotEmpty().allSatisfy(event -> assertThat(b.held()).containsKey(laneOf(event)));
        List<String> both = new ArrayList<>(claimedByA);
        both.addAll(claimedByB);
        assertThat(both).containsExactlyInAnyOrderElementsOf(written);
    }

    private LaneLeases instance(String id) {
        heartbeat(id);
        LaneLeases leases = new LaneLeases(new LaneStore(database.dsl()), id, clock, RelayListener.NONE);
        ids.put(leases, id);
        return leases;
    }

    private CursorStore store(String instance) {
        return stores.computeIfAbsent(instance, i -> new CursorStore(database.dsl()));
    }

    private void heartbeat(String id) {
        instances.heartbeat(id, clock.instant(), clock.instant(), "CLOSED", List.of());
    }

    /** Each balances in turn, after a heartbeat, a second apart (as their housekeeping does). */
    private void balance(LaneLeases... inTurn) {
        for (LaneLeases leases : inTurn) {
            clock.advance(Duration.ofMillis(100));
            for (LaneLeases any : inTurn) {
                heartbeat(instanceOf(any));
            }
            leases.balance();
        }
    }

    private String instanceOf(LaneLeases leases) {
        return ids.get(leases);
    }

    private void assertDisjointAndComplete(LaneLeases... all) {
        Set<Integer> union = new TreeSet<>();
        int total = 0;
        for (LaneLeases leases : all) {
            union.addAll(leases.held().keySet());
            total += leases.held().size();
        }
        assertThat(total).as("no lane held twice").isEqualTo(union.size());
        assertThat(union).as("every lane held").hasSize(LaneStore.LANES);
    }

    /** Inserts version 1 of a new aggregate whose lane is one of {@code lanes}; returns its event id. */
    private String insertInLanes(Set<Integer> lanes) {
        while (true) {
            String aggregate = newAggregateId();
            short lane = database.dsl().select(Routines.outboxLaneOf("Payment", aggregate)).fetchSingle().value1();
            if (lanes.contains((int) lane)) {
                return RelayTestSupport.insert(database.dsl(), aggregate, 1, "PaymentAuthorized");
            }
        }
    }

    private int laneOf(String eventId) {
        return database.dsl().select(Routines.outboxLaneOf(OUTBOX_EVENT.AGGREGATE_TYPE, OUTBOX_EVENT.AGGREGATE_ID))
                .from(OUTBOX_EVENT).where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).fetchSingle().value1();
    }

    private static List<String> eventIds(PassStore.Claim claim) {
        return claim.rows().stream().map(OutboxRow::eventId).toList();
    }
}
