package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_CLAIM;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.relay.RelayTestSupport.SETTLEMENT_RULES;
import static io.paymentledger.relay.RelayTestSupport.allPublished;
import static io.paymentledger.relay.RelayTestSupport.insert;
import static io.paymentledger.relay.RelayTestSupport.newAggregateId;
import static io.paymentledger.relay.RelayTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Claims as {@code outbox_claim} rows, on the real database: a live claim keeps its rows from every other pass, ending
 * it (alone or with the published marks) releases them without an attempt, an expired claim is taken over (within a
 * takeover interval) and the pass that held it changes nothing.
 */
class OutboxClaimIT {
    private static final Duration LEASE = Duration.ofSeconds(30);

    private TestDatabase database;
    private ClaimStore store;
    private InstanceStore instances;
    private Instant now;

    @BeforeEach
    void freshDatabase() {
        database = TestInfrastructure.get().newDatabase("claims");
        store = new ClaimStore(database.dsl());
        instances = new InstanceStore(database.dsl());
        now = Instant.now().plusSeconds(1);
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void rowsOfALiveClaimAreNotClaimedAgainAndEndingItReleasesThemWithoutSpendingAnAttempt() {
        List<String> events = List.of(insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized"),
                insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized"));

        PassStore.Claim first = claim("relay-a", now);
        assertThat(eventIds(first)).containsExactlyElementsOf(events);
        assertThat(instances.claimsHeld("relay-a", now)).isEqualTo(2);
        assertThat(claim("relay-b", now).rows()).as("rows in relay-a's live claim").isEmpty();

        assertThat(store.endClaim(first.id())).isTrue();
        PassStore.Claim second = claim("relay-b", now);
        assertThat(eventIds(second)).containsExactlyElementsOf(events);
        assertThat(second.rows()).allSatisfy(row -> assertThat(row.attempts()).isZero());
        assertThat(instances.claimsHeld("relay-a", now)).isZero();
    }

    @Test
    void rowsOfAHeldTopicAreLeftOutAndTheirAggregatesLaterVersionsWaitBehindThem() {
        String heldAggregate = newAggregateId();
        String held = insert(database.dsl(), heldAggregate, 1, "PaymentDisputed");
        String behind = insert(database.dsl(), heldAggregate, 2, "PaymentAuthorized");
        String other = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");

        PassStore.Claim claim = store.claimBatch("relay-a", lanes("relay-a"), 100, now, now.plus(LEASE),
                TopicRouting.EVENT_TYPE, Set.of("PaymentDisputed"));
        assertThat(eventIds(claim)).containsExactly(other);
        store.endClaim(claim.id());

        assertThat(eventIds(store.claimBatch("relay-a", lanes("relay-a"), 100, now, now.plus(LEASE),
                TopicRouting.AGGREGATE_TYPE, Set.of("Payment"))))
                .as("aggregate-type routing leaves out by aggregate type").isEmpty();
        assertThat(eventIds(claim("relay-a", now))).as("released: claimed in version order")
                .containsExactly(held, behind, other);
    }

    @Test
    void anExpiredClaimIsTakenOverAndThePassThatHeldItChangesNothing() {
        String event = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        PassStore.Claim stale = claim("relay-a", now);

        Instant afterExpiry = now.plus(LEASE).plusSeconds(1);
        PassStore.Claim takeover = claim("relay-b", afterExpiry);
        assertThat(eventIds(takeover)).containsExactly(event);
        assertThat(database.dsl().fetchCount(OUTBOX_CLAIM, OUTBOX_CLAIM.CLAIM_ID.eq(stale.id())))
                .as("the expired claim's row").isZero();

        OutboxRow row = stale.rows().get(0);
        Exception late = new IllegalStateException("late");
        assertThat(store.settle(stale.id(), allPublished(stale.rows(), afterExpiry), afterExpiry, true)).isZero();
        assertThat(store.settle(stale.id(), Settlement.of(List.of(new PublishResult.RetryLater(row, late)),
                SETTLEMENT_RULES, afterExpiry), afterExpiry, true)).isZero();
        assertThat(store.settle(stale.id(), dead(row, late, afterExpiry), afterExpiry, true)).isZero();
        assertThat(store.renewClaim(stale.id(), afterExpiry.plus(LEASE))).isFalse();
        assertThat(store.endClaim(stale.id())).isFalse();
        assertThat(status(database.dsl(), event)).isEqualTo(OutboxStatus.PENDING);
        assertThat(database.dsl().fetchCount(OUTBOX_CLAIM, OUTBOX_CLAIM.CLAIM_ID.eq(takeover.id())))
                .as("the takeover's claim, untouched by the stale pass").isOne();
        assertThat(database.dsl().select(OUTBOX_EVENT.ATTEMPTS).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.EVENT_ID.eq(event)).fetchOne(OUTBOX_EVENT.ATTEMPTS)).isZero();

        assertThat(store.settle(takeover.id(), allPublished(takeover.rows(), afterExpiry), afterExpiry, true))
                .isEqualTo(1);
        assertThat(status(database.dsl(), event)).isEqualTo(OutboxStatus.PUBLISHED);
    }

    @Test
    void publishedMarksEndTheClaimInTheSameStatementAndReleaseItsOtherRows() {
        String published = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        String released = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        PassStore.Claim claim = claim("relay-a", now);
        List<OutboxRow> publishedRow = claim.rows().stream().filter(row -> row.eventId().equals(published)).toList();

        assertThat(store.settle(claim.id(), allPublished(publishedRow, now), now, true)).isOne();

        assertThat(status(database.dsl(), published)).isEqualTo(OutboxStatus.PUBLISHED);
        assertThat(database.dsl().fetchCount(OUTBOX_CLAIM)).as("claims left").isZero();
        assertThat(eventIds(claim("relay-b", now))).as("claimable at once").containsExactly(released);
    }

    @Test
    void anExpiredClaimIsTakenOverAtMostATakeoverIntervalAfterItExpired() {
        String event = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        claim("relay-a", now);
        Instant expiry = now.plus(LEASE);
        Instant lookedJustBeforeExpiry = expiry.minusMillis(500);
        assertThat(claim("relay-b", lookedJustBeforeExpiry).rows()).as("before expiry").isEmpty();

        Instant expiredBeforeNextLook = expiry.plusMillis(200);
        assertThat(claim("relay-b", expiredBeforeNextLook).rows()).as("within the interval since the last look")
                .isEmpty();
        Instant nextLook = lookedJustBeforeExpiry.plus(ClaimStore.TAKEOVER_INTERVAL);
        assertThat(eventIds(claim("relay-b", nextLook))).containsExactly(event);
    }

    @Test
    void theNextVersionOfAnAggregateWaitsUntilItsClaimedHeadIsSettled() {
        String aggregate = newAggregateId();
        String head = insert(database.dsl(), aggregate, 1, "PaymentAuthorized");
        PassStore.Claim first = claim("relay-a", now);
        String next = insert(database.dsl(), aggregate, 2, "PaymentCaptured");

        assertThat(claim("relay-b", now).rows()).as("version 2 while version 1 is in flight").isEmpty();

        assertThat(store.settle(first.id(), allPublished(first.rows(), now), now, true)).isEqualTo(1);
        assertThat(status(database.dsl(), head)).isEqualTo(OutboxStatus.PUBLISHED);
        assertThat(eventIds(claim("relay-b", now))).containsExactly(next);
    }

    @Test
    void withPublishedRowsDeletedEndingTheClaimDeletesThePublishedRowsAndReleasesTheOthers() {
        ClaimStore deleting = new ClaimStore(database.dsl(), ClaimStore.PublishedRows.DELETE);
        String aggregate = newAggregateId();
        String published = insert(database.dsl(), aggregate, 1, "PaymentAuthorized");
        String released = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        PassStore.Claim claim = claim(deleting, "relay-a", now);
        List<OutboxRow> publishedRow = claim.rows().stream().filter(row -> row.eventId().equals(published)).toList();

        assertThat(deleting.settle(claim.id(), allPublished(publishedRow, now), now, true)).isOne();

        assertThat(database.dsl().fetchCount(OUTBOX_EVENT, OUTBOX_EVENT.EVENT_ID.eq(published))).as("its row")
                .isZero();
        assertThat(database.dsl().fetchCount(OUTBOX_CLAIM)).as("claims left").isZero();
        String next = insert(database.dsl(), aggregate, 2, "PaymentCaptured");
        assertThat(eventIds(claim(deleting, "relay-b", now)))
                .as("the released row, and the next version after its deleted head")
                .containsExactly(released, next);
    }

    @Test
    void withPublishedRowsDeletedAPassWhoseClaimWasTakenOverDeletesNothing() {
        ClaimStore deleting = new ClaimStore(database.dsl(), ClaimStore.PublishedRows.DELETE);
        String event = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        PassStore.Claim stale = claim(deleting, "relay-a", now);
        Instant afterExpiry = now.plus(LEASE).plusSeconds(1);
        PassStore.Claim takeover = claim(deleting, "relay-b", afterExpiry);

        assertThat(deleting.settle(stale.id(), allPublished(stale.rows(), afterExpiry), afterExpiry, true)).isZero();
        assertThat(status(database.dsl(), event)).isEqualTo(OutboxStatus.PENDING);

        assertThat(deleting.settle(takeover.id(), allPublished(takeover.rows(), afterExpiry), afterExpiry, true))
                .isOne();
        assertThat(database.dsl().fetchCount(OUTBOX_EVENT, OUTBOX_EVENT.EVENT_ID.eq(event))).isZero();
    }

    private static Settlement dead(OutboxRow row, Exception error, Instant at) {
        return Settlement.of(List.of(new PublishResult.Rejected(row, error)), SETTLEMENT_RULES, at)
                .afterDeadLetters(List.of(new PublishResult.Published(row)), SETTLEMENT_RULES, at, at);
    }

    private PassStore.Claim claim(String instance, Instant at) {
        return claim(store, instance, at);
    }

    /**
     * A claim by {@code instance}, which first takes every lane: these tests are about claims, which two instances
     * sharing lanes in turn exercise (each takeover of the lanes bumps their epochs; a claim's rows stay its own).
     */
    private PassStore.Claim claim(ClaimStore claims, String instance, Instant at) {
        return claims.claimBatch(instance, lanes(instance), 100, at, at.plus(LEASE), TopicRouting.AGGREGATE_TYPE,
                Set.of());
    }

    private Map<Integer, Long> lanes(String instance) {
        return RelayTestSupport.ownAllLanes(database, instance);
    }

    private static List<String> eventIds(PassStore.Claim claim) {
        return claim.rows().stream().map(OutboxRow::eventId).toList();
    }
}
