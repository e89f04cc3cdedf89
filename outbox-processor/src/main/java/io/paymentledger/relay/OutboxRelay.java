package io.paymentledger.relay;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One relay pass: claim a batch (short transaction), publish it (no transaction open), record the outcomes (short
 * transactions). A crash between publishing and recording leaves the rows pending, so they are sent again:
 * at-least-once, never lost.
 */
final class OutboxRelay {
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final OutboxStore store;
    private final Publisher publisher;
    private final RelayConfig config;
    private final Clock clock;
    private final DoubleSupplier random;

    OutboxRelay(OutboxStore store, Publisher publisher, RelayConfig config, Clock clock, DoubleSupplier random) {
        this.store = store;
        this.publisher = publisher;
        this.config = config;
        this.clock = clock;
        this.random = random;
    }

    /** Runs one pass and returns how many rows it claimed. */
    int runOnce() throws InterruptedException {
        Instant now = clock.instant();
        List<OutboxRow> batch = store.claimBatch(config.instanceId(), config.batchSize(), now,
                now.plus(config.claimTimeout()));
        if (batch.isEmpty()) {
            return 0;
        }
        record(publisher.publish(batch));
        return batch.size();
    }

    private void record(List<PublishResult> results) {
        List<Long> published = new ArrayList<>(results.size());
        for (PublishResult result : results) {
            if (result instanceof PublishResult.Published) {
                published.add(result.row().id());
            } else {
                recordFailure(result);
            }
        }
        int marked = store.markPublished(config.instanceId(), published, clock.instant());
        if (marked < published.size()) {
            log.warn("{} of {} published rows were no longer claimed by {}; another instance took them over and "
                    + "will publish them again (consumers drop the duplicates by event_id)",
                    published.size() - marked, published.size(), config.instanceId());
        }
    }

    private void recordFailure(PublishResult result) {
        OutboxRow row = result.row();
        Exception error = result instanceof PublishResult.RetryLater retry ? retry.error()
                : ((PublishResult.Rejected) result).error();
        int attempt = row.attempts() + 1;
        Instant now = clock.instant();
        Instant next = now.plus(config.backoff().delay(attempt, random));
        MDC.put("event_id", row.eventId());
        try {
            log.warn("Delivery of {} {} v{} failed (attempt {}), next attempt at {}: {}", row.eventType(),
                    row.aggregateId(), row.aggregateVersion(), attempt, next, error.toString());
            store.markFailed(config.instanceId(), row.id(), error.getClass().getName() + ": " + error.getMessage(),
                    now, next);
        } finally {
            MDC.remove("event_id");
        }
    }
}
