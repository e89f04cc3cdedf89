package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT_STATE;
import static io.paymentledger.relay.RelayTestSupport.insert;
import static io.paymentledger.relay.RelayTestSupport.newAggregateId;
import static io.paymentledger.relay.RelayTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymentledger.db.jooq.tables.records.OutboxEventRecord;
import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Delivery guarantees on the real database and broker: nothing skipped, per-aggregate order, no head-of-line block. */
class DeliveryIT {
    private static TestDatabase database;
    private static KafkaNamespace kafka;

    @BeforeAll
    static void createTopics() {
        database = TestInfrastructure.get().newDatabase("delivery");
        kafka = TestInfrastructure.get().newKafkaNamespace("delivery");
        kafka.createTopics(1, "dlq", "paymentauthorized");
        kafka.createTopics(3, "payment");
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void rowOfATransactionThatCommitsLateIsNotSkipped() throws Exception {
        try (Relay relay = relay("late-commit", Map.of());
             Connection lateWriter = database.dataSource().getConnection()) {
            lateWriter.setAutoCommit(false);
            String late = insert(DSL.using(lateWriter, SQLDialect.POSTGRES), newAggregateId(), 1, "PaymentAuthorized");
            String early = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
            runUntil(relay, () -> OutboxStatus.PUBLISHED.equals(status(database.dsl(), early)));
            assertThat(row(early).getId()).isGreaterThan(idOf(lateWriter, late));

            lateWriter.commit();
            runUntil(relay, () -> OutboxStatus.PUBLISHED.equals(status(database.dsl(), late)));
        }
    }

    @Test
    void anAggregateHeldForItsMissingTopicHoldsBackOnlyItsOwnLaterEventsAndOrderHolds() throws Exception {
        KafkaNamespace topics = TestInfrastructure.get().newKafkaNamespace("held-order");
        topics.createTopics(1, "dlq", "paymentauthorized");
        String retrying = newAggregateId();
        String first = insert(database.dsl(), retrying, 1, "PaymentCaptured");
        String second = insert(database.dsl(), retrying, 2, "PaymentAuthorized");
        String other = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        // One attempt allowed: had the missing topic cost the row an attempt, it would be dead at once.
        Map<String, String> env = Map.of("KAFKA_TOPIC_PREFIX", topics.topicPrefix(), "OUTBOX_MAX_RETRIES", "1",
                "OUTBOX_CLAIM_TIMEOUT_SECONDS", "4");
        try (Relay relay = relay("held-order", env)) {
            relay.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> OutboxStatus.PUBLISHED.equals(status(database.dsl(), other))
                    && relay.missingTopics().contains(topics.topic("paymentcaptured")));
            assertThat(status(database.dsl(), first)).as("waiting in the retry set").isEqualTo(OutboxStatus.RETRYING);
            assertThat(status(database.dsl(), second)).as("held behind it").isEqualTo(OutboxStatus.RETRYING);
            assertThat(row(first).getAttempts()).isZero();
            assertThat(row(second).getAttempts()).isZero();

            topics.createTopics(1, "paymentcaptured");
            await().atMost(Duration.ofSeconds(30)).until(() -> OutboxStatus.PUBLISHED.equals(status(database.dsl(), second)));
        }
        assertThat(row(first).getPublishedAt()).isBeforeOrEqualTo(row(second).getPublishedAt());
        long firstSent = topics.readFromBeginning("paymentcaptured", 1, Duration.ofSeconds(20)).get(0).timestamp();
        long secondSent = topics.readFromBeginning("paymentauthorized", 2, Duration.ofSeconds(20)).stream()
                .filter(r -> r.key().equals(retrying)).findFirst().orElseThrow().timestamp();
        assertThat(secondSent).isGreaterThanOrEqualTo(firstSent);
    }

    @Test
    void aggregateTypeRoutingDeliversEveryAggregateInVersionOrder() throws Exception {
        List<String> aggregates = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            aggregates.add(newAggregateId());
        }
        for (long version = 1; version <= 10; version++) {
            for (String aggregate : aggregates) {
                insert(database.dsl(), aggregate, version, version == 1 ? "PaymentAuthorized" : "PaymentCaptured");
            }
        }
        try (Relay relay = relay("by-aggregate", Map.of("OUTBOX_TOPIC_ROUTING", "aggregate-type"))) {
            runUntil(relay, () -> database.dsl().fetchCount(OUTBOX_EVENT_STATE, OUTBOX_EVENT_STATE.AGGREGATE_ID
                    .in(aggregates).and(OUTBOX_EVENT_STATE.STATE.eq(OutboxStatus.PUBLISHED))) == 200);
        }
        Map<String, List<Long>> versions = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : kafka.readFromBeginning("payment", 200, Duration.ofSeconds(30))) {
            versions.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(Long.parseLong(
                    new String(record.headers().lastHeader("aggregate_version").value(), StandardCharsets.UTF_8)));
        }
        assertThat(versions.keySet()).containsExactlyInAnyOrderElementsOf(aggregates);
        versions.values().forEach(v -> assertThat(v).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L));
    }

    @Test
    void withZeroRetentionEveryEventIsDeliveredInVersionOrderAndItsRowDeleted() throws Exception {
        KafkaNamespace topics = TestInfrastructure.get().newKafkaNamespace("delete-on-publish");
        topics.createTopics(1, "dlq");
        topics.createTopics(3, "payment");
        List<String> aggregates = RelayTestSupport.newAggregateIds(10);
        for (long version = 1; version <= 5; version++) {
            for (String aggregate : aggregates) {
                insert(database.dsl(), aggregate, version, version == 1 ? "PaymentAuthorized" : "PaymentCaptured");
            }
        }
        Map<String, String> env = Map.of("KAFKA_TOPIC_PREFIX", topics.topicPrefix(), "OUTBOX_RETENTION_HOURS", "0",
                "OUTBOX_TOPIC_ROUTING", "aggregate-type", "OUTBOX_BATCH_SIZE", "7");
        try (Relay relay = relay("delete-on-publish", env)) {
            relay.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> database.dsl().fetchCount(OUTBOX_EVENT,
                    OUTBOX_EVENT.AGGREGATE_ID.in(aggregates)) == 0);
        }
        Map<String, List<Long>> versions = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : topics.readFromBeginning("payment", 50, Duration.ofSeconds(30))) {
            versions.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(Long.parseLong(
                    new String(record.headers().lastHeader("aggregate_version").value(), StandardCharsets.UTF_8)));
        }
        assertThat(versions.keySet()).containsExactlyInAnyOrderElementsOf(aggregates);
        versions.values().forEach(v -> assertThat(v).containsExactly(1L, 2L, 3L, 4L, 5L));
    }

    private static Relay relay(String instance, Map<String, String> overrides) {
        return Relay.create(RelayTestSupport.config(database, kafka, instance, overrides), database.dataSource(),
                Clock.systemUTC());
    }

    private static void runUntil(Relay relay, Callable<Boolean> done) {
        await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).until(() -> {
            relay.runOnce();
            return done.call();
        });
    }

    private static OutboxEventRecord row(String eventId) {
        return database.dsl().selectFrom(OUTBOX_EVENT).where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).fetchOne();
    }

    private static long idOf(Connection connection, String eventId) {
        return DSL.using(connection, SQLDialect.POSTGRES).select(OUTBOX_EVENT.ID).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).fetchOne(OUTBOX_EVENT.ID);
    }
}
