package io.paymentledger.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.paymentledger.config.KafkaPassThrough;
import io.paymentledger.consumer.state.PaymentStateTopic;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One consumer of the service's group on its own thread: polls the partitions the group gives it, handles each poll
 * as one batch (a handful of statements in one transaction) and commits the offsets only after the database commit.
 */
final class ConsumerWorker {
    private static final Logger log = LoggerFactory.getLogger(ConsumerWorker.class);

    private final ConsumerSettings settings;
    private final ConsumptionListener listener;
    private final String name;
    private final BatchHandler batches;
    private final KafkaConsumer<String, byte[]> consumer;
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    static final int ISOLATE_AFTER = 3;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean running;
    private volatile String kafkaProblem;
    private int failuresInARow;
    private Thread worker;
    private KafkaClientMetrics clientMetrics;

    ConsumerWorker(String name, ConsumerSettings settings, DSLContext dsl, Clock clock, ConsumptionListener listener,
                   EnvelopeValidator validator, PaymentStateTopic stateTopic) {
        this.name = name;
        this.settings = settings;
        this.listener = listener;
        this.batches = new BatchHandler(settings.groupId(), dsl, clock, validator, stateTopic::publish);
        this.consumer = new KafkaConsumer<>(consumerProperties(settings), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    private static Properties consumerProperties(ConsumerSettings settings) {
        Properties properties = new Properties();
        properties.putAll(settings.clients().consumer());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A new group starts at the beginning: nothing published before it joined is skipped.
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_500);
        // New payment* topics are discovered within 30 s, unless KAFKA_METADATA_MAX_AGE_MS says otherwise.
        properties.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 30_000);
        return properties;
    }

    /** Binds this worker's Kafka consumer metrics (fetch rates, {@code records-lag-max}, ...) to {@code meters}. */
    synchronized void bindMetrics(MeterRegistry meters) {
        clientMetrics = new KafkaClientMetrics(consumer);
        clientMetrics.bindTo(meters);
    }

    /** Starts the worker's thread. */
    synchronized void start() {
        running = true;
        worker = new Thread(this::loop, name);
        worker.start();
    }

    private void loop() {
        try {
            consumer.subscribe(NotificationService.topicPattern(settings.kafka().topicPrefix()));
            log.info("Consuming {}.payment* (but its payment-state topic) as group {}", settings.kafka().topicPrefix(),
                    settings.groupId());
            while (running) {
                ConsumerRecords<String, byte[]> records = pollOrWait();
                if (!records.isEmpty()) {
                    handleOrRewind(records);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } finally {
            closeMetrics();
            consumer.close();
            stopped.countDown();
        }
    }

    /**
     * The next records; when Kafka refuses the poll (wrong credentials, missing permissions, a broken setting), the
     * problem is logged, shown by {@link #kafkaProblem()} (readiness turns DOWN) and the poll is tried again after a
     * second: a rotated secret heals without a restart, and the worker never dies silently.
     */
    private ConsumerRecords<String, byte[]> pollOrWait() {
        try {
            ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
            kafkaProblem = null;
            return records;
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            String problem = KafkaPassThrough.explain(e);
            if (!problem.equals(kafkaProblem)) {
                log.error("{} cannot consume: {}; retrying every {}", name, problem, RETRY_DELAY, e);
            }
            kafkaProblem = problem;
            awaitRetry();
            return ConsumerRecords.empty();
        }
    }

    /** Why the last poll failed, or null when it succeeded. */
    String kafkaProblem() {
        return kafkaProblem;
    }

    /**
     * Handles a batch, commits its offsets and reports it. If the database or the offset commit fails, rewinds to
     * the batch's first offsets so the same records come again (the inbox makes the replay harmless) and waits
     * before the next try; from the {@value #ISOLATE_AFTER}th failure in a row the batch is applied record by
     * record, so one record the database refuses cannot block the partition.
     */
    private void handleOrRewind(ConsumerRecords<String, byte[]> records) {
        long started = System.nanoTime();
        try {
            BatchHandler.Outcome outcome = failuresInARow >= ISOLATE_AFTER
                    ? batches.applyOneByOne(records) : batches.apply(records);
            consumer.commitSync();
            failuresInARow = 0;
            listener.batchHandled(records.count(), System.nanoTime() - started);
            report(outcome);
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            failuresInARow++;
            log.error("Batch of {} records failed ({} in a row); will retry it after {}", records.count(),
                    failuresInARow, RETRY_DELAY, e);
            for (TopicPartition partition : records.partitions()) {
                // A rebalance may have moved the partition away; its new owner starts at the committed offset.
                if (consumer.assignment().contains(partition)) {
                    consumer.seek(partition, records.records(partition).get(0).offset());
                }
            }
            awaitRetry();
        }
    }

    private void awaitRetry() {
        try {
            if (closing.await(RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS)) {
                running = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void report(BatchHandler.Outcome outcome) {
        for (Envelope envelope : outcome.applied()) {
            try (MDC.MDCCloseable event = MDC.putCloseable("event_id", envelope.eventId());
                 MDC.MDCCloseable trace = putTraceId(outcome, envelope)) {
                log.debug("Applied {} v{} of {} {}", envelope.eventType(), envelope.aggregateVersion(),
                        envelope.aggregateType(), envelope.aggregateId());
            }
            listener.processed(envelope, false);
        }
        outcome.duplicates().forEach(envelope -> listener.processed(envelope, true));
        for (AggregateProgress.Flag flag : outcome.flags()) {
            Envelope envelope = flag.envelope();
            try (MDC.MDCCloseable event = MDC.putCloseable("event_id", envelope.eventId());
                 MDC.MDCCloseable trace = putTraceId(outcome, envelope)) {
                reportFlag(flag, envelope);
            }
        }
        for (RejectedRecord record : outcome.rejected()) {
            log.warn("Rejected record {}-{}@{} (event {}): {}: {}", record.topic(), record.partition(), record.offset(),
                    record.eventId(), record.verdict().reason().code(), record.verdict().detail());
            listener.rejected(record.topic(), record.partition(), record.offset(), record.verdict());
        }
    }

    /** The event's trace id in the MDC ({@code trace_id}) while the returned handle is open; a no-op without one. */
    private static MDC.MDCCloseable putTraceId(BatchHandler.Outcome outcome, Envelope envelope) {
        String traceId = outcome.traceIds().get(envelope.eventId());
        return traceId == null ? null : MDC.putCloseable(TraceIds.MDC_KEY, traceId);
    }

    private void reportFlag(AggregateProgress.Flag flag, Envelope envelope) {
        log.warn("{} for {} {}: version {} arrived while the highest applied was {}; applied it anyway",
                flag.gap() ? "Version gap" : "Late predecessor", envelope.aggregateType(), envelope.aggregateId(),
                envelope.aggregateVersion(), flag.highestBefore());
        if (flag.gap()) {
            listener.gap(envelope, flag.highestBefore());
        } else {
            listener.late(envelope, flag.highestBefore());
        }
    }

    private synchronized void closeMetrics() {
        if (clientMetrics != null) {
            clientMetrics.close();
        }
    }

    /** Asks the worker to stop after its current batch; returns at once. */
    void requestStop() {
        running = false;
        closing.countDown();
        consumer.wakeup();
    }

    /** Waits until the worker has stopped and closed its consumer. */
    void awaitStopped(Duration timeout) throws InterruptedException {
        if (worker != null && !stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("{} did not stop within {}", name, timeout);
        }
    }
}
