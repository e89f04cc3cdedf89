package io.paymentledger.config;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs a long-lived service on the main thread until the process is asked to stop (SIGTERM, SIGINT), then stops it
 * and returns, so the process exits 0 after a graceful stop (the JVM's default would be 143/130, which
 * orchestrators read as a crash).
 */
public final class ServiceLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ServiceLifecycle.class);

    private ServiceLifecycle() {
    }

    /**
     * Calls {@code start}, blocks until SIGTERM or SIGINT, then calls {@code stop} on this thread, which should finish
     * in-flight work within its own bound. A second signal while stopping is logged and otherwise ignored.
     */
    public static void runUntilShutdown(String name, Runnable start, Runnable stop) throws InterruptedException {
        CountDownLatch requested = new CountDownLatch(1);
        for (String signal : List.of("TERM", "INT")) {
            Signal.handle(new Signal(signal), received -> {
                if (requested.getCount() == 0) {
                    log.warn("SIG{} received again; {} is already stopping", received.getName(), name);
                }
                log.info("SIG{} received: stopping {}", received.getName(), name);
                requested.countDown();
            });
        }
        start.run();
        requested.await();
        stop.run();
        log.info("{} stopped", name);
    }
}
