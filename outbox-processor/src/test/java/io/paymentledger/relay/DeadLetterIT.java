package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.relay.RelayTestSupport.insert;
import static io.paymentledger.relay.RelayTestSupport.newAggregateId;
import static io.paymentledger.relay.RelayTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.config.CommandLines;
import io.paymentledger.config.Env;
import io.paymentledger.db.jooq.tables.records.OutboxEventRecord;
import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.schemas.Json;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rows that cannot be delivered end on {@code <prefix>.dlq} with the reason, become dead (not published), and
 * either let their aggregate go on (continue) or park it (park) until an operator redrives or skips them.
 */
class DeadLetterIT {
    private static final EventSchemas SCHEMAS = EventSchemas.load();
    private static TestDatabase database;
    private static KafkaNamespace kafka;

    @BeforeAll
    static void createTopics() {
        database = TestInfrastructure.get().newDatabase("dead-letters");
        kafka = TestInfrastructure.get().newKafkaNamespace("dead-letters");
        kafka.createTopics(1, "dlq", "paymentauthorized", "paymentcaptured", "payment");
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void recordTooLargeIsDeadLetteredAtOnceWithItsMetadataAndSize() throws Exception {
        String aggregate = newAggregateId();
        String eventId = insert(database.dsl(), "Payment", aggregate, 1, "PaymentAuthorized", hugePayload());
        try (Relay relay = relay("too-large", Map.of())) {
            runUntil(relay, () -> OutboxStatus.DEAD.equals(status(database.dsl(), eventId)));
        }
        OutboxEventRecord row = row(eventId);
        assertThat(row.getAttempts()).isEqualTo(1);
        assertThat(row.getLastError()).startsWith(RecordTooLargeException.class.getName());
        JsonNode letter = deadLetter(eventId);
        assertThat(letter.get("envelope").isNull()).isTrue();
        assertThat(letter.get("envelope_omitted_reason").asText()).isEqualTo("record_too_large");
        assertThat(letter.get("envelope_size_bytes").asInt()).isGreaterThan(1_100_000);
        assertThat(letter.get("error_class").asText()).isEqualTo(RecordTooLargeException.class.getName());
        assertThat(letter.get("original_topic").asText()).isEqualTo(kafka.topic("paymentauthorized"));
        assertThat(letter.get("attempts").asInt()).isEqualTo(1);
        assertThat(letter.get("relay_instance").asText()).isEqualTo("too-large");
    }

    @Test
    void invalidTopicIsDeadLetteredWithTheEnvelope() throws Exception {
        String aggregate = newAggregateId();
        String eventId = insert(database.dsl(), "Payment Order!", aggregate, 1, "PaymentAuthorized",
                RelayTestSupport.payload(aggregate));
        try (Relay relay = relay("invalid-topic", Map.of("OUTBOX_TOPIC_ROUTING", "aggregate-type"))) {
            runUntil(relay, () -> OutboxStatus.DEAD.equals(status(database.dsl(), eventId)));
        }
        JsonNode letter = deadLetter(eventId);
        assertThat(letter.get("error_class").asText()).isEqualTo(InvalidTopicException.class.getName());
        assertThat(letter.get("original_topic").asText()).isEqualTo(kafka.topic("payment order!"));
        assertThat(letter.get("envelope").get("event_id").asText()).isEqualTo(eventId);
        assertThat(letter.get("envelope").get("payload").get("payment_id").asText()).isEqualTo(aggregate);
        assertThat(row(eventId).getAttempts()).isEqualTo(1);
    }

    @Test
    void rowIsDeadLetteredWhenItReachesMaxRetries() throws Exception {
        String aggregate = newAggregateId();
        String eventId = insert(database.dsl(), aggregate, 1, "PaymentAuthorized");
        RelayConfig config = RelayTestSupport.config(database, kafka, "max-retries", Map.of("OUTBOX_MAX_RETRIES", "2"));
        deadAfterCorruptSends(config, eventId);
        OutboxEventRecord row = row(eventId);
        assertThat(row.getAttempts()).isEqualTo(2);
        assertThat(row.getFirstFailureAt()).isBefore(row.getLastFailureAt());
        JsonNode letter = deadLetter(eventId);
        assertThat(letter.get("attempts").asInt()).isEqualTo(2);
        assertThat(letter.get("error_class").asText()).isEqualTo(CorruptRecordException.class.getName());
        assertThat(letter.get("envelope").get("event_type").asText()).isEqualTo("PaymentAuthorized");
        assertThat(letter.get("first_failure_at").asText()).isNotEqualTo(letter.get("last_failure_at").asText());
    }

    @Test
    void continuePolicyLetsTheAggregatesLaterEventsFlow() throws Exception {
        String aggregate = newAggregateId();
        String dead = insert(database.dsl(), "Payment", aggregate, 1, "PaymentAuthorized", hugePayload());
        String next = insert(database.dsl(), aggregate, 2, "PaymentCaptured");
        try (Relay relay = relay("continue", Map.of("OUTBOX_DEAD_LETTER_POLICY", "continue"))) {
            runUntil(relay, () -> OutboxStatus.PUBLISHED.equals(status(database.dsl(), next)));
        }
        assertThat(status(database.dsl(), dead)).isEqualTo(OutboxStatus.DEAD);
        assertThat(row(dead).getParked()).isFalse();
        assertThat(row(dead).getDeadLetteredAt()).isBeforeOrEqualTo(row(next).getPublishedAt());
    }

    @Test
    void parkPolicyBlocksTheAggregateUntilSkippedWhileOthersFlow() throws Exception {
        String parked = newAggregateId();
        String dead = insert(database.dsl(), "Payment", parked, 1, "PaymentAuthorized", hugePayload());
        String blocked = insert(database.dsl(), parked, 2, "PaymentCaptured");
        String other = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        try (Relay relay = relay("park", Map.of("OUTBOX_DEAD_LETTER_POLICY", "park"))) {
            runUntil(relay, () -> OutboxStatus.PUBLISHED.equals(status(database.dsl(), other))
                    && OutboxStatus.DEAD.equals(status(database.dsl(), dead)));
            for (int pass = 0; pass < 3; pass++) {
                relay.runOnce();
            }
            assertThat(status(database.dsl(), blocked)).as("held behind the parked row").isEqualTo(OutboxStatus.RETRYING);
            assertThat(row(dead).getParked()).isTrue();
            assertThat(operator("status", "--json")).contains("\"parked_aggregates\":1");

            assertThat(operator("skip", dead)).contains("skipped " + dead);
            runUntil(relay, () -> OutboxStatus.PUBLISHED.equals(status(database.dsl(), blocked)));
        }
        assertThat(status(database.dsl(), dead)).isEqualTo(OutboxStatus.DEAD);
    }

    @Test
    void redriveRequeuesADeadRowWithAttemptsResetAndItIsDelivered() throws Exception {
        KafkaNamespace late = TestInfrastructure.get().newKafkaNamespace("redrive");
        late.createTopics(1, "dlq", "paymentauthorized");
        String aggregate = newAggregateId();
        String eventId = insert(database.dsl(), aggregate, 1, "PaymentAuthorized");
        Map<String, String> env = Map.of("OUTBOX_MAX_RETRIES", "1", "KAFKA_TOPIC_PREFIX", late.topicPrefix());
        RelayConfig config = RelayTestSupport.config(database, late, "redrive", env);
        deadAfterCorruptSends(config, eventId);
        assertThat(operator("dead", "list")).contains(eventId).contains("attempts 1");
        assertThat(operator("dead", "show", eventId)).contains("\"payment_id\":\"" + aggregate + "\"");

        assertThat(operator("redrive", eventId)).contains("re-queued 1 dead row(s)");
        assertThat(row(eventId).getAttempts()).isZero();
        try (Relay relay = Relay.create(config, database.dataSource(), Clock.systemUTC())) {
            runUntil(relay, () -> OutboxStatus.PUBLISHED.equals(status(database.dsl(), eventId)));
        }
        assertThat(late.readFromBeginning("paymentauthorized", 1, Duration.ofSeconds(20))).hasSize(1);
    }

    @Test
    void redriveOfARowThatIsNotDeadChangesNothingAndSaysWhy() {
        String eventId = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
        StringWriter err = new StringWriter();
        int exit = CommandLines.execute(new RelayMain(new Env(database.env())),
                new PrintWriter(new StringWriter()), new PrintWriter(err), "redrive", eventId, "01JD2Z8Q3V5W6X7Y8Z9A0B1C2D");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains(eventId + " is pending, not dead")
                .contains("01JD2Z8Q3V5W6X7Y8Z9A0B1C2D does not exist");
        assertThat(status(database.dsl(), eventId)).isEqualTo(OutboxStatus.PENDING);
    }

    /**
     * Runs passes whose sends all fail as a corrupt record (a failing sender: no real broker fails one on demand)
     * until {@code eventId} is dead; its dead letter goes to the real DLQ.
     */
    private static void deadAfterCorruptSends(RelayConfig config, String eventId) {
        try (KafkaPublisher real = KafkaPublisher.create(config, new MissingTopics(), Clock.systemUTC())) {
            OutboxRelay relay = RelayTestSupport.relayOver(database, config,
                    new RelayTestSupport.FailingSender(new CorruptRecordException("CRC mismatch"), real),
                    Clock.systemUTC());
            try {
                await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).until(() -> {
                    relay.runOnce();
                    return OutboxStatus.DEAD.equals(status(database.dsl(), eventId));
                });
            } finally {
                RelayTestSupport.releaseLanes(database, config.instanceId());
            }
        }
    }

    private static Relay relay(String instance, Map<String, String> overrides) {
        return Relay.create(RelayTestSupport.config(database, kafka, instance, overrides), database.dataSource(),
                Clock.systemUTC());
    }

    private static void runUntil(Relay relay, java.util.concurrent.Callable<Boolean> done) {
        await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).until(() -> {
            relay.runOnce();
            return done.call();
        });
    }

    private static OutboxEventRecord row(String eventId) {
        return database.dsl().selectFrom(OUTBOX_EVENT).where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).fetchOne();
    }

    /** The dead letter of {@code eventId} on the DLQ, checked against the dead-letter schema. */
    private static JsonNode deadLetter(String eventId) throws Exception {
        List<ConsumerRecord<String, byte[]>> records = kafka.readFromBeginning("dlq", 50, Duration.ofSeconds(5));
        for (ConsumerRecord<String, byte[]> record : records) {
            JsonNode letter = Json.mapper().readTree(record.value());
            if (letter.get("event_id").asText().equals(eventId)) {
                assertThat(SCHEMAS.validateDeadLetter(letter)).isEmpty();
                assertThat(record.key()).isEqualTo(letter.get("aggregate_id").asText());
                return letter;
            }
        }
        throw new AssertionError("no dead letter for " + eventId + " among " + records.size() + " DLQ records");
    }

    private static String operator(String... args) {
        return RelayTestSupport.operator(database, args);
    }

    private static String hugePayload() {
        return "{\"blob\":\"" + "x".repeat(1_200_000) + "\"}";
    }
}
