package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.relay.RelayTestSupport.insert;
import static io.paymentledger.relay.RelayTestSupport.newAggregateId;
import static io.paymentledger.relay.RelayTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.schemas.Json;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Retention and the operators' status view, on the real database. */
class OperationsIT {
    private static TestDatabase database;
    private static KafkaNamespace kafka;

    @BeforeAll
    static void createTopics() {
        database = TestInfrastructure.get().newDatabase("operations");
        kafka = TestInfrastructure.get().newKafkaNamespace("operations");
        kafka.createTopics(1, "dlq", "paymentauthorized");
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void retentionDeletesRowsPublishedFromTheRetrySetOnlyPastTheRetention() throws Exception {
        RelayConfig config = RelayTestSupport.config(database, kafka, "retention",
                Map.of("OUTBOX_RETENTION_HOURS", "168"));
        String old = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        String recent = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        try (Relay relay = Relay.create(config, database.dataSource(), Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.runOnce() == 0
                    && OutboxStatus.PUBLISHED.equals(status(database.dsl(), recent)));
        }
        String stillPending = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        database.dsl().update(OUTBOX_EVENT).set(OUTBOX_EVENT.STATUS, OutboxStatus.PUBLISHED)
                .set(OUTBOX_EVENT.PUBLISHED_AT, OutboxRows.utc(Instant.now().minus(Duration.ofHours(169))))
                .where(OUTBOX_EVENT.EVENT_ID.eq(old)).execute();
        database.dsl().update(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.OCCURRED_AT, OutboxRows.utc(Instant.now().minus(Duration.ofHours(170))))
                .where(OUTBOX_EVENT.EVENT_ID.in(old, stillPending)).execute();

        Housekeeping housekeeping = RelayTestSupport.housekeeping(database, config);
        assertThat(housekeeping.deleteExpired()).isEqualTo(1);

        assertThat(status(database.dsl(), old)).isNull();
        assertThat(status(database.dsl(), recent)).isEqualTo(OutboxStatus.PUBLISHED);
        assertThat(status(database.dsl(), stillPending)).isEqualTo(OutboxStatus.PENDING);
    }

    @Test
    void statusReportsBacklogRetriesDeadRowsAndLiveInstances() throws Exception {
        database.dsl().deleteFrom(OUTBOX_EVENT).execute();
        insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        String retrying = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        String dead = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        database.dsl().update(OUTBOX_EVENT).set(OUTBOX_EVENT.STATUS, OutboxStatus.RETRYING)
                .set(OUTBOX_EVENT.ATTEMPTS, 2)
                .set(OUTBOX_EVENT.NEXT_ATTEMPT_AT, DSL.currentOffsetDateTime().plus(1))
                .where(OUTBOX_EVENT.EVENT_ID.eq(retrying)).execute();
        database.dsl().update(OUTBOX_EVENT).set(OUTBOX_EVENT.STATUS, OutboxStatus.DEAD).set(OUTBOX_EVENT.PARKED, true)
                .where(OUTBOX_EVENT.EVENT_ID.eq(dead)).execute();
        database.dsl().update(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.OCCURRED_AT, OutboxRows.utc(Instant.now().minus(Duration.ofMinutes(5))))
                .where(OUTBOX_EVENT.STATUS.in(OutboxStatus.PENDING, OutboxStatus.RETRYING)).execute();

        RelayConfig config = RelayTestSupport.config(database, kafka, "status-relay",
                Map.of("OUTBOX_POLL_INTERVAL_SECONDS", "3600", "OUTBOX_BATCH_SIZE", "1"));
        Housekeeping heartbeat = RelayTestSupport.housekeeping(database, config);
        heartbeat.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> statusJson().get("live_instances").size() == 1);
            JsonNode instance = statusJson().get("live_instances").get(0);
            assertThat(instance.get("instance_id").asText()).isEqualTo("status-relay");
            assertThat(instance.get("lanes")).as("the only instance holds every lane").hasSize(LaneStore.LANES);
            assertThat(operator("status")).contains("lanes 0-31").contains("lanes:              32 (free none");
        } finally {
            heartbeat.stop();
        }
        assertThat(statusJson().get("lanes")).as("released as it stopped")
                .allSatisfy(lane -> assertThat(lane.get("owner").isNull()).isTrue());
        JsonNode status = statusJson();
        assertThat(status.get("pending").asLong()).isEqualTo(2);
        assertThat(status.get("retrying").asLong()).isEqualTo(1);
        assertThat(status.get("dead").asLong()).isEqualTo(1);
        assertThat(status.get("parked_aggregates").asLong()).isEqualTo(1);
        assertThat(status.get("oldest_pending_age_seconds").asDouble()).isGreaterThanOrEqualTo(299);
        assertThat(status.get("live_instances")).isEmpty();
        assertThat(operator("status")).contains("pending:            2").contains("dead:               1");
    }

    @Test
    void statusShowsEachLanesCursorAndTheBatchInProgress() throws Exception {
        database.dsl().deleteFrom(OUTBOX_EVENT).execute();
        String first = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        Instant now = Instant.now();
        CursorStore pages = new CursorStore(database.dsl());
        Map<Integer, Long> lanes = RelayTestSupport.ownAllLanes(database, "status-relay");
        PassStore.Claim claim = pages.claimBatch("status-relay", lanes, 1, now, now.plusSeconds(10),
                TopicRouting.EVENT_TYPE, Set.of());
        pages.settle(claim.id(), RelayTestSupport.allPublished(claim.rows(), now), now, false);

        JsonNode lane = statusJson().get("lanes").get(0);

        assertThat(lane.get("delivered").asText()).as("a txid_snapshot").matches("\\d+:\\d+:[\\d,]*");
        assertThat(lane.get("batch_upto").asText()).as("one page of two read").matches("\\d+:\\d+:[\\d,]*");
        assertThat(lane.get("batch_after").asLong()).isEqualTo(database.dsl().select(OUTBOX_EVENT.ID)
                .from(OUTBOX_EVENT).where(OUTBOX_EVENT.EVENT_ID.eq(first)).fetchSingle().value1());
        assertThat(status(database.dsl(), first)).isEqualTo(OutboxStatus.PUBLISHED);
        assertThat(statusJson().get("pending").asLong()).isEqualTo(1);
        RelayTestSupport.releaseLanes(database, "status-relay");
    }

    private static JsonNode statusJson() throws Exception {
        return Json.mapper().readTree(operator("status", "--json"));
    }

    private static String operator(String... args) {
        return RelayTestSupport.operator(database, args);
    }
}
