package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.OUTBOX_WORK;
import static io.paymentledger.relay.RelayTestSupport.insert;
import static io.paymentledger.relay.RelayTestSupport.insertMany;
import static io.paymentledger.relay.RelayTestSupport.newAggregateId;
import static io.paymentledger.relay.RelayTestSupport.newAggregateIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The work queue {@code outbox_work} (migration V8), on the real database: its triggers keep it equal to the
 * unsettled outbox rows whoever changes them (writers, the relay, operator commands, plain SQL), and the relay's mark
 * is a heap-only update of the outbox row.
 */
class OutboxWorkQueueIT {
    private static final Duration LEASE = Duration.ofSeconds(30);

    private TestDatabase database;
    private DSLContext dsl;
    private OutboxStore store;
    private Instant now;

    @BeforeEach
    void freshDatabase() {
        database = TestInfrastructure.get().newDatabase("workqueue");
        dsl = database.dsl();
        store = new OutboxStore(dsl);
        now = Instant.now().plusSeconds(1);
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void theQueueHoldsExactlyTheUnsettledRowsWhateverChangesThem() {
        String aggregate = newAggregateId();
        String first = insert(dsl, aggregate, 1, "PaymentAuthorized");
        String second = insert(dsl, aggregate, 2, "PaymentCaptured");
        String other = insert(dsl, newAggregateId(), 1, "PaymentAuthorized");
        assertQueueIsTheUnsettledRows(3);

        OutboxStore.Claim claim = store.claimBatch("relay-a", 100, now, now.plus(LEASE), false);
        OutboxRow firstRow = row(claim, first);
        OutboxRow otherRow = row(claim, other);
        store.markPublished(claim.id(), List.of(firstRow.id()), now);
        assertQueueIsTheUnsettledRows(2);
        store.markRetry(claim.id(), List.of(new OutboxStore.Retry(failure(row(claim, second)), now)), now);
        assertQueueIsTheUnsettledRows(2);
        store.markDead(claim.id(), List.of(failure(otherRow)), now, true);
        assertQueueIsTheUnsettledRows(2);
        assertThat(queued(other)).contains("dead/parked");
        store.endClaim(claim.id());

        Operations operations = new Operations(dsl);
        operations.skip(other);
        assertThat(queued(other)).contains("dead/flowing");
        operations.redrive(List.of(other), now);
        assertThat(queued(other)).contains("pending/flowing");
        assertQueueIsTheUnsettledRows(2);

        dsl.update(OUTBOX_EVENT).set(OUTBOX_EVENT.STATUS, OutboxStore.PUBLISHED)
                .where(OUTBOX_EVENT.EVENT_ID.eq(second)).execute();
        assertThat(queued(second)).as("published by hand").isEmpty();
        dsl.update(OUTBOX_EVENT).set(OUTBOX_EVENT.STATUS, OutboxStore.PENDING)
                .where(OUTBOX_EVENT.EVENT_ID.eq(first)).execute();
        assertThat(queued(first)).as("set back to pending by hand").contains("pending/flowing");
        dsl.deleteFrom(OUTBOX_EVENT).where(OUTBOX_EVENT.EVENT_ID.eq(other)).execute();
        assertThat(queued(other)).as("deleted by hand").isEmpty();
        assertQueueIsTheUnsettledRows(1);
    }

    @Test
    void markingRowsPublishedIsAHeapOnlyUpdate() {
        insertMany(dsl, newAggregateIds(50), 2);
        OutboxStore.Claim claim = store.claimBatch("relay-a", 500, now, now.plus(LEASE), false);
        assertThat(claim.rows()).hasSize(100);

        store.markPublished(claim.id(), claim.rows().stream().map(OutboxRow::id).toList(), now);

        Table<?> stats = DSL.table(DSL.name("pg_stat_user_tables"));
        var updated = DSL.field(DSL.name("n_tup_upd"), Long.class);
        var heapOnly = DSL.field(DSL.name("n_tup_hot_upd"), Long.class);
        Record2<Long, Long> counts = await("the mark's updates in the table statistics")
                .atMost(Duration.ofSeconds(20))
                .until(() -> dsl.select(updated, heapOnly).from(stats)
                        .where(DSL.field(DSL.name("relname"), String.class).eq("outbox_event")).fetchSingle(),
                        c -> c.value1() >= 100);
        assertThat(counts.value2()).as("heap-only updates of %s", counts.value1()).isEqualTo(counts.value1());
        assertQueueIsTheUnsettledRows(0);
    }

    /** outbox_work lists exactly the outbox rows whose status is not published, with their aggregate and state. */
    private void assertQueueIsTheUnsettledRows(int expected) {
        var queue = dsl.select(OUTBOX_WORK.ID, OUTBOX_WORK.AGGREGATE_TYPE, OUTBOX_WORK.AGGREGATE_ID,
                        OUTBOX_WORK.AGGREGATE_VERSION, OUTBOX_WORK.STATUS, OUTBOX_WORK.PARKED)
                .from(OUTBOX_WORK).orderBy(OUTBOX_WORK.ID).fetch();
        var unsettled = dsl.select(OUTBOX_EVENT.ID, OUTBOX_EVENT.AGGREGATE_TYPE, OUTBOX_EVENT.AGGREGATE_ID,
                        OUTBOX_EVENT.AGGREGATE_VERSION, OUTBOX_EVENT.STATUS, OUTBOX_EVENT.PARKED)
                .from(OUTBOX_EVENT).where(OUTBOX_EVENT.STATUS.ne(OutboxStore.PUBLISHED))
                .orderBy(OUTBOX_EVENT.ID).fetch();
        assertThat(queue.intoArrays()).isDeepEqualTo(unsettled.intoArrays());
        assertThat(queue).hasSize(expected);
    }

    /** The queue entry of an event as "status/parked|flowing", if it has one. */
    private Optional<String> queued(String eventId) {
        return dsl.select(OUTBOX_WORK.STATUS, OUTBOX_WORK.PARKED).from(OUTBOX_WORK)
                .join(OUTBOX_EVENT).on(OUTBOX_EVENT.ID.eq(OUTBOX_WORK.ID))
                .where(OUTBOX_EVENT.EVENT_ID.eq(eventId))
                .fetchOptional(r -> r.value1() + "/" + (r.value2() ? "parked" : "flowing"));
    }

    private static OutboxRow row(OutboxStore.Claim claim, String eventId) {
        return claim.rows().stream().filter(r -> r.eventId().equals(eventId)).findFirst().orElseThrow();
    }

    private static Failure failure(OutboxRow row) {
        return new Failure(row, new IllegalStateException("refused by the test"));
    }
}
