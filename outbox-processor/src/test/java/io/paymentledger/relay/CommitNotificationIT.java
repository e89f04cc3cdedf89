package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static org.awaitility.Awaitility.await;

import com.github.f4b6a3.ulid.UlidCreator;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Clock;
import java.time.Duration;
import org.jooq.JSONB;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A writer's commit wakes the relay at once (NOTIFY), long before its hour-long poll interval would. */
class CommitNotificationIT {
    private static TestDatabase database;
    private static KafkaNamespace kafka;
    private static Relay relay;

    @BeforeAll
    static void startRelayThatPollsHourly() {
        database = TestInfrastructure.get().newDatabase("commit-notification");
        kafka = TestInfrastructure.get().newKafkaNamespace("commit-notification");
        kafka.createTopics(1, "paymentauthorized");
        relay = Relay.create(new RelayConfig(database.config(), kafka.config(), TopicRouting.EVENT_TYPE, 100,
                Duration.ofHours(1), Duration.ofSeconds(10), new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5)),
                "notified-relay"), database.dataSource(), Clock.systemUTC());
        relay.start();
    }

    @AfterAll
    static void stop() {
        relay.close();
        database.close();
    }

    @Test
    void committedRowIsPublishedWithoutWaitingForThePollInterval() {
        String first = insertLikeAnExternalWriter();
        await().atMost(Duration.ofSeconds(20)).until(() -> isPublished(first));

        // The relay is now idle for an hour unless a commit notification wakes it.
        String second = insertLikeAnExternalWriter();
        await().atMost(Duration.ofSeconds(10)).until(() -> isPublished(second));
    }

    private static String insertLikeAnExternalWriter() {
        String eventId = UlidCreator.getMonotonicUlid().toString();
        String paymentId = UlidCreator.getMonotonicUlid().toString();
        database.dsl().insertInto(OUTBOX_EVENT)
                .set(OUTBOX_EVENT.EVENT_ID, eventId)
                .set(OUTBOX_EVENT.AGGREGATE_TYPE, "Payment")
                .set(OUTBOX_EVENT.AGGREGATE_ID, paymentId)
                .set(OUTBOX_EVENT.AGGREGATE_VERSION, 1L)
                .set(OUTBOX_EVENT.EVENT_TYPE, "PaymentAuthorized")
                .set(OUTBOX_EVENT.PAYLOAD, JSONB.valueOf("{\"payment_id\":\"" + paymentId + "\",\"payer_account_id\":"
                        + "\"a\",\"payee_account_id\":\"b\",\"amount_minor\":5,\"currency\":\"EUR\"}"))
                .execute();
        return eventId;
    }

    private static boolean isPublished(String eventId) {
        return "published".equals(database.dsl().select(OUTBOX_EVENT.STATUS).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.EVENT_ID.eq(eventId)).fetchOne(OUTBOX_EVENT.STATUS));
    }
}
