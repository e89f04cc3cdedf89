package io.paymentledger.consumer;

import static io.paymentledger.consumer.ConsumerTestSupport.event;
import static io.paymentledger.consumer.ConsumerTestSupport.newId;
import static io.paymentledger.consumer.ConsumerTestSupport.notifications;
import static io.paymentledger.consumer.ConsumerTestSupport.send;
import static io.paymentledger.db.jooq.Tables.CONSUMER_AGGREGATE_PROGRESS;
import static io.paymentledger.db.jooq.Tables.CONSUMER_INBOX;
import static io.paymentledger.db.jooq.Tables.CONSUMER_REJECTED_RECORD;
import static io.paymentledger.db.jooq.Tables.NOTIFICATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.jooq.impl.DSL.constraint;

import io.paymentledger.db.jooq.tables.records.ConsumerRejectedRecordRecord;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import io.paymentledger.consumer.state.PaymentProjection;
import io.paymentledger.consumer.state.PaymentState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The notification service on a real broker and database: dedup, bad input, version tracking. */
class NotificationServiceIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static TestDatabase database;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() {
        database = TestInfrastructure.get().newDatabase("notification-service");
        producer = ConsumerTestSupport.producer(TestInfrastructure.get().newKafkaNamespace("notification-producer"));
    }

    /** Each test its own topics: the consumer reads every {@code <prefix>.payment*} topic of its prefix. */
    private static KafkaNamespace topics(String label) {
        KafkaNamespace kafka = TestInfrastructure.get().newKafkaNamespace(label);
        kafka.createTopics(3, "paymentauthorized", "dlq");
        return kafka;
    }

    @AfterAll
    static void stop() {
        producer.close();
        database.close();
    }

    private static ConsumerSettings settings(KafkaNamespace kafka, String groupId) {
        return ConsumerTestSupport.settings(database, kafka, groupId, 4096);
    }

    @Test
    void fiveThousandEventsWithAQuarterDuplicatedGiveExactlyOneNotificationPerEvent() {
        KafkaNamespace kafka = topics("dedup");
        List<byte[]> values = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 3_750; i++) {
            String payment = newId();
            keys.add(payment);
            values.add(event(newId(), "PaymentAuthorized", payment, 1, 100 + i));
        }
        Random random = new Random(5);
        for (int i = 0; i < 1_250; i++) {
            int copy = random.nextInt(3_750);
            keys.add(keys.get(copy));
            values.add(values.get(copy));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        order.forEach(i -> send(producer, kafka, "paymentauthorized", keys.get(i), values.get(i)));
        producer.flush();
        ConsumerStats stats = new ConsumerStats();

        try (NotificationService service = ConsumerTestSupport.service(database, settings(kafka, "dedup"), stats)) {
            service.start();
            await().atMost(WAIT).until(() -> stats.consumed() + stats.duplicates() >= 5_000);
        }

        assertThat(notifications(database, "dedup")).isEqualTo(3_750);
        assertThat(stats.consumed()).isEqualTo(3_750);
        assertThat(stats.duplicates()).isEqualTo(1_250);
        assertThat(database.dsl().fetchCount(CONSUMER_INBOX, CONSUMER_INBOX.CONSUMER_GROUP.eq("dedup")))
                .isEqualTo(3_750);
    }

    @Test
    void badRecordsAreRejectedWithTheirReasonWhileTheRecordsAroundThemAreProcessed() {
        KafkaNamespace kafka = topics("bad-input");
        String key = newId();
        String unknownId = newId();
        send(producer, kafka, "paymentauthorized", key, event(newId(), "PaymentAuthorized", key, 1, 100));
        send(producer, kafka, "paymentauthorized", key, "{not json".getBytes(StandardCharsets.UTF_8));
        send(producer, kafka, "paymentauthorized", key, event(newId(), "PaymentAuthorized", key, 2, 100));
        send(producer, kafka, "paymentauthorized", key, "{\"event_id\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        send(producer, kafka, "paymentauthorized", key, event(unknownId, "PaymentTeleported", key, 3, 100));
        send(producer, kafka, "paymentauthorized", key, oversized(key));
        String lastValidId = newId();
        send(producer, kafka, "paymentauthorized", key, event(lastValidId, "PaymentAuthorized", key, 3, 100));
        producer.flush();
        ConsumerStats stats = new ConsumerStats();

        try (NotificationService service = ConsumerTestSupport.service(database, settings(kafka, "bad-input"), stats)) {
            service.start();
            await().atMost(WAIT).until(() -> stats.consumed() == 3
                    && database.dsl().fetchCount(CONSUMER_REJECTED_RECORD,
                    CONSUMER_REJECTED_RECORD.CONSUMER_GROUP.eq("bad-input")) == 4);
        }

        assertThat(notifications(database, "bad-input")).isEqualTo(3);
        List<ConsumerRejectedRecordRecord> rejected = database.dsl().selectFrom(CONSUMER_REJECTED_RECORD)
                .where(CONSUMER_REJECTED_RECORD.CONSUMER_GROUP.eq("bad-input"))
                .orderBy(CONSUMER_REJECTED_RECORD.KAFKA_OFFSET).fetch();
        assertThat(rejected).extracting(ConsumerRejectedRecordRecord::getReason).containsExactly("malformed_json",
                "invalid_envelope", "unknown_event_type", "oversized_record");
        assertThat(rejected.get(0).getValueExcerpt()).isEqualTo("{not json");
        assertThat(rejected.get(1).getDetail()).contains("event_type");
        assertThat(rejected.get(2).getEventId()).isEqualTo(unknownId);
        assertThat(rejected.get(2).getDetail()).isEqualTo("no schema for PaymentTeleported v1");
        assertThat(rejected.get(3).getDetail()).contains("the limit is 4096 (CONSUMER_MAX_RECORD_BYTES)");
        assertThat(rejected.get(3).getValueSizeBytes()).isGreaterThan(4096);
        assertThat(stats.rejected(Validation.RejectReason.OVERSIZED_RECORD)).isEqualTo(1);
        PaymentState state = PaymentProjection.live("bad-input").find(database.dsl(), key).orElseThrow();
        assertThat(state.eventId()).as("the rejected version 3 and version 9 never touched the state")
                .isEqualTo(lastValidId);
        assertThat(state.version()).isEqualTo(3);
    }

    private static byte[] oversized(String key) {
        String padding = "x".repeat(10_000);
        return new String(event(newId(), "PaymentAuthorized", key, 9, 1), StandardCharsets.UTF_8)
                .replace("\"currency\":\"EUR\"", "\"currency\":\"EUR\",\"note\":\"" + padding + "\"")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void outOfOrderGappedAndLateVersionsEachGiveOneNotificationAndAreFlagged() {
        KafkaNamespace kafka = topics("versions");
        String reordered = newId();
        String gapped = newId();
        for (long version : new long[] {1, 3, 2}) {
            send(producer, kafka, "paymentauthorized", reordered, event(newId(), "PaymentAuthorized", reordered,
                    version, 10));
        }
        for (long version : new long[] {1, 2, 4}) {
            send(producer, kafka, "paymentauthorized", gapped, event(newId(), "PaymentAuthorized", gapped, version, 10));
        }
        producer.flush();
        ConsumerStats stats = new ConsumerStats();

        try (NotificationService service = ConsumerTestSupport.service(database, settings(kafka, "versions"), stats)) {
            service.start();
            await().atMost(WAIT).until(() -> stats.consumed() == 6);
        }

        assertThat(stats.gaps()).isEqualTo(2);
        assertThat(stats.late()).isEqualTo(1);
        assertThat(highest("versions", reordered)).isEqualTo(3);
        assertThat(highest("versions", gapped)).isEqualTo(4);
    }

    private static long highest(String groupId, String aggregateId) {
        return database.dsl().select(CONSUMER_AGGREGATE_PROGRESS.HIGHEST_VERSION).from(CONSUMER_AGGREGATE_PROGRESS)
                .where(CONSUMER_AGGREGATE_PROGRESS.CONSUMER_GROUP.eq(groupId))
                .and(CONSUMER_AGGREGATE_PROGRESS.AGGREGATE_ID.eq(aggregateId))
                .fetchSingle(CONSUMER_AGGREGATE_PROGRESS.HIGHEST_VERSION);
    }

    @Test
    void aRecordTheDatabaseRefusesIsRejectedAloneAfterRepeatedFailuresAndTheOthersAreApplied() {
        KafkaNamespace kafka = topics("isolation");
        database.dsl().alterTable(NOTIFICATION).add(constraint("test_refuses_huge_amounts")
                .check(NOTIFICATION.MESSAGE.notContains("999999.99 EUR"))).execute();
        String poisonId = newId();
        String key = newId();
        send(producer, kafka, "paymentauthorized", key, event(newId(), "PaymentAuthorized", key, 1, 100));
        send(producer, kafka, "paymentauthorized", key, event(poisonId, "PaymentAuthorized", key, 2, 99_999_999));
        send(producer, kafka, "paymentauthorized", key, event(newId(), "PaymentAuthorized", key, 3, 100));
        producer.flush();
        ConsumerStats stats = new ConsumerStats();

        try (NotificationService service = ConsumerTestSupport.service(database, settings(kafka, "isolation"), stats)) {
            service.start();
            await().atMost(WAIT).until(() -> stats.consumed() == 2
                    && stats.rejected(Validation.RejectReason.PROCESSING_FAILED) == 1);
        } finally {
            database.dsl().alterTable(NOTIFICATION).dropConstraint("test_refuses_huge_amounts").execute();
        }

        ConsumerRejectedRecordRecord rejected = database.dsl().selectFrom(CONSUMER_REJECTED_RECORD)
                .where(CONSUMER_REJECTED_RECORD.CONSUMER_GROUP.eq("isolation")).fetchSingle();
        assertThat(rejected.getReason()).isEqualTo("processing_failed");
        assertThat(rejected.getEventId()).isEqualTo(poisonId);
        assertThat(rejected.getDetail()).contains("SQLSTATE 23514");
        assertThat(notifications(database, "isolation")).isEqualTo(2);
        assertThat(PaymentProjection.live("isolation").find(database.dsl(), key).orElseThrow().missingVersions())
                .as("the refused version 2 rolled back with its state").containsExactly(2L);
    }
}
