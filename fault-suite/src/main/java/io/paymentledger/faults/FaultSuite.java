package io.paymentledger.faults;

import static io.paymentledger.db.jooq.Tables.NOTIFICATION;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT_STATE;

import com.github.f4b6a3.ulid.UlidCreator;
import io.paymentledger.outbox.OutboxEvent;
import io.paymentledger.outbox.OutboxStatus;
import io.paymentledger.outbox.OutboxWriter;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system fault suite: embedded PostgreSQL and Kafka (the tests' own), the packaged relays, consumer and ledger
 * simulator as OS processes, hot-aggregate writers, a seeded fault schedule, then a drain and the {@link Verifier}
 * reading Kafka from the beginning.
 */
final class FaultSuite {
    private static final Logger log = LoggerFactory.getLogger(FaultSuite.class);
    static final String GROUP = "fault-suite";
    private static final int POISON_ROWS = 2;
    /** Relay passes at once per relay process (OUTBOX_WORKERS). */
    private static final int WORKERS = 2;

    private final FaultSuiteSettings settings;
    private final PrintStream out;

    FaultSuite(FaultSuiteSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /** What a run found. */
    record Outcome(Verifier.Report report, Map<FaultSchedule.Fault, Integer> faults, List<String> processProblems,
                   long hotWrites, int simulatorStarts, double seconds) {
        boolean passed() {
            return report.passed() && processProblems.isEmpty();
        }
    }

    Outcome run() throws InterruptedException {
        out.printf("Fault suite: profile %s, seed %d (replay with --seed %d), %d relays, %d s of faults%n",
                settings.profile(), settings.seed(), settings.seed(), settings.relays(),
                settings.faultPhase().toSeconds());
        long started = System.nanoTime();
        TestInfrastructure servers = TestInfrastructure.embedded();
        try {
            TestDatabase database = servers.newDatabase("faults");
            CommittedRecord.install(database.dsl());
            KafkaNamespace kafka = servers.kafkaNamespace("payments");
            kafka.createTopics(6, "payment", "dlq");
            Set<String> poison = plantPoison(database.dsl());
            try (Fleet fleet = new Fleet(settings, env(database, kafka))) {
                Outcome outcome = runFaults(servers, database, kafka, fleet, poison, started);
                print(outcome);
                return outcome;
            }
        } finally {
            servers.close();
        }
    }

    private Outcome runFaults(TestInfrastructure servers, TestDatabase database, KafkaNamespace kafka, Fleet fleet,
                              Set<String> poison, long started) throws InterruptedException {
        fleet.startAll();
        HotWriter hot = new HotWriter(database.dsl(), settings.hotAggregates(), settings.hotRate());
        hot.start(settings.hotThreads());
        FaultSchedule schedule = new FaultSchedule(settings, fleet, servers.kafka(), database);
        schedule.run();
        long hotWrites = hot.stop();
        fleet.stopWriter();
        out.println("Fault phase over; waiting for the relays and the consumer to drain");
        List<String> problems = new ArrayList<>(schedule.problems());
        if (!drained(database.dsl(), fleet)) {
            problems.add("not drained within " + drainTimeout().toMinutes() + " min: " + counts(database.dsl()));
        }
        Verifier.Evidence evidence = Evidence.collect(database.dsl(), kafka.bootstrapServers(), kafka.topic("payment"),
                kafka.topic("dlq"), GROUP);
        problems.addAll(fleet.stopAll());
        // At each interrupting fault, every relay may have at most one batch per worker in flight.
        long bound = (long) schedule.interruptions() * settings.batchSize() * settings.relays() * WORKERS;
        Verifier.Report report = new Verifier().verify(evidence, new Verifier.Allowance(poison, bound));
        return new Outcome(report, schedule.done(), problems, hotWrites, fleet.writerStarts(),
                (System.nanoTime() - started) / 1e9);
    }

    private Map<String, String> env(TestDatabase database, KafkaNamespace kafka) {
        Map<String, String> env = new HashMap<>(database.env());
        env.putAll(kafka.env());
        env.put("OUTBOX_TOPIC_ROUTING", "aggregate-type");
        env.put("OUTBOX_BATCH_SIZE", String.valueOf(settings.batchSize()));
        env.put("OUTBOX_WORKERS", String.valueOf(WORKERS));
        env.put("OUTBOX_POLL_INTERVAL_SECONDS", "0.2");
        // The hardest retention: the ring rotates every 10 s and delivered partitions are truncated at once, under
        // every fault (CommittedRecord keeps what was committed).
        env.put("OUTBOX_RETENTION_HOURS", "0");
        env.put("CONSUMER_GROUP_ID", GROUP);
        env.put("HTTP_PORT", "0");
        return env;
    }

    /** Rows too large for Kafka: the only rows allowed on the DLQ. */
    private static Set<String> plantPoison(DSLContext dsl) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < POISON_ROWS; i++) {
            // Unvalidated on purpose: the payload is a blob no schema allows, written as a buggy writer would.
            ids.add(OutboxWriter.unvalidated().append(dsl, OutboxEvent.of("Payment",
                    "poison-" + UlidCreator.getMonotonicUlid(), 1, "PaymentAuthorized",
                    "{\"blob\":\"" + "x".repeat(1_200_000) + "\"}")));
        }
        return Set.copyOf(ids);
    }

    /** Five minutes, or half the fault phase for long runs. */
    private Duration drainTimeout() {
        Duration half = settings.faultPhase().dividedBy(2);
        return half.compareTo(Duration.ofMinutes(5)) > 0 ? half : Duration.ofMinutes(5);
    }

    /** Waits until no row is pending and the consumer has a notification for every committed row not dead. */
    private boolean drained(DSLContext dsl, Fleet fleet) throws InterruptedException {
        long deadline = System.nanoTime() + drainTimeout().toNanos();
        long nextReport = 0;
        while (System.nanoTime() < deadline) {
            fleet.ensureConsumer();
            Map<String, Integer> counts = counts(dsl);
            if (counts.get("pending") == 0 && counts.get("notified") >= counts.get("committed") - counts.get("dead")) {
                return true;
            }
            if (System.nanoTime() >= nextReport) {
                out.printf("  draining: pending %d, committed %d, dead %d, notified %d%n", counts.get("pending"),
                        counts.get("committed"), counts.get("dead"), counts.get("notified"));
                nextReport = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        return false;
    }

    private static Map<String, Integer> counts(DSLContext dsl) {
        return Map.of("pending", dsl.fetchCount(OUTBOX_EVENT_STATE,
                        OUTBOX_EVENT_STATE.STATE.in(OutboxStatus.PENDING, OutboxStatus.RETRYING)),
                "committed", CommittedRecord.count(dsl),
                "dead", dsl.fetchCount(OUTBOX_EVENT_STATE, OUTBOX_EVENT_STATE.STATE.eq(OutboxStatus.DEAD)),
                "notified", dsl.fetchCount(NOTIFICATION, NOTIFICATION.CONSUMER_GROUP.eq(GROUP)));
    }

    /** A violation's kind: the words before its first colon ("lost", "order", "consumer", ...). */
    static String kindOf(String violation) {
        int colon = violation.indexOf(':');
        return colon > 0 ? violation.substring(0, colon) : violation;
    }

    private void print(Outcome outcome) {
        Verifier.Report report = outcome.report();
        String faults = outcome.faults().entrySet().stream()
                .map(entry -> entry.getKey().label + " " + entry.getValue()).collect(Collectors.joining(", "));
        out.println();
        out.printf(Locale.ROOT, "Fault suite report: profile %s, seed %d, %.0f s in all%n", settings.profile(),
                settings.seed(), outcome.seconds());
        out.printf(Locale.ROOT, "  faults        %s%n", faults);
        out.printf(Locale.ROOT, "  writers       ledger simulator started %d times; %,d hot writes to %d aggregates "
                + "from %d threads (%d/s)%n", outcome.simulatorStarts(), outcome.hotWrites(), settings.hotAggregates(),
                settings.hotThreads(), settings.hotRate());
        out.printf(Locale.ROOT, "  committed     %,d events (%d planted poison)%n", report.committed(), POISON_ROWS);
        out.printf(Locale.ROOT, "  (1) delivered %,d unique on payments.payment, %d on payments.dlq%n",
                report.deliveredUnique(), report.deadLettered());
        out.printf(Locale.ROOT, "  (3) duplicates %,d (bound %,d: %d relays x %d workers x batch %d x interrupting "
                + "faults)%n", report.duplicates(), report.duplicateBound(), settings.relays(), WORKERS,
                settings.batchSize());
        out.printf(Locale.ROOT, "  (5) notified  %,d events%n", report.notified());
        List<String> all = new ArrayList<>(report.violations());
        all.addAll(outcome.processProblems());
        if (!all.isEmpty()) {
            out.println("  violations    " + all.stream()
                    .collect(Collectors.groupingBy(FaultSuite::kindOf, java.util.TreeMap::new, Collectors.counting()))
                    .entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue())
                    .collect(Collectors.joining(", ")));
        }
        all.stream().limit(20).forEach(violation -> out.println("  VIOLATION     " + violation));
        if (all.size() > 20) {
            out.println("  ... and " + (all.size() - 20) + " more");
        }
        out.println(outcome.passed()
                ? "  verdict       PASSED: nothing lost, order per aggregate kept, duplicates bounded, no outage in "
                        + "the DLQ, every event notified exactly once"
                : "  verdict       FAILED (replay with --seed " + settings.seed() + ")");
        log.info("Fault suite verdict: {}", outcome.passed() ? "passed" : "failed");
    }
}
