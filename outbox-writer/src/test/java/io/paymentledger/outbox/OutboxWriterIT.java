package io.paymentledger.outbox;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymentledger.db.jooq.tables.records.OutboxEventRecord;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The writer on a real PostgreSQL: in the caller's transaction, the contract's columns, validation before writing. */
class OutboxWriterIT {
    private static final String P1 = "01JD2Z8Q3V5W6X7Y8Z9A0B1C21";
    private static final String P2 = "01JD2Z8Q3V5W6X7Y8Z9A0B1C22";
    private final OutboxWriter writer = OutboxWriter.validating(EventSchemas.load());
    private TestDatabase database;

    @BeforeEach
    void newDatabase() {
        database = TestInfrastructure.get().newDatabase("outbox-writer");
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void plainJdbcTheEventCommitsAndRollsBackWithTheCallersTransaction() throws Exception {
        OutboxEvent kept = OutboxEvent.of("Payment", P1, 1, "PaymentAuthorized", authorized(P1));
        OutboxEvent rolledBack = OutboxEvent.of("Payment", P2, 1, "PaymentAuthorized", authorized(P2));
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            writer.append(connection, kept);
            connection.commit();
            writer.append(connection, rolledBack);
            connection.rollback();
        }

        assertThat(row(kept.eventId())).isNotNull();
        assertThat(row(rolledBack.eventId())).isNull();
    }

    @Test
    void jooqFillsTheWritersColumnsAndLeavesTheRelaysToTheirDefaults() {
        Instant occurred = Instant.parse("2026-11-30T12:00:00.123456Z");
        OutboxEvent event = OutboxEvent.of("Payment", P1, 1, "PaymentAuthorized", authorized(P1))
                .withCorrelationId("order-1").withOccurredAt(occurred)
                .withTrace(new TraceContext("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "ledger=t1"));

        String eventId = database.dsl().transactionResult(tx -> writer.append(tx.dsl(), event));

        OutboxEventRecord row = row(eventId);
        assertThat(row.getAggregateType()).isEqualTo("Payment");
        assertThat(row.getAggregateId()).isEqualTo(P1);
        assertThat(row.getAggregateVersion()).isEqualTo(1L);
        assertThat(row.getEventType()).isEqualTo("PaymentAuthorized");
        assertThat(row.getEventVersion()).isEqualTo(1);
        assertThat(row.getPayload().data()).contains("\"amount_minor\": 1234");
        assertThat(row.getCorrelationId()).isEqualTo("order-1");
        assertThat(row.getOccurredAt().toInstant()).isEqualTo(occurred);
        assertThat(row.getTraceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(row.getTracestate()).isEqualTo("ledger=t1");
        assertThat(row.getStatus()).isEqualTo(OutboxStatus.PENDING);
        assertThat(row.getAttempts()).isZero();
        assertThat(row.getPublishedAt()).isNull();
    }

    @Test
    void withoutOccurredAtTheDatabaseStampsTheInsert() {
        Instant before = Instant.now().minus(1, ChronoUnit.SECONDS);

        String eventId = writer.append(database.dsl(), OutboxEvent.of("Payment", P1, 1, "PaymentAuthorized",
                authorized(P1)));

        assertThat(row(eventId).getOccurredAt().toInstant()).isAfter(before);
        assertThat(row(eventId).getTraceparent()).as("no trace context, none written").isNull();
    }

    @Test
    void anInvalidPayloadOrAnUnknownTypeIsRefusedWithTheReasonAndNothingIsWritten() {
        OutboxEvent good = OutboxEvent.of("Payment", P1, 1, "PaymentAuthorized", authorized(P1));
        OutboxEvent bad = OutboxEvent.of("Payment", P1, 2, "PaymentAuthorized",
                "{\"payment_id\":\"" + P1 + "\",\"amount_minor\":\"lots\"}");
        OutboxEvent unknown = OutboxEvent.of("Payment", P2, 1, "PaymentTeleported", "{}");

        assertThatThrownBy(() -> writer.appendAll(database.dsl(), List.of(good, bad)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.event()).isEqualTo(bad);
                    assertThat(e.problems()).anySatisfy(problem -> assertThat(problem).contains("amount_minor"));
                });
        assertThatThrownBy(() -> writer.append(database.dsl(), unknown))
                .hasMessageContaining("no schema for event type PaymentTeleported version 1");
        assertThat(database.dsl().fetchCount(OUTBOX_EVENT)).as("rows written").isZero();

        OutboxWriter.unvalidated().append(database.dsl(), unknown);
        assertThat(row(unknown.eventId())).as("the unvalidated writer writes it as given").isNotNull();
    }

    @Test
    void appendAllWritesEveryEventInOrderInOneStatement() {
        List<OutboxEvent> events = List.of(OutboxEvent.of("Payment", P1, 1, "PaymentAuthorized", authorized(P1)),
                OutboxEvent.of("Payment", P1, 2, "PaymentAuthorized", authorized(P1)),
                OutboxEvent.of("Payment", P2, 1, "PaymentAuthorized", authorized(P2)));

        List<String> ids = writer.appendAll(database.dsl(), events);

        assertThat(ids).containsExactlyElementsOf(events.stream().map(OutboxEvent::eventId).toList());
        assertThat(database.dsl().select(OUTBOX_EVENT.EVENT_ID).from(OUTBOX_EVENT).orderBy(OUTBOX_EVENT.ID)
                .fetch(OUTBOX_EVENT.EVENT_ID)).containsExactlyElementsOf(ids);
    }

    private static String authorized(String paymentId) {
        return "{\"payment_id\":\"" + paymentId + "\",\"payer_account_id\":\"alice\",\"payee_account_id\":\"bob\","
                + "\"amount_minor\":1234,\"currency\":\"EUR\"}";
    }

    private OutboxEventRecord row(String eventId) {
        return database.dsl().selectFrom(OUTBOX_EVENT).where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).fetchOne();
    }
}
