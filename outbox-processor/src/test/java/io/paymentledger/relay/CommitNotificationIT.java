package io.paymentledger.relay;

import static org.awaitility.Awaitility.await;

import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
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
        relay = Relay.create(RelayTestSupport.config(database, kafka, "notified-relay",
                Map.of("OUTBOX_POLL_INTERVAL_SECONDS", "3600")), database.dataSource(), Clock.systemUTC());
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
        return RelayTestSupport.insert(database.dsl(), RelayTestSupport.newAggregateId(), 1, "PaymentAuthorized");
    }

    private static boolean isPublished(String eventId) {
        return OutboxStatus.PUBLISHED.equals(RelayTestSupport.status(database.dsl(), eventId));
    }
}
