package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.relay.RelayTestSupport.insert;
import static io.paymentledger.relay.RelayTestSupport.newAggregateId;
import static io.paymentledger.relay.RelayTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code redrive --all --aggregate}: only that aggregate's dead rows are re-queued, with attempts reset, and several
 * redriven rows of one aggregate reach Kafka in version order, before the later row they blocked.
 */
class RedriveIT {
    private static KafkaNamespace kafka;
    private static TestDatabase database;

    @BeforeAll
    static void createTopics() {
        kafka = TestInfrastructure.get().newKafkaNamespace("redrive");
        kafka.createTopics(1, "dlq", "payment");
    }

    @BeforeEach
    void newDatabase() {
        database = TestInfrastructure.get().newDatabase("redrive");
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void redriveAllOfOneAggregateRequeuesOnlyThatAggregatesDeadRows() {
        String aggregate = newAggregateId();
        String first = dead(insert(database.dsl(), aggregate, 1, "PaymentAuthorized"), false);
        String second = dead(insert(database.dsl(), aggregate, 2, "PaymentCaptured"), false);
        String other = dead(insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized"), false);

        assertThat(RelayTestSupport.operator(database, "redrive", "--all", "--aggregate", aggregate))
                .contains("re-queued 2 dead row(s)");

        for (String eventId : List.of(first, second)) {
            assertThat(status(database.dsl(), eventId)).as("back in the retry set").isEqualTo(OutboxStatus.RETRYING);
            assertThat(attempts(eventId)).isZero();
        }
        assertThat(status(database.dsl(), other)).isEqualTo(OutboxStatus.DEAD);
        assertThat(attempts(other)).isEqualTo(3);
    }

    @Test
    void redrivenRowsOfOneAggregateAreDeliveredInVersionOrderBeforeTheRowTheyBlocked() throws Exception {
        String aggregate = newAggregateId();
        dead(insert(database.dsl(), aggregate, 1, "PaymentAuthorized"), true);
        dead(insert(database.dsl(), aggregate, 2, "PaymentCaptured"), false);
        String blocked = insert(database.dsl(), aggregate, 3, "PaymentRefunded");
        Map<String, String> env = Map.of("OUTBOX_TOPIC_ROUTING", "aggregate-type", "OUTBOX_DEAD_LETTER_POLICY", "park");
        try (Relay relay = Relay.create(RelayTestSupport.config(database, kafka, "redrive", env),
                database.dataSource(), Clock.systemUTC())) {
            assertThat(relay.runOnce()).as("rows claimed while the parked head blocks the aggregate").isZero();

            RelayTestSupport.operator(database, "redrive", "--all", "--aggregate", aggregate);
            await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).until(() -> {
                relay.runOnce();
                return OutboxStatus.PUBLISHED.equals(status(database.dsl(), blocked));
            });
        }
        List<Long> versions = kafka.readFromBeginning("payment", 3, Duration.ofSeconds(30)).stream()
                .filter(record -> record.key().equals(aggregate)).map(RedriveIT::version).toList();
        assertThat(versions).containsExactly(1L, 2L, 3L);
    }

    /** Makes {@code eventId} a dead row with 3 attempts, as the relay leaves one, parked or not; returns it. */
    private static String dead(String eventId, boolean parked) {
        database.dsl().update(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.STATUS, OutboxStatus.DEAD)
                .set(OUTBOX_EVENT.PARKED, parked)
                .set(OUTBOX_EVENT.ATTEMPTS, 3)
                .set(OUTBOX_EVENT.LAST_ERROR, "org.apache.kafka.common.errors.CorruptRecordException: CRC mismatch")
                .set(OUTBOX_EVENT.DEAD_LETTERED_AT, OutboxRows.utc(java.time.Instant.now()))
                .where(OUTBOX_EVENT.EVENT_ID.eq(eventId))
                .execute();
        return eventId;
    }

    private static int attempts(String eventId) {
        return database.dsl().select(OUTBOX_EVENT.ATTEMPTS).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).fetchSingle(OUTBOX_EVENT.ATTEMPTS);
    }

    private static long version(ConsumerRecord<String, byte[]> record) {
        return Long.parseLong(new String(record.headers().lastHeader("aggregate_version").value(),
                StandardCharsets.UTF_8));
    }
}
