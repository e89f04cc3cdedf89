package io.paymentledger.config;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs a long-lived service on the main thread until the process is asked to stop (SIGTERM, SIGINT), then stops it
 * and returns, so the process exits 0 after a graceful stop (the JVM's default would be 143/130, which
 * orchestrators read as a crash). Trap the signals first thing ({@link #trapSignals()}), before the slow part of
 * start-up, so a stop that arrives while the service is still starting is graceful too.
 */
public final class ServiceLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ServiceLifecycle.class);

    private final String name;
    private final CountDownLatch requested = new CountDownLatch(1);

    private ServiceLifecycle(String name) {
        this.name = name;
    }

    /** From now on SIGTERM and SIGINT only request a stop, which {@link #run} carries out. */
    public static ServiceLifecycle trapSignals(String name) {
        ServiceLifecycle lifecycle = new ServiceLifecycle(name);
        for (String signal : List.of("TERM", "INT")) {
            Signal.handle(new Signal(signal), received -> {
                if (lifecycle.requested.getCount() == 0) {
                    log.warn("SIG{} received again; {} is already stopping", received.getName(), name);
                }
                log.info("SIG{} received: stopping {}", received.getName(), name);
                lifecycle.requested.countDown();
            });
        }
        return lifecycle;
    }

    /**
     * Calls {@code start}, blocks until SIGTERM or SIGINT (at once if one came during start-up), then calls
     * {@code stop} on this thread, which should finish in-flight work within its own bound.
     */
    public void run(Runnable start, Runnable stop) throws InterruptedException {
        start.run();
        requested.await();
        stop.run();
        log.info("{} stopped", name);
    }

    /** Ends {@link #run}'s wait as a signal would: for a service that cannot go on (e.g. its reader failed). */
    public void requestStop() {
        requested.countDown();
    }

    /** {@link #trapSignals(String)} then {@link #run}, for services whose start-up before this is quick. */
    public static void runUntilShutdown(String name, Runnable start, Runnable stop) throws InterruptedException {
        trapSignals(name).run(start, stop);
    }
}
