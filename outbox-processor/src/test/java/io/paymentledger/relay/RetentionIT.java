package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.relay.RelayTestSupport.SETTLEMENT_RULES;
import static io.paymentledger.relay.RelayTestSupport.allPublished;
import static io.paymentledger.relay.RelayTestSupport.insert;
import static io.paymentledger.relay.RelayTestSupport.newAggregateId;
import static io.paymentledger.relay.RelayTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.schemas.Json;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.MutableClock;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention by partition on the real database: rows published by position live in a ring of partitions that rotates
 * every half retention; a retired partition is truncated as a whole, never before the retention and never while a row
 * in it is undelivered or still being written; the failure path's rows live apart and survive the truncation.
 */
class RetentionIT {
    private static final Duration CLAIM = Duration.ofSeconds(30);
    private static final String RELAY = "relay-a";

    private TestDatabase database;
    private KafkaNamespace kafka;
    private CursorStore store;
    private Map<Integer, Long> lanes;
    private MutableClock clock;

    @BeforeEach
    void freshDatabase() {
        database = TestInfrastructure.get().newDatabase("retention");
        kafka = TestInfrastructure.get().newKafkaNamespace("retention");
        store = new CursorStore(database.dsl());
        lanes = RelayTestSupport.ownAllLanes(database, RELAY);
        clock = new MutableClock(Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS));
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void aRetiredPartitionIsTruncatedAsAWholeOnlyOnceItRetiredBeforeTheRetention() throws Exception {
        Housekeeping housekeeping = housekeeping("168");
        String old = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        deliver();
        housekeeping.deleteExpired();
        assertThat(slotOf(old)).isZero();
        assertThat(status(database.dsl(), old)).as("the current partition is never truncated")
                .isEqualTo(OutboxStatus.PUBLISHED);

        clock.advance(Duration.ofHours(85));
        housekeeping.deleteExpired();
        String next = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        assertThat(slotOf(next)).as("after half the retention new rows go to the next partition").isEqualTo(1);
        assertThat(idOf(next)).as("ids keep increasing").isGreaterThan(idOf(old));
        JsonNode partitions = Json.mapper().readTree(RelayTestSupport.operator(database, "status", "--json"))
                .get("partitions");
        assertThat(partitions.get(0).get("retired_at").asText()).isEqualTo(clock.instant().toString());
        assertThat(partitions.get(1).get("current_since").asText()).isEqualTo(clock.instant().toString());
        assertThat(RelayTestSupport.operator(database, "status")).contains("outbox_event_r1  current since");

        clock.advance(Duration.ofHours(167));
        housekeeping.deleteExpired();
        assertThat(status(database.dsl(), old)).as("retired 167 h ago: kept").isEqualTo(OutboxStatus.PUBLISHED);

        clock.advance(Duration.ofHours(2));
        housekeeping.deleteExpired();
        assertThat(status(database.dsl(), old)).as("retired 169 h ago: truncated").isNull();
        assertThat(status(database.dsl(), next)).as("in a younger partition, undelivered")
                .isEqualTo(OutboxStatus.PENDING);
    }

    @Test
    void aRetiredPartitionIsKeptUntilEveryRowInItIsDelivered() {
        Housekeeping housekeeping = housekeeping("0");
        String waiting = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        clock.advance(RetentionStore.MIN_ROTATION_PERIOD.plusSeconds(1));
        housekeeping.deleteExpired();
        assertThat(slotOf(insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized"))).isEqualTo(1);

        housekeeping.deleteExpired();
        assertThat(status(database.dsl(), waiting)).as("retired but undelivered").isEqualTo(OutboxStatus.PENDING);

        assertThat(eventIds(deliver())).contains(waiting);
        housekeeping.deleteExpired();
        assertThat(status(database.dsl(), waiting)).as("delivered: truncated with its partition").isNull();
    }

    @Test
    void aTransactionStillWritingToARetiredPartitionHoldsItsTruncationAndItsRowIsDelivered() throws Exception {
        Housekeeping housekeeping = housekeeping("0");
        String committed = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        try (Connection writer = database.dataSource().getConnection()) {
            writer.setAutoCommit(false);
            String late = insert(DSL.using(writer, SQLDialect.POSTGRES), newAggregateId(), 1, "PaymentAuthorized");
            clock.advance(RetentionStore.MIN_ROTATION_PERIOD.plusSeconds(1));
            housekeeping.deleteExpired();
            assertThat(eventIds(deliver())).containsExactly(committed);

            housekeeping.deleteExpired();
            assertThat(status(database.dsl(), committed)).as("its partition has an uncommitted row: kept")
                    .isEqualTo(OutboxStatus.PUBLISHED);
            writer.commit();

            assertThat(slotOf(late)).isZero();
            assertThat(eventIds(deliver())).as("the late commit").containsExactly(late);
            housekeeping.deleteExpired();
            assertThat(status(database.dsl(), late)).as("delivered, then truncated").isNull();
            assertThat(status(database.dsl(), committed)).isNull();
        }
    }

    @Test
    void aRowInTheRetrySetSurvivesTheTruncationOfItsPartitionWithItsId() {
        Housekeeping housekeeping = housekeeping("0");
        String published = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        String failed = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        long failedId = idOf(failed);
        PassStore.Claim page = claim();
        List<PublishResult> results = page.rows().stream().<PublishResult>map(row -> row.eventId().equals(failed)
                ? new PublishResult.RetryLater(row, new IllegalStateException("broker said no"))
                : new PublishResult.Published(row)).toList();
        store.settle(page.id(), Settlement.of(results, SETTLEMENT_RULES, clock.instant()), clock.instant(), false);

        clock.advance(RetentionStore.MIN_ROTATION_PERIOD.plusSeconds(1));
        housekeeping.deleteExpired();
        housekeeping.deleteExpired();

        assertThat(status(database.dsl(), published)).as("truncated with the ring partition").isNull();
        assertThat(status(database.dsl(), failed)).isEqualTo(OutboxStatus.RETRYING);
        assertThat(idOf(failed)).as("the same row, moved out of the ring").isEqualTo(failedId);
    }

    private Housekeeping housekeeping(String retentionHours) {
        RelayConfig config = RelayTestSupport.config(database, kafka, RELAY,
                Map.of("OUTBOX_RETENTION_HOURS", retentionHours));
        return RelayTestSupport.housekeeping(database, config, clock);
    }

    private PassStore.Claim claim() {
        return store.claimBatch(RELAY, lanes, 100, clock.instant(), clock.instant().plus(CLAIM),
                TopicRouting.EVENT_TYPE, Set.of());
    }

    /** Claims a page and settles it as all published; returns it. */
    private PassStore.Claim deliver() {
        PassStore.Claim page = claim();
        if (!page.rows().isEmpty()) {
            store.settle(page.id(), allPublished(page.rows(), clock.instant()), clock.instant(), false);
        }
        return page;
    }

    private long idOf(String eventId) {
        return database.dsl().select(OUTBOX_EVENT.ID).from(OUTBOX_EVENT).where(OUTBOX_EVENT.EVENT_ID.eq(eventId))
                .fetchSingle().value1();
    }

    /** The ring slot of a row's id: ranges of 2^36 ids, range k in slot k mod 4. */
    private long slotOf(String eventId) {
        return (idOf(eventId) >> RetentionStore.ID_RANGE_BITS) % 4;
    }

    private static List<String> eventIds(PassStore.Claim claim) {
        return claim.rows().stream().map(OutboxRow::eventId).toList();
    }
}
