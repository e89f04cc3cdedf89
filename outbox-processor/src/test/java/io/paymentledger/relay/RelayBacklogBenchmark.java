package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static org.awaitility.Awaitility.await;

import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains a backlog of {@code rows} committed rows (two events per aggregate) with one relay on the real database and
 * broker, {@code runs} times, and prints rows/s per run and the median. Not a test; run it with
 * {@code mvn -B -ntp -pl outbox-processor -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.paymentledger.relay.RelayBacklogBenchmark -Dexec.args="200000 3"}.
 */
public final class RelayBacklogBenchmark {
    private static final Logger log = LoggerFactory.getLogger(RelayBacklogBenchmark.class);

    private RelayBacklogBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<Double> rates = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            double rate = drainOnce(run, rows);
            rates.add(rate);
            log.info("run {}: {} rows drained at {} rows/s", run, rows, String.format(Locale.ROOT, "%.0f", rate));
        }
        rates.sort(Double::compare);
        log.info("RESULT relay backlog drain, {} rows, {} runs: median {} rows/s (min {}, max {})", rows, runs,
                String.format(Locale.ROOT, "%.0f", rates.get(rates.size() / 2)),
                String.format(Locale.ROOT, "%.0f", rates.get(0)),
                String.format(Locale.ROOT, "%.0f", rates.get(rates.size() - 1)));
        TestInfrastructure.get().kafka().close();
        System.exit(0);
    }

    private static double drainOnce(int run, int rows) throws Exception {
        try (TestDatabase database = TestInfrastructure.get().newDatabase("bench-" + run)) {
            KafkaNamespace kafka = TestInfrastructure.get().newKafkaNamespace("bench-" + run);
            kafka.createTopics(3, "dlq", "paymentauthorized", "paymentcaptured");
            RelayTestSupport.insertMany(database.dsl(), RelayTestSupport.newAggregateIds(rows / 2), 2);
            RelayConfig config = RelayTestSupport.config(database, kafka, "bench", Map.of());
            try (Relay relay = Relay.create(config, database.dataSource(), Clock.systemUTC())) {
                long started = System.nanoTime();
                relay.start();
                await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> database.dsl().fetchCount(OUTBOX_EVENT, OUTBOX_EVENT.STATUS.eq("pending")) == 0);
                double seconds = (System.nanoTime() - started) / 1e9;
                return rows / seconds;
            }
        }
    }
}
