package io.paymentledger.relay;

import io.paymentledger.config.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on the {@code outbox_event} channel (see migration V2) on a dedicated connection and wakes the relay when
 * writers commit. Losing the connection only costs latency: the relay still polls, and this listener reconnects.
 */
final class CommitListener implements AutoCloseable {
    static final String CHANNEL = "outbox_event";
    private static final Logger log = LoggerFactory.getLogger(CommitListener.class);
    private static final int RECEIVE_TIMEOUT_MS = 500;
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(2);

    private final DatabaseConfig database;
    private final Runnable onCommit;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private Thread thread;

    CommitListener(DatabaseConfig database, Runnable onCommit) {
        this.database = database;
        this.onCommit = onCommit;
    }

    synchronized void start() {
        thread = new Thread(this::run, "outbox-commit-listener");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (closing.getCount() > 0) {
                listenUntilFailure();
                if (closing.await(RECONNECT_DELAY.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed.countDown();
        }
    }

    private void listenUntilFailure() {
        try (Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password())) {
            try (Statement statement = connection.createStatement()) {
                // LISTEN has no jOOQ DSL; the channel is a constant, nothing is interpolated.
                statement.execute("LISTEN " + CHANNEL);
            }
            PGConnection postgres = connection.unwrap(PGConnection.class);
            log.debug("Listening for commits on channel {}", CHANNEL);
            // Rows committed before LISTEN took effect (start-up, reconnect) sent no notification to us: look now.
            onCommit.run();
            while (closing.getCount() > 0) {
                PGNotification[] notifications = postgres.getNotifications(RECEIVE_TIMEOUT_MS);
                if (notifications != null && notifications.length > 0) {
                    onCommit.run();
                }
            }
        } catch (SQLException e) {
            log.warn("Commit notifications unavailable, relying on polling until reconnected: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        closing.countDown();
        try {
            if (thread != null && !closed.await(5, TimeUnit.SECONDS)) {
                log.debug("Commit listener still closing");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
