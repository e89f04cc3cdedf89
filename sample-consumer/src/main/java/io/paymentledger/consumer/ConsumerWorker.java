package io.paymentledger.consumer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of the service's group on its own thread: polls the partitions the group gives it, handles each poll
 * as one batch (a handful of statements in one transaction) and commits the offsets only after the database commit.
 */
final class ConsumerWorker {
    private static final Logger log = LoggerFactory.getLogger(ConsumerWorker.class);

    private final ConsumerSettings settings;
    private final DSLContext dsl;
    private final Clock clock;
    private final ConsumptionListener listener;
    private final EnvelopeValidator validator;
    private final String name;
    private final InboxStore inbox = new InboxStore();
    private final AggregateProgress progress = new AggregateProgress();
    private final RejectionStore rejections = new RejectionStore();
    private final KafkaConsumer<String, byte[]> consumer;
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean running;
    private Thread worker;

    ConsumerWorker(String name, ConsumerSettings settings, DSLContext dsl, Clock clock, ConsumptionListener listener,
                   EnvelopeValidator validator) {
        this.name = name;
        this.settings = settings;
        this.dsl = dsl;
        this.clock = clock;
        this.listener = listener;
        this.validator = validator;
        this.consumer = new KafkaConsumer<>(consumerProperties(settings), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    private static Properties consumerProperties(ConsumerSettings settings) {
        Properties properties = new Properties();
        properties.putAll(settings.kafka().clientProperties());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A new group starts at the beginning: nothing published before it joined is skipped.
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_500);
        // New payment* topics are discovered within 30 s.
        properties.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 30_000);
        return properties;
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
            log.info("Consuming {}.payment* as group {}", settings.kafka().topicPrefix(), settings.groupId());
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    handleOrRewind(records);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } finally {
            consumer.close();
            stopped.countDown();
        }
    }

    /**
     * Handles a batch; if the database or the offset commit fails, rewinds to the batch's first offsets so the same
     * records come again (the inbox makes the replay harmless) and waits before the next try.
     */
    private void handleOrRewind(ConsumerRecords<String, byte[]> records) {
        try {
            handle(records);
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            log.error("Batch of {} records failed; will retry it after {}", records.count(), RETRY_DELAY, e);
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

    /** What one batch's transaction did. */
    private record Outcome(InboxStore.BatchResult inbox, List<AggregateProgress.Flag> flags) {
    }

    private void handle(ConsumerRecords<String, byte[]> records) {
        List<Envelope> valid = new ArrayList<>(records.count());
        List<RejectedRecord> rejected = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            Validation verdict = validator.validate(record.value());
            if (verdict instanceof Validation.Valid ok) {
                valid.add(ok.envelope());
            } else {
                rejected.add(RejectedRecord.of(record, (Validation.Invalid) verdict));
            }
        }
        Instant now = clock.instant();
        Outcome outcome = dsl.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            InboxStore.BatchResult result = inbox.applyOnce(tx, settings.groupId(), valid, now);
            List<AggregateProgress.Flag> flags = progress.track(tx, settings.groupId(), result.applied(), now);
            rejections.record(tx, settings.groupId(), rejected, now);
            return new Outcome(result, flags);
        });
        consumer.commitSync();
        report(outcome, rejected);
    }

    private void report(Outcome outcome, List<RejectedRecord> rejected) {
        outcome.inbox().applied().forEach(envelope -> listener.processed(envelope, false));
        outcome.inbox().duplicates().forEach(envelope -> listener.processed(envelope, true));
        for (AggregateProgress.Flag flag : outcome.flags()) {
            Envelope envelope = flag.envelope();
            log.warn("{} for {} {}: version {} arrived while the highest applied was {}; applied it anyway",
                    flag.gap() ? "Version gap" : "Late predecessor", envelope.aggregateType(), envelope.aggregateId(),
                    envelope.aggregateVersion(), flag.highestBefore());
            if (flag.gap()) {
                listener.gap(envelope, flag.highestBefore());
            } else {
                listener.late(envelope, flag.highestBefore());
            }
        }
        for (RejectedRecord record : rejected) {
            log.warn("Rejected record {}-{}@{} (event {}): {}: {}", record.topic(), record.partition(), record.offset(),
                    record.eventId(), record.verdict().reason().code(), record.verdict().detail());
            listener.rejected(record.topic(), record.partition(), record.offset(), record.verdict());
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
