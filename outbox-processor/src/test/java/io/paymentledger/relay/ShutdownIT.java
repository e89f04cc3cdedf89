package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_LANE;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.testsupport.JarProcess;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SIGTERM to the packaged relay in the middle of a backlog: it finishes its batch, exits 0, and nothing is lost. */
class ShutdownIT {
    private static final int ROWS = 20_000;
    private static TestDatabase database;
    private static KafkaNamespace kafka;

    @BeforeAll
    static void createTopics() {
        database = TestInfrastructure.get().newDatabase("shutdown");
        kafka = TestInfrastructure.get().newKafkaNamespace("shutdown");
        kafka.createTopics(1, "dlq", "paymentauthorized");
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void sigtermMidBatchExitsZeroReleasesEverythingAndLosesNothing() throws Exception {
        List<String> eventIds = RelayTestSupport.insertMany(database.dsl(), RelayTestSupport.newAggregateIds(ROWS), 1);
        Map<String, String> env = RelayTestSupport.env(database, kafka, "sigterm-relay", Map.of());
        try (JarProcess process = RelayProcess.start(RelayConfig.fromEnv(new io.paymentledger.config.Env(env)), env)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> published() > 1_000);
            process.terminate();

            assertThat(process.awaitExit(30)).as("exit code; log: %s", process.logFile()).isZero();
            assertThat(process.output()).contains("SIGTERM received").contains("relay stopped");
        }
        assertThat(database.dsl().fetchCount(OUTBOX_LANE, OUTBOX_LANE.OWNER.eq("sigterm-relay")))
                .as("lanes left leased by the stopped relay").isZero();
        assertThat(published()).isLessThan(ROWS);

        try (Relay relay = Relay.create(RelayTestSupport.config(database, kafka, "successor", Map.of()),
                database.dataSource(), Clock.systemUTC())) {
            relay.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> published() == ROWS);
        }
        Set<String> delivered = new HashSet<>();
        kafka.readFromBeginning("paymentauthorized", ROWS, Duration.ofSeconds(60)).forEach(record ->
                delivered.add(new String(record.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8)));
        assertThat(delivered).containsAll(eventIds);
    }

    private static int published() {
        return RelayTestSupport.countIn(database.dsl(), OutboxStatus.PUBLISHED);
    }
}
