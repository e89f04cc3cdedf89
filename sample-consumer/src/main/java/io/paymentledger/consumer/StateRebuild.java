package io.paymentledger.consumer;

import io.paymentledger.consumer.state.PaymentProjection;
import io.paymentledger.consumer.state.ProjectionComparison;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code rebuild-state}: rebuilds the payment state projection from the event topics into
 * {@code payment_state_rebuild}, then compares it with the live {@code payment_state}. It reads every partition from
 * its beginning to the end offset it had when the rebuild started, a poll at a time (memory stays bounded), without
 * joining any consumer group; there is no inbox: the state rules ignore an event already reflected.
 */
final class StateRebuild {
    private static final Logger log = LoggerFactory.getLogger(StateRebuild.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    /** A rebuild that reads nothing for this long, with partitions still behind their end, fails. */
    private static final Duration STALLED_AFTER = Duration.ofSeconds(60);

    private final KafkaClientSettings kafka;
    private final String groupId;
    private final DSLContext dsl;
    private final EnvelopeValidator validator;
    private final Clock clock;

    StateRebuild(KafkaClientSettings kafka, String groupId, DSLContext dsl, EnvelopeValidator validator, Clock clock) {
        this.kafka = kafka;
        this.groupId = groupId;
        this.dsl = dsl;
        this.validator = validator;
        this.clock = clock;
    }

    /**
     * What the rebuild read and how it compares.
     *
     * @param skipped invalid records by reason code; they never touch the state, as in the live consumer
     */
    record Report(List<String> topics, long records, long events, Map<String, Long> skipped,
                  ProjectionComparison.Result comparison) {
    }

    Report run() {
        PaymentProjection projection = PaymentProjection.rebuild(groupId);
        int cleared = projection.clear(dsl);
        log.info("Rebuilding the payment state of group {} from the topics (cleared {} rows of the last rebuild)",
                groupId, cleared);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties(), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = eventPartitions(consumer);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, METADATA_TIMEOUT);
            long records = 0;
            long events = 0;
            Map<String, Long> skipped = new TreeMap<>();
            long lastProgress = System.nanoTime();
            while (!reachedEnd(consumer, end)) {
                ConsumerRecords<String, byte[]> polled = consumer.poll(POLL);
                if (polled.isEmpty()) {
                    if (System.nanoTime() - lastProgress > STALLED_AFTER.toNanos()) {
                        throw new IllegalStateException("rebuild-state read nothing for " + STALLED_AFTER
                                + " with partitions still behind their end offsets; is Kafka reachable?");
                    }
                    continue;
                }
                lastProgress = System.nanoTime();
                records += polled.count();
                events += apply(projection, polled, skipped);
            }
            List<String> topics = partitions.stream().map(TopicPartition::topic).distinct().sorted().toList();
            return new Report(topics, records, events, skipped, ProjectionComparison.compare(dsl, groupId));
        }
    }

    private long apply(PaymentProjection projection, ConsumerRecords<String, byte[]> polled,
                       Map<String, Long> skipped) {
        List<Envelope> valid = new ArrayList<>(polled.count());
        for (ConsumerRecord<String, byte[]> record : polled) {
            Validation verdict = validator.validate(record.value());
            if (verdict instanceof Validation.Valid ok) {
                valid.add(ok.envelope());
            } else {
                skipped.merge(((Validation.Invalid) verdict).reason().code(), 1L, Long::sum);
            }
        }
        dsl.transaction(configuration -> projection.apply(configuration.dsl(), valid, clock.instant()));
        return valid.size();
    }

    private List<TopicPartition> eventPartitions(KafkaConsumer<String, byte[]> consumer) {
        Pattern events = NotificationService.topicPattern(kafka.kafka().topicPrefix());
        List<TopicPartition> partitions = new ArrayList<>();
        for (Map.Entry<String, List<PartitionInfo>> topic : consumer.listTopics(METADATA_TIMEOUT).entrySet()) {
            if (events.matcher(topic.getKey()).matches()) {
                topic.getValue().forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
        }
        return partitions;
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey(), METADATA_TIMEOUT) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private Properties properties() {
        Properties properties = new Properties();
        properties.putAll(kafka.consumer());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_500);
        return properties;
    }
}
