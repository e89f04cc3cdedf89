package io.paymentledger.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.schemas.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code <prefix>.dlq} by assigning its partitions itself: no consumer group, no committed offsets, so it never
 * disturbs a service. Prints one line per dead letter (or its raw JSON), oldest first per partition.
 */
public final class DeadLetterTail {
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(15);

    /**
     * @param fromBeginning every dead letter still on the topic; otherwise the last {@code last} per partition
     * @param follow        keep printing new dead letters until stopped; otherwise stop at the end offsets seen at start
     * @param json          print each record's value as it is instead of a summary line
     */
    public record Options(boolean fromBeginning, boolean follow, boolean json, int last) {
        public Options {
            if (last < 0) {
                throw new IllegalArgumentException("--last must be 0 or more but was " + last);
            }
        }
    }

    private final KafkaClientSettings kafka;
    private final PrintWriter out;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean stopped;

    public DeadLetterTail(KafkaClientSettings kafka, PrintWriter out) {
        this.kafka = kafka;
        this.out = out;
    }

    /** Prints until the end (or, with {@code follow}, until {@link #stop()}); the number of dead letters printed. */
    public long run(Options options) {
        Properties properties = new Properties();
        properties.putAll(kafka.consumer());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> opened = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = opened;
            if (stopped) {
                return 0;
            }
            return print(options);
        } catch (WakeupException e) {
            return 0;
        }
    }

    private long print(Options options) {
        List<TopicPartition> partitions = partitions();
        consumer.assign(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
        for (TopicPartition partition : partitions) {
            long start = options.fromBeginning() ? beginnings.get(partition)
                    : Math.max(beginnings.get(partition), ends.get(partition) - options.last());
            consumer.seek(partition, start);
        }
        long printed = 0;
        try {
            while (!stopped && (options.follow() || !reached(ends))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    out.println(options.json() ? new String(record.value(), StandardCharsets.UTF_8) : line(record));
                    printed++;
                }
                out.flush();
            }
        } catch (WakeupException e) {
            // stop() asked us to return
        }
        return printed;
    }

    private List<TopicPartition> partitions() {
        String topic = kafka.kafka().deadLetterTopic();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("topic " + topic + " does not exist; check KAFKA_TOPIC_PREFIX and"
                    + " KAFKA_BOOTSTRAP_SERVERS");
        }
        return infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }

    /** e.g. {@code 2026-11-22T10:00:00Z 01J... PaymentAuthorized Payment/01J... v3 attempts=5 RecordTooLarge...: ...}. */
    static String line(ConsumerRecord<String, byte[]> record) {
        JsonNode letter;
        try {
            letter = Json.mapper().readTree(record.value());
        } catch (IOException | RuntimeException e) {
            letter = null;
        }
        if (letter == null || !letter.isObject()) {
            return record.partition() + "@" + record.offset() + " unreadable dead letter ("
                    + (record.value() == null ? 0 : record.value().length) + " bytes)";
        }
        return String.format("%s %s %s %s/%s v%s attempts=%s %s: %s%s", text(letter, "dead_lettered_at"),
                text(letter, "event_id"), text(letter, "event_type"), text(letter, "aggregate_type"),
                text(letter, "aggregate_id"), text(letter, "aggregate_version"), text(letter, "attempts"),
                text(letter, "error_class"), text(letter, "error_message"),
                letter.path("envelope_omitted_reason").isTextual()
                        ? " (envelope omitted: " + letter.get("envelope_omitted_reason").asText() + ")" : "");
    }

    private static String text(JsonNode letter, String field) {
        JsonNode value = letter.path(field);
        return value.isMissingNode() || value.isNull() ? "-" : value.asText();
    }

    /** Makes a running {@link #run} return soon; safe from any thread. */
    void stop() {
        stopped = true;
        KafkaConsumer<String, byte[]> running = consumer;
        if (running != null) {
            running.wakeup();
        }
    }
}
