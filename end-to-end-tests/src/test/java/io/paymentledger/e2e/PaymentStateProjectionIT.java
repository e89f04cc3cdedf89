package io.paymentledger.e2e;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT_STATE;
import static io.paymentledger.db.jooq.Tables.PAYMENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.config.CommandLines;
import io.paymentledger.config.Env;
import io.paymentledger.consumer.ConsumerMain;
import io.paymentledger.consumer.ConsumerSettings;
import io.paymentledger.consumer.ConsumerStats;
import io.paymentledger.consumer.NotificationService;
import io.paymentledger.consumer.state.PaymentProjection;
import io.paymentledger.consumer.state.PaymentState;
import io.paymentledger.consumer.state.PaymentStateJson;
import io.paymentledger.db.jooq.tables.records.PaymentRecord;
import io.paymentledger.ledger.Ledger;
import io.paymentledger.ledger.simulation.SimulationSettings;
import io.paymentledger.ledger.simulation.SimulationSummary;
import io.paymentledger.ledger.simulation.Simulator;
import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.relay.Relay;
import io.paymentledger.relay.RelayConfig;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.schemas.Json;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/**
 * The ledger simulator through the relay and the consumer, then a quarter of the events fed again in shuffled order:
 * the payment_state projection equals the ledger's own payment table field by field, the compacted state topic
 * holds the same latest state per payment, and {@code rebuild-state} finds the topics give the same projection.
 */
class PaymentStateProjectionIT {
    private static final String GROUP = "payment-state-e2e";
    private static final List<String> EVENT_TOPICS = List.of("paymentauthorized", "paymentdeclined",
            "paymentcaptured", "paymentvoided", "paymentrefunded");
    private static final Duration WAIT = Duration.ofMinutes(3);

    private static TestDatabase database;
    private static KafkaNamespace kafka;

    @BeforeAll
    static void createInfrastructure() {
        database = TestInfrastructure.get().newDatabase("payment-state-e2e");
        kafka = TestInfrastructure.get().newKafkaNamespace("payment-state-e2e");
        kafka.createTopics(3, EVENT_TOPICS.toArray(String[]::new));
        kafka.createTopics(1, "dlq");
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void theProjectionEqualsTheLedgerForEveryPaymentWhateverKafkaRepeatsOrReorders() throws Exception {
        ConsumerStats stats = new ConsumerStats();
        SimulationSummary summary;
        try (Relay relay = Relay.create(RelayConfig.fromEnv(new Env(relayEnv())), database.dataSource(),
                Clock.systemUTC());
             NotificationService consumer = new NotificationService(new ConsumerSettings(database.config(),
                     kafka.config(), GROUP), database.dataSource(), Clock.systemUTC(), stats)) {
            relay.start();
            consumer.start();
            summary = new Simulator(Ledger.postgres(database.dsl(), Clock.systemUTC(), EventSchemas.load()),
                    Clock.systemUTC()).run(new SimulationSettings(200, 2_000, 4, 0, 20261130L, "state"),
                    Duration.ofMinutes(1), progress -> { });
            int events = database.dsl().fetchCount(OUTBOX_EVENT);
            await().atMost(WAIT).until(() -> stats.consumed() == events);
            assertThat(database.dsl().fetchCount(OUTBOX_EVENT_STATE,
                    OUTBOX_EVENT_STATE.STATE.ne(OutboxStatus.PUBLISHED)))
                    .isZero();

            int refed = refeedAQuarterShuffled();
            await().atMost(WAIT).until(() -> stats.duplicates() == refed);
            assertThat(stats.consumed()).isEqualTo(events);
        }
        assertThat(summary.partiallyCaptured()).as("partial captures ran").isPositive();
        assertThat(summary.voided()).as("voids ran").isPositive();
        assertThat(summary.partialRefunds()).as("partial refunds ran").isPositive();
        assertThat(summary.declinedTotal()).as("declines ran").isPositive();
        assertThat(database.dsl().fetchCount(OUTBOX_EVENT, OUTBOX_EVENT.TRACEPARENT.isNull()))
                .as("simulate starts a trace per payment: every event carries it").isZero();
        assertThat(database.dsl().select(OUTBOX_EVENT.AGGREGATE_ID).from(OUTBOX_EVENT)
                .groupBy(OUTBOX_EVENT.AGGREGATE_ID)
                .having(DSL.countDistinct(DSL.substring(OUTBOX_EVENT.TRACEPARENT, 4, 32)).ne(1)).fetch())
                .as("one trace id per payment").isEmpty();

        List<PaymentRecord> ledger = database.dsl().selectFrom(PAYMENT).fetch();
        assertThat(ledger).hasSizeGreaterThanOrEqualTo(2_000);
        PaymentProjection projection = PaymentProjection.live(GROUP);
        Map<String, JsonNode> topic = latestStates();
        assertThat(topic).hasSameSizeAs(ledger);
        for (PaymentRecord payment : ledger) {
            PaymentState state = projection.find(database.dsl(), payment.getPaymentId()).orElseThrow();
            assertEqualsLedger(state, payment);
            assertThat(PaymentStateJson.fromJson(topic.get(payment.getPaymentId())))
                    .as("latest state record of %s", payment.getPaymentId()).isEqualTo(state);
        }

        StringWriter out = new StringWriter();
        int exitCode = CommandLines.execute(new ConsumerMain(new Env(consumerEnv())), new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true), "rebuild-state");
        assertThat(out.toString()).contains("EQUAL");
        assertThat(exitCode).isZero();
    }

    private static void assertEqualsLedger(PaymentState state, PaymentRecord payment) throws Exception {
        String id = payment.getPaymentId();
        assertThat(state.status()).as("status of %s", id).isEqualTo(payment.getStatus());
        assertThat(state.payerAccountId()).as("payer of %s", id).isEqualTo(payment.getPayerAccountId());
        assertThat(state.payeeAccountId()).as("payee of %s", id).isEqualTo(payment.getPayeeAccountId());
        assertThat(state.currency()).as("currency of %s", id).isEqualTo(payment.getCurrency());
        assertThat(state.amountMinor()).as("amount of %s", id).isEqualTo(payment.getAmountMinor());
        assertThat(state.capturedMinor()).as("captured of %s", id).isEqualTo(payment.getCapturedMinor());
        assertThat(state.refundedMinor()).as("refunded of %s", id).isEqualTo(payment.getRefundedMinor());
        assertThat(state.declineReason()).as("decline reason of %s", id).isEqualTo(payment.getDeclineReason());
        assertThat(state.metadata()).as("metadata of %s", id).isEqualTo(payment.getMetadata() == null ? null
                : Json.mapper().readTree(payment.getMetadata().data()));
        assertThat(state.version()).as("version of %s", id).isEqualTo(payment.getVersion());
        assertThat(state.missingVersions()).as("gaps of %s", id).isEmpty();
        assertThat(state.eventId()).as("event of %s", id).isEqualTo(database.dsl().select(OUTBOX_EVENT.EVENT_ID)
                .from(OUTBOX_EVENT).where(OUTBOX_EVENT.AGGREGATE_ID.eq(id))
                .and(OUTBOX_EVENT.AGGREGATE_VERSION.eq(payment.getVersion())).fetchSingle(OUTBOX_EVENT.EVENT_ID));
    }

    /** Sends a random quarter of every event topic's records again, to the same topics, in shuffled order. */
    private static int refeedAQuarterShuffled() {
        Random random = new Random(42);
        List<ProducerRecord<String, byte[]>> again = new ArrayList<>();
        int total = 0;
        for (String topic : EVENT_TOPICS) {
            for (ConsumerRecord<String, byte[]> record : kafka.readToEnd(topic, Duration.ofSeconds(60))) {
                total++;
                if (random.nextInt(4) == 0) {
                    again.add(new ProducerRecord<>(record.topic(), null, record.key(), record.value(),
                            record.headers()));
                }
            }
        }
        Collections.shuffle(again, random);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            again.forEach(producer::send);
            producer.flush();
        }
        assertThat(again.size()).as("records fed again, of %d", total).isGreaterThan(total / 5);
        return again.size();
    }

    private static Map<String, JsonNode> latestStates() throws Exception {
        Map<String, JsonNode> latest = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : kafka.readToEnd("payment-state", Duration.ofSeconds(60))) {
            latest.put(record.key(), Json.mapper().readTree(record.value()));
        }
        return latest;
    }

    private static KafkaProducer<String, byte[]> producer() {
        Map<String, Object> properties = new HashMap<>(kafka.config().clientProperties());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
    }

    private static Map<String, String> relayEnv() {
        Map<String, String> env = new HashMap<>(database.env());
        env.putAll(kafka.env());
        env.putAll(Map.of("OUTBOX_POLL_INTERVAL_SECONDS", "0.1", "OUTBOX_INSTANCE_ID", "state-e2e-relay"));
        return env;
    }

    private static Map<String, String> consumerEnv() {
        Map<String, String> env = new HashMap<>(database.env());
        env.putAll(kafka.env());
        env.put("CONSUMER_GROUP_ID", GROUP);
        return env;
    }
}
