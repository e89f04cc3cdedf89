package io.paymentledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Ledger rows and outbox rows commit or roll back together. Failures are injected through the event appender, the
 * seam between the ledger write and the outbox insert, on a real PostgreSQL.
 */
class LedgerAtomicityIT {
    private static final EventSchemas SCHEMAS = EventSchemas.load();
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static TestDatabase database;
    private static Ledger ledger;

    @BeforeAll
    static void createDatabase() {
        database = TestInfrastructure.get().newDatabase("ledger-atomicity");
        ledger = Ledger.postgres(database.dsl(), Clock.systemUTC(), SCHEMAS);
        ledger.openAccount(new OpenAccount("atom-payer", "EUR", 100_000));
        ledger.openAccount(new OpenAccount("atom-payee", "EUR", 0));
    }

    @AfterAll
    static void dropPool() {
        database.close();
    }

    private static Ledger ledgerWith(EventAppender appender) {
        return new PostgresLedger(database.dsl(), Clock.systemUTC(), appender, new PaymentMetadata(LedgerLimits.DEFAULTS));
    }

    private static AuthorizePayment authorizeCommand() {
        return new AuthorizePayment("atom-" + KEYS.incrementAndGet(), "atom-payer", "atom-payee", Money.of(500, "EUR"),
                null);
    }

    /** Delegates to the real outbox appender; {@code corrupt} may break the payload first. */
    private static final class Appender implements EventAppender {
        private final boolean failBefore;
        private final boolean failAfter;
        private final boolean corrupt;
        private final OutboxAppender real = new OutboxAppender(SCHEMAS);

        Appender(boolean failBefore, boolean failAfter, boolean corrupt) {
            this.failBefore = failBefore;
            this.failAfter = failAfter;
            this.corrupt = corrupt;
        }

        @Override
        public String append(DSLContext tx, String paymentId, long aggregateVersion, String eventType,
                             ObjectNode payload, String correlationId, Instant occurredAt) {
            if (failBefore) {
                throw new IllegalStateException("injected failure after the ledger write");
            }
            if (corrupt) {
                payload.remove("currency");
            }
            String eventId = real.append(tx, paymentId, aggregateVersion, eventType, payload, correlationId, occurredAt);
            if (failAfter) {
                throw new IllegalStateException("injected failure after the outbox insert");
            }
            return eventId;
        }
    }

    @Test
    void failureAfterTheLedgerWriteLeavesNeitherLedgerRowsNorEvent() {
        LedgerRows before = LedgerRows.of(database.dsl());

        assertThatThrownBy(() -> ledgerWith(new Appender(true, false, false)).authorize(authorizeCommand()))
                .hasMessageContaining("injected failure after the ledger write");

        assertThat(LedgerRows.of(database.dsl())).isEqualTo(before);
    }

    @Test
    void failureAfterTheOutboxInsertRollsBackBothTogether() {
        String payment = ledger.authorize(authorizeCommand()).paymentId();
        LedgerRows before = LedgerRows.of(database.dsl());

        assertThatThrownBy(() -> ledgerWith(new Appender(false, true, false)).capture(
                CapturePayment.full("atom-capture-" + KEYS.incrementAndGet(), payment)))
                .hasMessageContaining("injected failure after the outbox insert");

        assertThat(LedgerRows.of(database.dsl())).isEqualTo(before);
        assertThat(ledger.payment(payment).orElseThrow().status()).isEqualTo(PaymentStatus.AUTHORIZED);
    }

    @Test
    void anEventThatViolatesItsSchemaFailsTheCommandAndNeverReachesTheOutbox() {
        LedgerRows before = LedgerRows.of(database.dsl());

        assertThatThrownBy(() -> ledgerWith(new Appender(false, false, true)).authorize(authorizeCommand()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PaymentAuthorized for payment")
                .hasMessageContaining("violates its schema")
                .hasMessageContaining("currency");

        assertThat(LedgerRows.of(database.dsl())).isEqualTo(before);
    }

    @Test
    void aCommittedCommandWakesListenersAndARolledBackOneDoesNot() throws SQLException {
        try (Connection listener = database.dataSource().getConnection()) {
            try (Statement statement = listener.createStatement()) {
                statement.execute("LISTEN outbox_event");
            }
            PGConnection pg = listener.unwrap(PGConnection.class);

            assertThatThrownBy(() -> ledgerWith(new Appender(false, true, false)).authorize(authorizeCommand()))
                    .hasMessageContaining("injected");
            assertThat(pg.getNotifications(500)).as("notifications after a rollback").isNullOrEmpty();

            ledger.authorize(authorizeCommand());
            PGNotification[] notifications = pg.getNotifications(10_000);
            assertThat(notifications).as("notifications after a commit").isNotEmpty();
            assertThat(notifications[0].getName()).isEqualTo("outbox_event");
        }
    }
}
