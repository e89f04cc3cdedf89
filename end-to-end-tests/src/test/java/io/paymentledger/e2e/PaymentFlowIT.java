package io.paymentledger.e2e;

import static io.paymentledger.db.jooq.Tables.NOTIFICATION;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT_STATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.consumer.ConsumerMain;
import io.paymentledger.consumer.ConsumerSettings;
import io.paymentledger.consumer.ConsumptionListener;
import io.paymentledger.config.Env;
import io.paymentledger.consumer.Envelope;
import io.paymentledger.consumer.NotificationService;
import io.paymentledger.consumer.Validation;
import io.paymentledger.ledger.AuthorizationResult;
import io.paymentledger.ledger.AuthorizePayment;
import io.paymentledger.ledger.CapturePayment;
import io.paymentledger.ledger.DeclineReason;
import io.paymentledger.ledger.IdempotencyConflictException;
import io.paymentledger.ledger.Ledger;
import io.paymentledger.ledger.Money;
import io.paymentledger.ledger.OpenAccount;
import io.paymentledger.ledger.PaymentTransition;
import io.paymentledger.ledger.RefundPayment;
import io.paymentledger.outbox.OutboxEvent;
import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.outbox.OutboxWriter;
import io.paymentledger.relay.Relay;
import io.paymentledger.relay.RelayConfig;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.schemas.Json;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole path on real PostgreSQL and a real broker: ledger -> outbox row -> relay -> Kafka -> consumer. */
class PaymentFlowIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final EventSchemas SCHEMAS = EventSchemas.load();

    private static TestDatabase database;
    private static KafkaNamespace kafka;
    private static Ledger ledger;
    private static Relay relay;
    private static NotificationService consumer;
    private static final Map<String, Envelope> consumed = new ConcurrentHashMap<>();
    private static final List<Validation.Invalid> rejected = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startTheProduct() {
        database = TestInfrastructure.get().newDatabase("payment-flow");
        kafka = TestInfrastructure.get().newKafkaNamespace("payment-flow");
        kafka.createTopics(3, "paymentauthorized", "paymentdeclined", "paymentcaptured", "paymentvoided",
                "paymentrefunded", "dlq");
        ledger = Ledger.postgres(database.dsl(), Clock.systemUTC(), SCHEMAS);
        ledger.openAccount(new OpenAccount("alice", "EUR", 10_000));
        ledger.openAccount(new OpenAccount("bob", "EUR", 0));

        Map<String, String> relayEnv = new java.util.HashMap<>(database.env());
        relayEnv.putAll(kafka.env());
        relayEnv.putAll(Map.of("OUTBOX_BATCH_SIZE", "100", "OUTBOX_POLL_INTERVAL_SECONDS", "0.1",
                "OUTBOX_INSTANCE_ID", "e2e-relay"));
        relay = Relay.create(RelayConfig.fromEnv(new Env(relayEnv)), database.dataSource(), Clock.systemUTC());
        relay.start();
        consumer = new NotificationService(
                new ConsumerSettings(database.config(), kafka.config(), "sample-notification-service"),
                database.dataSource(), Clock.systemUTC(), new ConsumptionListener() {
                    @Override
                    public void processed(Envelope envelope, boolean duplicate) {
                        consumed.put(envelope.eventId(), envelope);
                    }

                    @Override
                    public void rejected(String topic, int partition, long offset, Validation.Invalid verdict) {
                        rejected.add(verdict);
                    }
                });
        consumer.start();
    }

    @AfterAll
    static void stopTheProduct() {
        consumer.close();
        relay.close();
        database.close();
    }

    @Test
    void authorizedPaymentReachesKafkaAsAValidEnvelopeAndBecomesANotification() {
        AuthorizationResult result = ledger.authorize(new AuthorizePayment("order-1", "alice", "bob",
                Money.of(1_234, "EUR"), "req-1"));
        assertThat(result).isInstanceOf(AuthorizationResult.Authorized.class);

        ConsumerRecord<String, byte[]> record = awaitRecord("paymentauthorized", result.paymentId());
        assertThat(record.topic()).isEqualTo(kafka.topicPrefix() + ".paymentauthorized");
        assertThat(record.key()).isEqualTo(result.paymentId());
        assertThat(headers(record)).containsEntry("event_id", result.eventId())
                .containsEntry("event_type", "PaymentAuthorized")
                .containsEntry("content-type", "application/json");
        JsonNode envelope = json(record);
        assertThat(SCHEMAS.validateEnvelope(envelope)).isEmpty();
        assertThat(SCHEMAS.validatePayload("PaymentAuthorized", 1, envelope.get("payload"))).isEmpty();
        assertThat(envelope.get("event_id").asText()).isEqualTo(result.eventId());
        assertThat(envelope.get("event_type").asText()).isEqualTo("PaymentAuthorized");
        assertThat(envelope.get("event_version").asInt()).isEqualTo(1);
        assertThat(envelope.get("aggregate_type").asText()).isEqualTo("Payment");
        assertThat(envelope.get("aggregate_id").asText()).isEqualTo(result.paymentId());
        assertThat(envelope.get("aggregate_version").asLong()).isEqualTo(1);
        assertThat(envelope.get("correlation_id").asText()).isEqualTo("req-1");
        assertThat(envelope.get("payload").get("amount_minor").asLong()).isEqualTo(1_234);
        assertThat(envelope.get("payload").get("currency").asText()).isEqualTo("EUR");
        assertThat(envelope.get("payload").get("payer_account_id").asText()).isEqualTo("alice");

        await().atMost(WAIT).until(() -> consumed.containsKey(result.eventId()));
        assertThat(notificationFor(result.eventId())).isEqualTo("Payment " + result.paymentId() + " authorized: 12.34 EUR");
        assertThat(outboxStatus(result.eventId())).isEqualTo(OutboxStatus.PUBLISHED);
        assertThat(ledger.balance("alice").orElseThrow().heldMinor()).isGreaterThanOrEqualTo(1_234);
    }

    @Test
    void captureAndRefundReachTheirTopicsInVersionOrderAndBecomeNotifications() {
        String payment = ledger.authorize(new AuthorizePayment("order-life", "alice", "bob", Money.of(2_000, "EUR"),
                null)).paymentId();
        PaymentTransition capture = ledger.capture(new CapturePayment("order-life-capture", payment,
                Money.of(1_500, "EUR"), null));
        PaymentTransition refund = ledger.refund(new RefundPayment("order-life-refund", payment, Money.of(500, "EUR"),
                "returned", null));

        JsonNode captured = json(awaitRecord("paymentcaptured", payment));
        JsonNode refunded = json(awaitRecord("paymentrefunded", payment));
        assertThat(captured.get("aggregate_version").asLong()).isEqualTo(2);
        assertThat(refunded.get("aggregate_version").asLong()).isEqualTo(3);
        assertThat(SCHEMAS.validatePayload("PaymentCaptured", 1, captured.get("payload"))).isEmpty();
        assertThat(SCHEMAS.validatePayload("PaymentRefunded", 1, refunded.get("payload"))).isEmpty();
        await().atMost(WAIT).until(() -> consumed.containsKey(refund.eventId()) && consumed.containsKey(capture.eventId()));
        assertThat(notificationFor(capture.eventId())).isEqualTo("Payment " + payment + " captured: 15.00 EUR");
        assertThat(notificationFor(refund.eventId())).isEqualTo("Payment " + payment + " refunded: 5.00 EUR");
    }

    @Test
    void paymentWithoutFundsIsDeclinedAndPublishedAsPaymentDeclinedWithTheReason() {
        long heldBefore = ledger.balance("alice").orElseThrow().heldMinor();
        AuthorizationResult result = ledger.authorize(new AuthorizePayment("order-too-big", "alice", "bob",
                Money.of(1_000_000, "EUR"), null));

        assertThat(result).isEqualTo(new AuthorizationResult.Declined(result.paymentId(), result.eventId(),
                DeclineReason.INSUFFICIENT_FUNDS));
        assertThat(ledger.balance("alice").orElseThrow().heldMinor()).isEqualTo(heldBefore);
        ConsumerRecord<String, byte[]> record = awaitRecord("paymentdeclined", result.paymentId());
        JsonNode envelope = json(record);
        assertThat(SCHEMAS.validateEnvelope(envelope)).isEmpty();
        assertThat(headers(record)).containsEntry("event_type", "PaymentDeclined");
        assertThat(envelope.get("correlation_id").isNull()).isTrue();
        assertThat(envelope.get("payload").get("reason").asText()).isEqualTo("insufficient_funds");
        await().atMost(WAIT).until(() -> consumed.containsKey(result.eventId()));
        assertThat(notificationFor(result.eventId())).contains("declined (insufficient_funds)");
    }

    @Test
    void retriedCommandReturnsTheFirstResultAndPublishesOneEvent() {
        AuthorizePayment command = new AuthorizePayment("order-retried", "alice", "bob", Money.of(100, "EUR"), null);
        AuthorizationResult first = ledger.authorize(command);
        AuthorizationResult retry = ledger.authorize(command);

        assertThat(retry).isEqualTo(first);
        assertThat(database.dsl().fetchCount(OUTBOX_EVENT, OUTBOX_EVENT.AGGREGATE_ID.eq(first.paymentId()))).isOne();
        assertThatThrownBy(() -> ledger.authorize(new AuthorizePayment("order-retried", "alice", "bob",
                Money.of(999, "EUR"), null)))
                .isInstanceOf(IdempotencyConflictException.class)
                .hasMessageContaining("order-retried");
        awaitRecord("paymentauthorized", first.paymentId());
        await().atMost(WAIT).until(() -> consumed.containsKey(first.eventId()));
        assertThat(kafka.readFromBeginning("paymentauthorized", Integer.MAX_VALUE, Duration.ofSeconds(3)))
                .filteredOn(record -> first.paymentId().equals(record.key()))
                .hasSize(1);
    }

    @Test
    void consumerRejectsARecordThatIsNotAnEnvelopeAndKeepsConsuming() throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(kafka.topic("paymentauthorized"), "poison",
                    "{not json".getBytes(StandardCharsets.UTF_8))).get();
        }
        await().atMost(WAIT).until(() -> rejected.stream()
                .anyMatch(verdict -> verdict.reason() == Validation.RejectReason.MALFORMED_JSON));

        AuthorizationResult after = ledger.authorize(new AuthorizePayment("order-after-poison", "alice", "bob",
                Money.of(1, "EUR"), null));
        await().atMost(WAIT).until(() -> consumed.containsKey(after.eventId()));
    }

    @Test
    void tailDlqPrintsADeadLetterTheRelayProduced() {
        String aggregate = com.github.f4b6a3.ulid.UlidCreator.getMonotonicUlid().toString();
        // Unvalidated on purpose: a 1.2 MB blob no schema allows, as a buggy writer would write it.
        String eventId = OutboxWriter.unvalidated().append(database.dsl(), OutboxEvent.of("Payment", aggregate, 1,
                "PaymentAuthorized", "{\"blob\":\"" + "x".repeat(1_200_000) + "\"}"));
        await().atMost(WAIT).until(() -> OutboxStatus.DEAD.equals(outboxStatus(eventId)));

        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int exit = io.paymentledger.config.CommandLines.execute(new ConsumerMain(new Env(kafka.env())),
                new java.io.PrintWriter(out), new java.io.PrintWriter(err), "tail-dlq", "--from-beginning");

        assertThat(exit).as("stderr: %s", err).isZero();
        assertThat(out.toString()).containsPattern("\\S+Z " + eventId + " PaymentAuthorized Payment/" + aggregate
                + " v1 attempts=\\d+ \\S*RecordTooLargeException: .+ \\(envelope omitted: record_too_large\\)");
    }

    private static ConsumerRecord<String, byte[]> awaitRecord(String topic, String key) {
        return await().atMost(WAIT).until(
                () -> kafka.readFromBeginning(topic, Integer.MAX_VALUE, Duration.ofSeconds(2)).stream()
                        .filter(record -> key.equals(record.key())).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
    }

    private static Map<String, String> headers(ConsumerRecord<String, byte[]> record) {
        Map<String, String> headers = new java.util.HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static JsonNode json(ConsumerRecord<String, byte[]> record) {
        try {
            return Json.mapper().readTree(record.value());
        } catch (java.io.IOException e) {
            throw new AssertionError("record value is not JSON", e);
        }
    }

    private static String notificationFor(String eventId) {
        return database.dsl().select(NOTIFICATION.MESSAGE).from(NOTIFICATION)
                .where(NOTIFICATION.EVENT_ID.eq(eventId)).fetchSingle(NOTIFICATION.MESSAGE);
    }

    private static String outboxStatus(String eventId) {
        return database.dsl().select(OUTBOX_EVENT_STATE.STATE).from(OUTBOX_EVENT_STATE)
                .where(OUTBOX_EVENT_STATE.EVENT_ID.eq(eventId)).fetchSingle(OUTBOX_EVENT_STATE.STATE);
    }

}
