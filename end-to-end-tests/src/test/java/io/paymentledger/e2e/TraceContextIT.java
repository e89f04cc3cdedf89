package io.paymentledger.e2e;

import static io.paymentledger.db.jooq.Tables.NOTIFICATION;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT_STATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import io.paymentledger.config.Env;
import io.paymentledger.consumer.ConsumerSettings;
import io.paymentledger.consumer.ConsumerStats;
import io.paymentledger.consumer.NotificationService;
import io.paymentledger.ledger.AuthorizePayment;
import io.paymentledger.ledger.Ledger;
import io.paymentledger.ledger.Money;
import io.paymentledger.ledger.OpenAccount;
import io.paymentledger.outbox.OutboxEvent;
import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.outbox.OutboxWriter;
import io.paymentledger.relay.Relay;
import io.paymentledger.relay.RelayConfig;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * W3C Trace Context end to end on real PostgreSQL and Kafka: the trace a caller has open around a ledger command
 * is on the outbox row, on the Kafka record's {@code traceparent}/{@code tracestate} headers, in the MDC of the
 * consumer's log line for the event and on its notification row. No OpenTelemetry SDK: the API alone carries it.
 */
class TraceContextIT {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";
    private static final String CONSUMER_LOGGER = "io.paymentledger.consumer.ConsumerWorker";

    private static TestDatabase database;
    private static KafkaNamespace kafka;
    private static Ledger ledger;
    private static Relay relay;
    private static NotificationService consumer;
    private static final ListAppender<ILoggingEvent> consumerLog = new ListAppender<>();

    @BeforeAll
    static void startTheProduct() {
        database = TestInfrastructure.get().newDatabase("trace-context");
        kafka = TestInfrastructure.get().newKafkaNamespace("trace-context");
        kafka.createTopics(1, "paymentauthorized", "dlq");
        ledger = Ledger.postgres(database.dsl(), Clock.systemUTC(), EventSchemas.load());
        ledger.openAccount(new OpenAccount("alice", "EUR", 100_000));
        ledger.openAccount(new OpenAccount("bob", "EUR", 0));
        Logger logger = (Logger) LoggerFactory.getLogger(CONSUMER_LOGGER);
        logger.setLevel(Level.DEBUG);
        consumerLog.start();
        logger.addAppender(consumerLog);

        Map<String, String> env = new HashMap<>(database.env());
        env.putAll(kafka.env());
        env.putAll(Map.of("OUTBOX_POLL_INTERVAL_SECONDS", "0.1", "OUTBOX_INSTANCE_ID", "trace-relay",
                "CONSUMER_GROUP_ID", "trace-consumer"));
        relay = Relay.create(RelayConfig.fromEnv(new Env(env)), database.dataSource(), Clock.systemUTC());
        relay.start();
        consumer = new NotificationService(ConsumerSettings.fromEnv(new Env(env)), database.dataSource(),
                Clock.systemUTC(), new ConsumerStats());
        consumer.start();
    }

    @AfterAll
    static void stopTheProduct() {
        ((Logger) LoggerFactory.getLogger(CONSUMER_LOGGER)).detachAppender(consumerLog);
        consumer.close();
        relay.close();
        database.close();
    }

    @Test
    void aLedgerCommandsTraceIsOnTheRecordInTheConsumersLogLineAndOnItsNotification() {
        SpanContext caller = SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(),
                TraceState.builder().put("ledger", "t1").build());
        String paymentId;
        try (Scope scope = Span.wrap(caller).makeCurrent()) {
            paymentId = ledger.authorize(new AuthorizePayment("traced-1", "alice", "bob", Money.of(500, "EUR"), null))
                    .paymentId();
        }
        String eventId = eventIdOf(paymentId);
        String traceparent = "00-" + TRACE_ID + "-" + SPAN_ID + "-01";
        assertThat(database.dsl().select(OUTBOX_EVENT.TRACEPARENT).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).fetchSingle(OUTBOX_EVENT.TRACEPARENT)).isEqualTo(traceparent);

        ConsumerRecord<String, byte[]> record = recordFor(paymentId);
        assertThat(header(record, "traceparent")).contains(traceparent);
        assertThat(header(record, "tracestate")).contains("ledger=t1");

        await().atMost(Duration.ofSeconds(60)).until(() -> notificationTraceId(eventId).isPresent());
        assertThat(notificationTraceId(eventId)).contains(TRACE_ID);
        await().atMost(Duration.ofSeconds(10)).until(() -> List.copyOf(consumerLog.list).stream().anyMatch(line ->
                TRACE_ID.equals(line.getMDCPropertyMap().get("trace_id"))
                        && eventId.equals(line.getMDCPropertyMap().get("event_id"))
                        && line.getFormattedMessage().contains(paymentId)));
    }

    @Test
    void anEventWrittenWithoutATraceHasNoTraceHeadersAndNoTraceId() {
        String paymentId = ledger.authorize(new AuthorizePayment("untraced-1", "alice", "bob", Money.of(300, "EUR"),
                null)).paymentId();
        String eventId = eventIdOf(paymentId);

        ConsumerRecord<String, byte[]> record = recordFor(paymentId);
        assertThat(header(record, "traceparent")).isEmpty();
        await().atMost(Duration.ofSeconds(60)).until(() -> database.dsl().fetchExists(NOTIFICATION,
                NOTIFICATION.EVENT_ID.eq(eventId)));
        assertThat(notificationTraceId(eventId)).isEmpty();
    }

    @Test
    void aMalformedTraceparentWrittenBySqlIsPublishedWithoutTraceHeadersNeverHeldOrDeadLettered() {
        String paymentId = com.github.f4b6a3.ulid.UlidCreator.getMonotonicUlid().toString();
        String eventId = OutboxWriter.unvalidated().append(database.dsl(), OutboxEvent.of("Payment", paymentId, 1,
                "PaymentAuthorized", "{\"payment_id\":\"" + paymentId + "\",\"payer_account_id\":\"a\","
                        + "\"payee_account_id\":\"b\",\"amount_minor\":1,\"currency\":\"EUR\"}"));
        database.dsl().update(OUTBOX_EVENT).set(OUTBOX_EVENT.TRACEPARENT, "not-a-traceparent")
                .where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).execute();

        ConsumerRecord<String, byte[]> record = recordFor(paymentId);
        assertThat(header(record, "traceparent")).isEmpty();
        assertThat(database.dsl().select(OUTBOX_EVENT_STATE.STATE).from(OUTBOX_EVENT_STATE)
                .where(OUTBOX_EVENT_STATE.EVENT_ID.eq(eventId)).fetchSingle(OUTBOX_EVENT_STATE.STATE))
                .isEqualTo(OutboxStatus.PUBLISHED);
    }

    private static String eventIdOf(String paymentId) {
        return database.dsl().select(OUTBOX_EVENT.EVENT_ID).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.AGGREGATE_ID.eq(paymentId)).fetchSingle(OUTBOX_EVENT.EVENT_ID);
    }

    private static ConsumerRecord<String, byte[]> recordFor(String paymentId) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> kafka.readToEnd("paymentauthorized",
                        Duration.ofSeconds(30)).stream().filter(r -> paymentId.equals(r.key())).findFirst(),
                Optional::isPresent).orElseThrow();
    }

    private static Optional<String> header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? Optional.empty() : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static Optional<String> notificationTraceId(String eventId) {
        return database.dsl().select(NOTIFICATION.TRACE_ID).from(NOTIFICATION).where(NOTIFICATION.EVENT_ID.eq(eventId))
                .fetchOptional(NOTIFICATION.TRACE_ID);
    }
}
