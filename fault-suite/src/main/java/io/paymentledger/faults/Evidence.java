package io.paymentledger.faults;

import static io.paymentledger.db.jooq.Tables.NOTIFICATION;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Collects the verifier's evidence: the committed rows ({@link CommittedRecord}), both topics read from the beginning,
 * the notifications.
 */
final class Evidence {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(3);

    private Evidence() {
    }

    static Verifier.Evidence collect(DSLContext dsl, String bootstrapServers, String ledgerTopic, String dlqTopic,
                                     String consumerGroup) {
        List<Verifier.Committed> committed = CommittedRecord.all(dsl);
        List<Verifier.Delivered> delivered = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : readAll(bootstrapServers, ledgerTopic)) {
            delivered.add(new Verifier.Delivered(record.topic(), record.partition(), record.offset(),
                    header(record, "event_id"), header(record, "aggregate_type"), record.key(),
                    Long.parseLong(header(record, "aggregate_version"))));
        }
        List<Verifier.DeadLetter> deadLetters = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : readAll(bootstrapServers, dlqTopic)) {
            JsonNode letter = parse(record.value());
            deadLetters.add(new Verifier.DeadLetter(letter.path("event_id").asText(),
                    letter.path("error_class").asText()));
        }
        Map<String, Integer> notifications = dsl.select(NOTIFICATION.EVENT_ID, DSL.count())
                .from(NOTIFICATION)
                .where(NOTIFICATION.CONSUMER_GROUP.eq(consumerGroup))
                .groupBy(NOTIFICATION.EVENT_ID)
                .fetchMap(r -> r.value1(), r -> r.value2());
        return new Verifier.Evidence(committed, delivered, deadLetters, notifications);
    }

    /** Every record of {@code topic} from the beginning to the end offsets seen now, partition by partition. */
    static List<ConsumerRecord<String, byte[]>> readAll(String bootstrapServers, String topic) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + READ_TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        if (header == null) {
            throw new IllegalStateException(record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " has no " + name + " header");
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode parse(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException("a dead letter is not JSON", e);
        }
    }
}
