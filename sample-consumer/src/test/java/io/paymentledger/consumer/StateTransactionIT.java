package io.paymentledger.consumer;

import static io.paymentledger.consumer.ConsumerTestSupport.event;
import static io.paymentledger.consumer.ConsumerTestSupport.newId;
import static io.paymentledger.db.jooq.Tables.CONSUMER_INBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymentledger.consumer.state.PaymentProjection;
import io.paymentledger.consumer.state.PaymentState;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The payment state is written in the batch's transaction, with the inbox row, and published before it commits: a
 * failed publication (a crash before the commit, as far as the database knows) leaves neither, and the retried
 * batch applies and publishes the state once.
 */
class StateTransactionIT {
    private static TestDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = TestInfrastructure.get().newDatabase("state-transaction");
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void aStateThatWasNotPublishedRollsTheBatchBackAndTheRetryAppliesItOnce() {
        String payment = newId();
        List<ConsumerRecord<String, byte[]>> batch = List.of(
                record(payment, event(newId(), "PaymentAuthorized", payment, 1, 500)),
                record(payment, event(newId(), "PaymentCaptured", payment, 2, 500)));
        EnvelopeValidator validator = new EnvelopeValidator(EventSchemas.load(), 4096);
        BatchHandler failing = new BatchHandler("tx", database.dsl(), Clock.systemUTC(), validator, states -> {
            throw new IllegalStateException("broker down");
        });

        assertThatThrownBy(() -> failing.apply(batch)).hasMessageContaining("broker down");
        assertThat(database.dsl().fetchCount(CONSUMER_INBOX, CONSUMER_INBOX.CONSUMER_GROUP.eq("tx"))).isZero();
        assertThat(PaymentProjection.live("tx").find(database.dsl(), payment)).isEmpty();

        List<PaymentState> published = new ArrayList<>();
        BatchHandler working = new BatchHandler("tx", database.dsl(), Clock.systemUTC(), validator,
                published::addAll);
        working.apply(batch);
        working.apply(batch);
        PaymentState state = PaymentProjection.live("tx").find(database.dsl(), payment).orElseThrow();
        assertThat(state.status()).isEqualTo("captured");
        assertThat(published).as("published once, by the batch that changed it").containsExactly(state);
    }

    private static ConsumerRecord<String, byte[]> record(String key, byte[] value) {
        return new ConsumerRecord<>("t.paymentauthorized", 0, 0, key, value);
    }
}
