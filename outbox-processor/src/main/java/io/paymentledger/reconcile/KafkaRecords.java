package io.paymentledger.reconcile;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the records a window covers from every topic of the prefix (the event topics and the DLQ; not the consumer's
 * payment state topic): each partition from the offset Kafka gives for the window's start time
 * ({@code offsetsForTimes}) to the one for its end, never whole topics, a poll at a time, without a consumer group.
 * Record values are not deserialized: the headers and key identify the event.
 */
final class KafkaRecords {
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STALLED_AFTER = Duration.ofSeconds(60);

    private final Map<String, Object> clientProperties;
    private final String topicPrefix;
    private final String deadLetterTopic;

    /**
     * @param clientProperties bootstrap servers and the pass-through settings a consumer knows (TLS, SASL)
     */
    KafkaRecords(Map<String, Object> clientProperties, String topicPrefix, String deadLetterTopic) {
        this.clientProperties = clientProperties;
        this.topicPrefix = topicPrefix;
        this.deadLetterTopic = deadLetterTopic;
    }

    /** Hands the window's records to {@code sink}, a poll at a time; returns the topics read. */
    List<String> read(ReconcileWindow window, Consumer<List<SeenRecord>> sink) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer);
            Map<TopicPartition, Long> start = offsetsAt(consumer, partitions, window.readFrom());
            Map<TopicPartition, Long> end = offsetsAt(consumer, partitions, window.readTo());
            Map<TopicPartition, Long> toRead = new HashMap<>();
            start.forEach((partition, offset) -> {
                if (offset < end.get(partition)) {
                    toRead.put(partition, end.get(partition));
                }
            });
            consumer.assign(toRead.keySet());
            toRead.keySet().forEach(partition -> consumer.seek(partition, start.get(partition)));
            drain(consumer, toRead, sink);
            return partitions.stream().map(TopicPartition::topic).distinct().sorted().toList();
        }
    }

    private void drain(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end,
                       Consumer<List<SeenRecord>> sink) {
        long lastProgress = System.nanoTime();
        while (!end.isEmpty()) {
            ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
            List<SeenRecord> seen = new ArrayList<>(polled.count());
            for (ConsumerRecord<byte[], byte[]> record : polled) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                Long last = end.get(partition);
                if (last != null && record.offset() < last) {
                    seen.add(seen(record));
                }
            }
            if (!seen.isEmpty()) {
                sink.accept(seen);
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALLED_AFTER.toNanos()) {
                throw new IllegalStateException("reconcile read nothing for " + STALLED_AFTER + " with partitions "
                        + end.keySet() + " still before their window's end; is Kafka reachable?");
            }
            end.entrySet().removeIf(e -> consumer.position(e.getKey(), METADATA_TIMEOUT) >= e.getValue());
            consumer.pause(consumer.assignment().stream().filter(p -> !end.containsKey(p)).toList());
        }
    }

    private SeenRecord seen(ConsumerRecord<byte[], byte[]> record) {
        String version = header(record, "aggregate_version");
        return new SeenRecord(header(record, "event_id"), record.topic(), record.partition(), record.offset(),
                header(record, "aggregate_type"),
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                version == null || !version.matches("\\d{1,18}") ? null : Long.valueOf(version),
                Instant.ofEpochMilli(record.timestamp()), record.topic().equals(deadLetterTopic));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Every partition of the prefix's topics but the payment state topic, which the relay does not write. */
    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (Map.Entry<String, List<PartitionInfo>> topic : consumer.listTopics(METADATA_TIMEOUT).entrySet()) {
            String name = topic.getKey();
            if (name.startsWith(topicPrefix + ".") && !name.equals(topicPrefix + ".payment-state")) {
                topic.getValue().forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
        }
        return partitions;
    }

    /** Per partition, the first offset whose timestamp is at or after {@code time}, or its end offset. */
    private static Map<TopicPartition, Long> offsetsAt(KafkaConsumer<byte[], byte[]> consumer,
                                                       List<TopicPartition> partitions, Instant time) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(partition -> query.put(partition, time.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, METADATA_TIMEOUT);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, METADATA_TIMEOUT);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp at = found.get(partition);
            offsets.put(partition, at == null ? ends.get(partition) : at.offset());
        }
        return offsets;
    }

    private Properties properties() {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        return properties;
    }
}
