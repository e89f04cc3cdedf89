package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT_STATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.config.Env;
import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.schemas.Json;
import io.paymentledger.testsupport.CommandRun;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code reconcile} on a real database and broker: a window the relay delivered is clean; a row the database calls
 * published that Kafka never received, an out-of-order pair, a duplicate and a record the database does not know
 * are each found, by event id, in text and JSON, with exit code 1.
 */
class ReconcileIT {
    private static TestDatabase database;
    private static KafkaNamespace kafka;
    private static Map<String, String> env;

    @BeforeAll
    static void deliverSomeEvents() {
        database = TestInfrastructure.get().newDatabase("reconcile");
        kafka = TestInfrastructure.get().newKafkaNamespace("reconcile");
        kafka.createTopics(3, "payment", "dlq");
        env = RelayTestSupport.env(database, kafka, "reconcile-relay", Map.of("OUTBOX_TOPIC_ROUTING", "aggregate-type"));
        List<String> events = RelayTestSupport.insertMany(database.dsl(), RelayTestSupport.newAggregateIds(40), 3);
        try (Relay relay = Relay.create(RelayConfig.fromEnv(new Env(env)), database.dataSource(), Clock.systemUTC())) {
            relay.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> RelayTestSupport.countIn(database.dsl(),
                    OutboxStatus.PUBLISHED) == events.size());
        }
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void aWindowTheRelayDeliveredIsCleanAndEachInjectedFaultIsFound() throws Exception {
        CommandRun clean = reconcile("--since", "10m");
        assertThat(clean.exitCode()).as(clean.out()).isZero();
        assertThat(clean.out()).contains("120 rows published").contains("CLEAN");

        String neverSent = RelayTestSupport.insert(database.dsl(), RelayTestSupport.newAggregateIds(1).get(0), 1,
                "PaymentAuthorized");
        markPublished(neverSent);
        String aggregate = RelayTestSupport.newAggregateIds(1).get(0);
        String first = RelayTestSupport.insert(database.dsl(), "Payment", aggregate, 1, "PaymentAuthorized",
                RelayTestSupport.payload(aggregate));
        String second = RelayTestSupport.insert(database.dsl(), "Payment", aggregate, 2, "PaymentCaptured",
                RelayTestSupport.payload(aggregate));
        markPublished(first);
        markPublished(second);
        String duplicated = database.dsl().select(OUTBOX_EVENT_STATE.EVENT_ID).from(OUTBOX_EVENT_STATE)
                .where(OUTBOX_EVENT_STATE.STATE.eq(OutboxStatus.PUBLISHED)).orderBy(OUTBOX_EVENT_STATE.ID).limit(1)
                .fetchSingle(OUTBOX_EVENT_STATE.EVENT_ID);
        String duplicatedAggregate = database.dsl().select(OUTBOX_EVENT.AGGREGATE_ID).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.EVENT_ID.eq(duplicated)).fetchSingle(OUTBOX_EVENT.AGGREGATE_ID);
        String unknown = RelayTestSupport.newAggregateIds(1).get(0);
        try (KafkaProducer<String, String> producer = producer()) {
            send(producer, aggregate, second, 2);
            send(producer, aggregate, first, 1);
            send(producer, duplicatedAggregate, duplicated, 1);
            send(producer, unknown, "01JDZQ0000000000000000UNKN", 1);
            producer.flush();
        }

        CommandRun found = reconcile("--since", "10m", "--json");
        assertThat(found.exitCode()).as(found.out() + found.err()).isEqualTo(1);
        JsonNode findings = Json.mapper().readTree(found.out()).get("findings");
        assertThat(eventIds(findings, "missing_from_kafka")).containsExactly(neverSent);
        assertThat(eventIds(findings, "order_anomalies")).containsExactly(first);
        assertThat(eventIds(findings, "duplicates")).containsExactly(duplicated);
        assertThat(eventIds(findings, "unknown_to_database")).containsExactly("01JDZQ0000000000000000UNKN");
        assertThat(findings.get("missing_from_dlq").get("count").asLong()).isZero();

        CommandRun text = reconcile("--since", "10m");
        assertThat(text.exitCode()).isEqualTo(1);
        assertThat(text.out()).contains("missing_from_kafka   1").contains(neverSent).contains("FINDINGS");

        CommandRun earlier = reconcile("--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z");
        assertThat(earlier.exitCode()).as("a window with nothing in it").isZero();
    }

    @Test
    void aBadWindowIsAUsageErrorNamingTheOption() {
        CommandRun both = reconcile("--since", "1h", "--from", "2026-11-30T00:00:00Z");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("either --since or --from");
        CommandRun badDuration = reconcile("--since", "an hour");
        assertThat(badDuration.exitCode()).isEqualTo(2);
        assertThat(badDuration.err()).contains("--since 'an hour' is not a duration");
    }

    private static void markPublished(String eventId) {
        database.dsl().update(OUTBOX_EVENT).set(OUTBOX_EVENT.STATUS, OutboxStatus.PUBLISHED)
                .set(OUTBOX_EVENT.PUBLISHED_AT, OffsetDateTime.now(ZoneOffset.UTC))
                .where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).execute();
    }

    private static void send(KafkaProducer<String, String> producer, String aggregateId, String eventId, long version) {
        ProducerRecord<String, String> record = new ProducerRecord<>(kafka.topic("payment"), aggregateId, "{}");
        record.headers().add("event_id", eventId.getBytes(StandardCharsets.UTF_8))
                .add("aggregate_type", "Payment".getBytes(StandardCharsets.UTF_8))
                .add("aggregate_version", Long.toString(version).getBytes(StandardCharsets.UTF_8));
        producer.send(record);
    }

    private static KafkaProducer<String, String> producer() {
        Properties properties = new Properties();
        properties.putAll(kafka.config().clientProperties());
        properties.put("acks", "all");
        return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
    }

    private static List<String> eventIds(JsonNode findings, String kind) {
        List<String> ids = new ArrayList<>();
        findings.get(kind).get("examples").forEach(example -> ids.add(example.get("event_id").asText()));
        assertThat(findings.get(kind).get("count").asLong()).as(kind).isEqualTo(ids.size());
        return ids;
    }

    private static CommandRun reconcile(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "reconcile";
        System.arraycopy(args, 0, command, 1, args.length);
        return CommandRun.execute(new RelayMain(new Env(env)), command);
    }
}
