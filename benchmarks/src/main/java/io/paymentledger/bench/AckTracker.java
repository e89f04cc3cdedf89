package io.paymentledger.bench;

import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts acknowledged records: reads the event topic from the beginning and takes each record's timestamp, which the
 * topic sets to the broker's append time ({@code message.timestamp.type=LogAppendTime}): with {@code acks=all} on
 * this broker, the moment the record was acknowledged. A redelivered event counts once, at its first append.
 */
final class AckTracker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AckTracker.class);

    private final EventPlan plan;
    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final long[] ackMillis;
    private final BitSet seen;
    private final AtomicInteger acked = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicLong lastAckMillis = new AtomicLong();
    private final AtomicLong firstAckMillis = new AtomicLong(Long.MAX_VALUE);
    private final CountDownLatch complete = new CountDownLatch(1);
    private final Thread reader;
    private volatile RuntimeException failure;

    AckTracker(String bootstrapServers, String topic, EventPlan plan) {
        this.plan = plan;
        this.topic = topic;
        this.ackMillis = new long[plan.events()];
        this.seen = new BitSet(plan.events());
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "benchmark-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.reader = new Thread(this::read, "ack-tracker");
    }

    void start() {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        reader.start();
    }

    private void read() {
        try {
            while (acked.get() < plan.events()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    take(record);
                }
            }
            complete.countDown();
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
            complete.countDown();
        }
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        long version = EventPlan.parseVersion(record.headers().lastHeader("aggregate_version") == null ? null
                : record.headers().lastHeader("aggregate_version").value());
        int event = plan.eventOf(record.key(), version);
        if (event < 0) {
            throw new IllegalStateException("record at " + record.topic() + "/" + record.partition() + "@"
                    + record.offset() + " is not one of this run's events (key " + record.key() + ")");
        }
        if (seen.get(event)) {
            duplicates.incrementAndGet();
            return;
        }
        seen.set(event);
        ackMillis[event] = record.timestamp();
        lastAckMillis.accumulateAndGet(record.timestamp(), Math::max);
        firstAckMillis.accumulateAndGet(record.timestamp(), Math::min);
        acked.incrementAndGet();
    }

    /**
     * Waits until every event was acknowledged; fails when none arrives for {@code stall} (the relay is stuck or a
     * row went to the DLQ).
     */
    void awaitAll(Duration stall) throws InterruptedException {
        int before = -1;
        while (!complete.await(stall.toMillis(), TimeUnit.MILLISECONDS)) {
            int now = acked.get();
            if (now == before) {
                throw new IllegalStateException("no acknowledgement for " + stall.toSeconds() + " s with " + now
                        + " of " + plan.events() + " events acknowledged; see the relay logs");
            }
            before = now;
        }
        if (failure != null) {
            throw failure;
        }
    }

    int acked() {
        return acked.get();
    }

    int duplicates() {
        return duplicates.get();
    }

    /** Valid after {@link #awaitAll}. */
    long ackMillis(int event) {
        return ackMillis[event];
    }

    long firstAckMillis() {
        return firstAckMillis.get();
    }

    long lastAckMillis() {
        return lastAckMillis.get();
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        reader.join(10_000);
        if (!reader.isAlive()) {
            consumer.close();
        } else {
            log.warn("Ack tracker did not stop within 10 s");
        }
    }
}
