package io.paymentledger.faults;

import io.paymentledger.testsupport.JarProcess;
import io.paymentledger.testsupport.KafkaServer;
import io.paymentledger.testsupport.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects real faults at seeded random times until the fault phase ends: {@code kill -9} and SIGTERM of relays, the
 * broker stopped or killed and restarted, the database's connections cut and refused for a while, the consumer
 * killed. The same seed gives the same sequence of faults and pauses.
 */
final class FaultSchedule {
    private static final Logger log = LoggerFactory.getLogger(FaultSchedule.class);

    enum Fault {
        RELAY_KILL("relay kill -9", 35), RELAY_SIGTERM("relay SIGTERM", 15), BROKER_STOP("broker stop", 12),
        BROKER_KILL("broker kill -9", 8), DATABASE_CUT("database cut", 18), CONSUMER_KILL("consumer kill -9", 12);

        final String label;
        final int weight;

        Fault(String label, int weight) {
            this.label = label;
            this.weight = weight;
        }
    }

    private final FaultSuiteSettings settings;
    private final Fleet fleet;
    private final KafkaServer broker;
    private final TestDatabase database;
    private final Random random;
    private final Map<Fault, Integer> done = new EnumMap<>(Fault.class);
    private final List<String> problems = new ArrayList<>();

    FaultSchedule(FaultSuiteSettings settings, Fleet fleet, KafkaServer broker, TestDatabase database) {
        this.settings = settings;
        this.fleet = fleet;
        this.broker = broker;
        this.database = database;
        this.random = new Random(settings.seed());
        for (Fault fault : Fault.values()) {
            done.put(fault, 0);
        }
    }

    /**
     * Runs faults until the phase is over and at least the settings' minimum were injected; the simulator is
     * restarted whenever a fault ended it, and the consumer whenever it exited on its own.
     */
    void run() throws InterruptedException {
        long end = System.nanoTime() + settings.faultPhase().toNanos();
        int injected = 0;
        while (System.nanoTime() < end || injected < settings.minimumFaults()) {
            pause(between(settings.faultEvery()[0], settings.faultEvery()[1]));
            Fault fault = pick();
            log.info("Fault: {}", fault.label);
            inject(fault);
            done.merge(fault, 1, Integer::sum);
            injected++;
            fleet.ensureWriter();
            fleet.ensureConsumer();
        }
    }

    private void inject(Fault fault) throws InterruptedException {
        switch (fault) {
            case RELAY_KILL -> {
                int index = random.nextInt(fleet.relayCount());
                fleet.relay(index).kill();
                fleet.relay(index).awaitExit(30);
                fleet.startRelay(index);
            }
            case RELAY_SIGTERM -> {
                int index = random.nextInt(fleet.relayCount());
                JarProcess relay = fleet.relay(index);
                awaitStarted(relay);
                relay.terminate();
                int code = relay.awaitExit(60);
                if (code != 0) {
                    problems.add("a relay exited " + code + " on SIGTERM; log " + relay.logFile());
                }
                fleet.startRelay(index);
            }
            case BROKER_STOP, BROKER_KILL -> {
                Duration down = between(Duration.ofSeconds(2), Duration.ofSeconds(8));
                if (fault == Fault.BROKER_STOP) {
                    broker.stop();
                } else {
                    broker.kill();
                }
                pause(down);
                broker.start();
            }
            case DATABASE_CUT -> {
                Duration down = between(Duration.ofSeconds(1), Duration.ofSeconds(5));
                try (TestDatabase.Outage outage = database.takeOffline()) {
                    pause(down);
                }
            }
            case CONSUMER_KILL -> {
                fleet.consumer().kill();
                fleet.consumer().awaitExit(30);
                fleet.restartConsumer();
            }
        }
    }

    /**
     * A SIGTERM that lands while the JVM itself is still booting (before any code of ours runs) ends it with 143;
     * that says nothing about the relay, so the graceful stop is tested on a relay that has started.
     */
    private static void awaitStarted(JarProcess relay) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try {
            while (relay.isAlive() && !relay.output().contains("Starting relay") && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Fault pick() {
        int total = 0;
        for (Fault fault : Fault.values()) {
            total += fault.weight;
        }
        int roll = random.nextInt(total);
        for (Fault fault : Fault.values()) {
            roll -= fault.weight;
            if (roll < 0) {
                return fault;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private Duration between(Duration min, Duration max) {
        return min.plusMillis((long) (random.nextDouble() * (max.toMillis() - min.toMillis())));
    }

    /** Waits as scheduled: pacing the faults, not waiting for asynchronous work. */
    private static void pause(Duration duration) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(duration.toMillis());
    }

    Map<Fault, Integer> done() {
        return done;
    }

    /** Faults that could have left rows in flight (so allow duplicates for them). */
    int interruptions() {
        return done.get(Fault.RELAY_KILL) + done.get(Fault.RELAY_SIGTERM) + done.get(Fault.BROKER_STOP)
                + done.get(Fault.BROKER_KILL) + done.get(Fault.DATABASE_CUT);
    }

    List<String> problems() {
        return problems;
    }
}
