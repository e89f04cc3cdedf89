package io.paymentledger.config;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a long-lived service on the main thread until the process is asked to stop (SIGTERM, SIGINT). */
public final class ServiceLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ServiceLifecycle.class);

    private ServiceLifecycle() {
    }

    /**
     * Calls {@code start}, then blocks until shutdown begins; the shutdown hook calls {@code stop}, which should
     * finish in-flight work within its own bound, and then lets this method return.
     */
    public static void runUntilShutdown(String name, Runnable start, Runnable stop) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Shutdown of {} requested", name);
            try {
                stop.run();
            } finally {
                stopped.countDown();
            }
        }, name + "-shutdown"));
        start.run();
        stopped.await();
    }
}
