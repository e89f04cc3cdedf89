package io.paymentledger.testsupport;

import java.io.IOException;

/**
 * Main class of the child JVM that runs the embedded Kafka broker. Its standard input is a pipe from the test JVM:
 * when that closes (the test JVM exited or was killed) the broker halts, so no broker outlives its tests.
 */
public final class BrokerLauncher {
    private BrokerLauncher() {
    }

    public static void main(String[] args) {
        Thread watchdog = new Thread(BrokerLauncher::haltWhenParentGoes, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        kafka.Kafka.main(args);
    }

    private static void haltWhenParentGoes() {
        try {
            while (System.in.read() != -1) {
                // the parent never writes; we only wait for end of stream
            }
        } catch (IOException e) {
            // a broken pipe means the parent is gone too
        }
        Runtime.getRuntime().halt(3);
    }
}
