package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.MutableClock;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Backoff on the real path: a row whose send failed is not claimed, let alone sent, before its next attempt time,
 * and is sent once that time comes, for the first retry and a later, longer one. The relay's clock is the test's;
 * the rows, their attempt times and the claims are in the real database.
 */
class RetryTimingIT {
    /** Base 10 s, jitter fixed at 0.5: the first retry waits 5 s, the second 10 s. */
    private static final Duration FIRST_WAIT = Duration.ofSeconds(5);
    private static final Duration SECOND_WAIT = Duration.ofSeconds(10);
    private static final Duration JUST_BEFORE = Duration.ofMillis(1);

    private TestDatabase database;
    private final MutableClock clock = new MutableClock(Instant.now().plus(Duration.ofMinutes(1))
            .truncatedTo(ChronoUnit.MILLIS));

    @BeforeEach
    void newDatabase() {
        database = TestInfrastructure.get().newDatabase("retry-timing");
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void aFailedRowWaitsForItsNextAttemptTimeAndIsSentWhenItComes() throws Exception {
        // The failing sender never reaches a broker; the address only completes the configuration.
        RelayConfig config = RelayTestSupport.config(database, KafkaNamespace.external("127.0.0.1:9", "timing"),
                "timing", Map.of("OUTBOX_BASE_DELAY_SECONDS", "10", "OUTBOX_MAX_DELAY_SECONDS", "100",
                        "OUTBOX_MAX_RETRIES", "10"));
        RelayTestSupport.FailingSender sender = new RelayTestSupport.FailingSender(
                new CorruptRecordException("CRC mismatch"), null);
        OutboxRelay relay = RelayTestSupport.relayOver(database, config, sender, clock);
        String eventId = RelayTestSupport.insert(database.dsl(), RelayTestSupport.newAggregateId(), 1,
                "PaymentAuthorized");
        Instant failedAt = clock.instant();

        assertThat(relay.runOnce().claimed()).isEqualTo(1);
        assertThat(sender.sent).hasValue(1);
        Instant firstRetry = failedAt.plus(FIRST_WAIT);
        assertThat(nextAttemptAt(eventId)).isEqualTo(firstRetry);

        assertSentOnlyOnceDue(relay, sender, firstRetry, 2);
        Instant secondRetry = firstRetry.plus(SECOND_WAIT);
        assertThat(nextAttemptAt(eventId)).isEqualTo(secondRetry);

        assertSentOnlyOnceDue(relay, sender, secondRetry, 3);
        assertThat(database.dsl().select(OUTBOX_EVENT.ATTEMPTS).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).fetchSingle(OUTBOX_EVENT.ATTEMPTS)).isEqualTo(3);
    }

    /** A millisecond before {@code due} the row is not claimed; at {@code due} it is, and sent once more. */
    private void assertSentOnlyOnceDue(OutboxRelay relay, RelayTestSupport.FailingSender sender, Instant due,
                                       int sendsAfter) throws InterruptedException {
        clock.set(due.minus(JUST_BEFORE));
        assertThat(relay.runOnce().claimed()).as("claimed a millisecond before %s", due).isZero();
        assertThat(sender.sent).hasValue(sendsAfter - 1);

        clock.set(due);
        assertThat(relay.runOnce().claimed()).as("claimed at %s", due).isEqualTo(1);
        assertThat(sender.sent).hasValue(sendsAfter);
    }

    private Instant nextAttemptAt(String eventId) {
        return database.dsl().select(OUTBOX_EVENT.NEXT_ATTEMPT_AT).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).fetchSingle(OUTBOX_EVENT.NEXT_ATTEMPT_AT).toInstant();
    }
}
