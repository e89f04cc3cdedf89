package io.paymentledger.consumer;

import static io.paymentledger.consumer.ConsumerTestSupport.event;
import static io.paymentledger.consumer.ConsumerTestSupport.newId;
import static io.paymentledger.consumer.ConsumerTestSupport.send;
import static org.awaitility.Awaitility.await;

import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many events/s one notification service applies (validate, inbox, notification, version tracking, offset
 * commit) from a backlog of {@code events} records on 2 topics x 6 partitions, on the real broker and database. Counts
 * from the first applied event to the last (the group join before it is reported apart). Not a test; run it with
 * {@code mvn -B -ntp -pl sample-consumer -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.paymentledger.consumer.ConsumerThroughputBenchmark -Dexec.args="200000 3 2"} (events, runs, consumer threads).
 */
public final class ConsumerThroughputBenchmark {
    private static final Logger log = LoggerFactory.getLogger(ConsumerThroughputBenchmark.class);

    private ConsumerThroughputBenchmark() {
    }

    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : ConsumerSettings.DEFAULT_THREADS;
        List<Double> rates = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            rates.add(runOnce(run, events, threads));
        }
        rates.sort(Double::compare);
        log.info(String.format(Locale.ROOT, "RESULT consumer throughput, %d events, %d thread(s), %d runs: median"
                + " %.0f events/s (min %.0f, max %.0f)", events, threads, runs, rates.get(rates.size() / 2), rates.get(0),
                rates.get(rates.size() - 1)));
        TestInfrastructure.get().kafka().close();
        System.exit(0);
    }

    private static double runOnce(int run, int events, int threads) {
        try (TestDatabase database = TestInfrastructure.get().newDatabase("consumer-bench-" + run)) {
            KafkaNamespace kafka = TestInfrastructure.get().newKafkaNamespace("consumer-bench-" + run);
            kafka.createTopics(6, "paymentauthorized", "paymentcaptured", "dlq");
            produce(kafka, events);
            AtomicLong firstNanos = new AtomicLong();
            ConsumerStats stats = new ConsumerStats();
            ConsumptionListener timed = new ConsumptionListener() {
                @Override
                public void processed(Envelope envelope, boolean duplicate) {
                    firstNanos.compareAndSet(0, System.nanoTime());
                    stats.processed(envelope, duplicate);
                }
            };
            long started = System.nanoTime();
            try (NotificationService service = ConsumerTestSupport.service(database,
                    new ConsumerSettings(database.config(), kafka.config(), "bench",
                            ConsumerSettings.DEFAULT_MAX_RECORD_BYTES, threads), timed)) {
                service.start();
                await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> stats.consumed() >= events);
                long finished = System.nanoTime();
                double seconds = (finished - firstNanos.get()) / 1e9;
                log.info(String.format(Locale.ROOT, "run %d: %d events in %.2f s = %.0f events/s (group join and"
                        + " first fetch %.2f s before)", run, events, seconds, events / seconds,
                        (firstNanos.get() - started) / 1e9));
                return events / seconds;
            }
        }
    }

    private static void produce(KafkaNamespace kafka, int events) {
        try (KafkaProducer<String, byte[]> producer = ConsumerTestSupport.producer(kafka)) {
            for (int i = 0; i < events; i++) {
                String payment = newId();
                boolean captured = i % 3 == 2;
                send(producer, kafka, captured ? "paymentcaptured" : "paymentauthorized", payment,
                        event(newId(), captured ? "PaymentCaptured" : "PaymentAuthorized", payment, 1, 100 + i));
            }
        }
    }
}
