package io.paymentledger.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paymentledger.consumer.state.PaymentStateTopic;
import io.paymentledger.db.Database;
import io.paymentledger.observability.Health;
import io.paymentledger.schemas.EventSchemas;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * The downstream notification service: consumes every {@code <prefix>.payment*} topic, validates each record,
 * applies each event once (inbox in PostgreSQL, same transaction as the notification) and commits offsets only
 * after the database commit. {@link ConsumerSettings#threads()} consumers of one group share the partitions, each
 * on its own thread. Invalid records are stored with their reason in the batch's transaction and never retried;
 * version gaps and late predecessors are flagged, never dropped. Each event also updates its payment's row in the
 * {@code payment_state} projection, in the same transaction, and the changed states are published to the compacted
 * {@code <prefix>.payment-state} topic before it commits.
 */
public final class NotificationService implements AutoCloseable {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final List<ConsumerWorker> workers = new ArrayList<>();
    private final PaymentStateTopic stateTopic;

    /** {@code listener} is called from every worker thread, so it must be thread-safe. */
    public NotificationService(ConsumerSettings settings, DataSource dataSource, Clock clock,
                               ConsumptionListener listener) {
        this(settings, dataSource, clock, listener, new SimpleMeterRegistry());
    }

    /**
     * As above, with each worker's Kafka consumer metrics (lag, fetch rates) bound to {@code meters}.
     *
     * @throws IllegalStateException when the payment state topic is missing and cannot be created, or not compacted
     */
    public NotificationService(ConsumerSettings settings, DataSource dataSource, Clock clock,
                               ConsumptionListener listener, MeterRegistry meters) {
        DSLContext dsl = Database.dsl(dataSource);
        EnvelopeValidator validator = new EnvelopeValidator(EventSchemas.load(), settings.maxRecordBytes());
        stateTopic = PaymentStateTopic.open(settings.clients());
        for (int i = 1; i <= settings.threads(); i++) {
            ConsumerWorker worker = new ConsumerWorker("notification-consumer-" + i, settings, dsl, clock, listener,
                    validator, stateTopic);
            worker.bindMetrics(meters);
            workers.add(worker);
        }
    }

    /** Every ledger event topic of the prefix; neither the dead-letter topic nor the payment state topic. */
    static Pattern topicPattern(String prefix) {
        return Pattern.compile(Pattern.quote(prefix) + "\\.payment(?!-state$).*");
    }

    /** Readiness of the Kafka side: DOWN with the reason while any worker's polls fail (e.g. refused credentials). */
    public Health kafkaHealth() {
        for (ConsumerWorker worker : workers) {
            String problem = worker.kafkaProblem();
            if (problem != null) {
                return Health.down(problem);
            }
        }
        return Health.up(workers.size() + " consumer(s) polling");
    }

    /** Starts every worker. */
    public void start() {
        workers.forEach(ConsumerWorker::start);
    }

    /** Stops every worker after its current batch is committed. */
    @Override
    public void close() {
        workers.forEach(ConsumerWorker::requestStop);
        try {
            for (ConsumerWorker worker : workers) {
                worker.awaitStopped(STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stateTopic.close();
        }
    }
}
