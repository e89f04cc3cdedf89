package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.relay.RelayTestSupport.insert;
import static io.paymentledger.relay.RelayTestSupport.newAggregateId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker is really stopped and started again: the circuit opens, no attempt is spent, nothing is dead-lettered,
 * and once the broker is back everything committed during the outage is delivered.
 */
class BrokerOutageIT {
    private static TestDatabase database;
    private static KafkaNamespace kafka;

    @BeforeAll
    static void createTopics() {
        database = TestInfrastructure.get().newDatabase("broker-outage");
        // The shared broker when this JVM can restart it, else one of the test's own: the outage is real everywhere.
        kafka = TestInfrastructure.get().newRestartableKafkaNamespace("broker-outage");
        kafka.createTopics(1, "dlq", "paymentauthorized");
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void outageEndsWithEverythingDeliveredZeroAttemptsSpentAndNoDeadLetters() {
        RelayConfig config = RelayTestSupport.config(database, kafka, "outage", Map.of(
                "OUTBOX_CLAIM_TIMEOUT_SECONDS", "4", "OUTBOX_CIRCUIT_OPEN_SECONDS", "1",
                "OUTBOX_CIRCUIT_MINIMUM_CALLS", "2", "OUTBOX_MAX_RETRIES", "1"));
        try (Relay relay = Relay.create(config, database.dataSource(), Clock.systemUTC())) {
            relay.start();
            String warmUp = insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized");
            await().atMost(Duration.ofSeconds(30)).until(() -> published() == 1);

            TestInfrastructure.get().restartableKafka().stop();
            List<String> duringOutage = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                duringOutage.add(insert(database.dsl(), newAggregateId(), 1, "PaymentAuthorized"));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> "OPEN".equals(relay.circuitState()));
            assertThat(attemptsSpent()).isZero();
            assertThat(dead()).isZero();

            TestInfrastructure.get().restartableKafka().start();
            await().atMost(Duration.ofSeconds(90)).until(() -> published() == 51);
            // The pass that published the last rows closes the circuit right after it recorded them.
            await().atMost(Duration.ofSeconds(10)).until(() -> "CLOSED".equals(relay.circuitState()));
            assertThat(warmUp).isNotBlank();
        }
        assertThat(attemptsSpent()).isZero();
        assertThat(dead()).isZero();
        assertThat(kafka.readFromBeginning("dlq", 1, Duration.ofSeconds(3))).isEmpty();
        assertThat(kafka.readFromBeginning("paymentauthorized", 51, Duration.ofSeconds(30))).hasSizeGreaterThanOrEqualTo(51);
    }

    private static int published() {
        return RelayTestSupport.countIn(database.dsl(), OutboxStatus.PUBLISHED);
    }

    private static int dead() {
        return RelayTestSupport.countIn(database.dsl(), OutboxStatus.DEAD);
    }

    private static int attemptsSpent() {
        Integer sum = database.dsl().select(org.jooq.impl.DSL.sum(OUTBOX_EVENT.ATTEMPTS).cast(Integer.class))
                .from(OUTBOX_EVENT).fetchOne(0, Integer.class);
        return sum == null ? 0 : sum;
    }
}
