package io.paymentledger.demo;

import java.time.Duration;

/**
 * What the demo runs.
 *
 * @param payments    payment flows the simulator runs (each writes 1-4 events)
 * @param accounts    customer accounts the simulator opens first
 * @param threads     simulator threads
 * @param seed        the simulator's seed: the same seed replays the same flows
 * @param keepRunning after the summary, keep PostgreSQL, Kafka, the relay and the consumer up until Ctrl-C
 * @param timeout     how long the relay and consumer may take to catch up after the simulator is done
 */
record DemoSettings(int payments, int accounts, int threads, long seed, boolean keepRunning, Duration timeout) {
    DemoSettings {
        if (payments < 1 || payments > 10_000_000) {
            throw new IllegalArgumentException("--payments must be 1-10000000 but was " + payments);
        }
        if (accounts < 2 || accounts > 100_000) {
            throw new IllegalArgumentException("--accounts must be 2-100000 but was " + accounts);
        }
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("--threads must be 1-64 but was " + threads);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("--timeout-seconds must be positive but was " + timeout.toSeconds());
        }
    }
}
