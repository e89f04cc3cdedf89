package io.paymentledger.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.paymentledger.config.KafkaConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes through ONE idempotent producer ({@code enable.idempotence=true}, {@code acks=all}): the whole batch is
 * sent asynchronously, then every acknowledgement is awaited. Errors are classified by exception type
 * ({@link KafkaErrors}).
 */
final class KafkaPublisher implements Publisher {
    static final String CONTENT_TYPE = "application/json";

    private final Producer<String, byte[]> producer;
    private final ClusterProbe probe;
    private final KafkaConfig kafka;
    private final TopicRouting routing;
    private final EnvelopeWriter envelopes = new EnvelopeWriter();
    private KafkaClientMetrics producerMetrics;
    /** Topics the producer has found; others are asked of the cluster first. Bounded: cleared when full. */
    private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();
    private static final int MAX_KNOWN_TOPICS = 10_000;

    KafkaPublisher(Producer<String, byte[]> producer, ClusterProbe probe, KafkaConfig kafka, TopicRouting routing) {
        this.producer = producer;
        this.probe = probe;
        this.kafka = kafka;
        this.routing = routing;
    }

    static KafkaPublisher create(RelayConfig config) {
        Map<String, Object> producerConfig = ProducerSettings.producerConfig(config);
        return new KafkaPublisher(
                new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer()),
                ClusterProbe.kafka(producerConfig, ProducerSettings.maxBlock(config.claimTimeout())),
                config.kafka(), config.routing());
    }

    /** Binds the producer's own metrics (record send rate, errors, request latency, ...) as {@code kafka_producer_*}. */
    synchronized void bindMetrics(MeterRegistry meters) {
        producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(meters);
    }

    @Override
    public List<PublishResult> publish(List<OutboxRow> rows) throws InterruptedException {
        Map<String, KafkaException> unusableTopics = unusableTopics(rows);
        List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
        Set<AggregateKey> failed = new HashSet<>();
        for (OutboxRow row : rows) {
            if (failed.contains(row.aggregate())) {
                acks.add(null);
                continue;
            }
            KafkaException topicError = unusableTopics.get(topicOf(row));
            Future<RecordMetadata> ack = topicError != null ? CompletableFuture.failedFuture(topicError) : send(row);
            if (failedAlready(ack)) {
                failed.add(row.aggregate());
            }
            acks.add(ack);
        }
        List<PublishResult> results = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Future<RecordMetadata> ack = acks.get(i);
            results.add(ack == null ? new PublishResult.Held(rows.get(i)) : await(rows.get(i), ack));
        }
        return results;
    }

    /** Whether a send has failed by the time it returned (e.g. record too large, topic unusable). */
    private static boolean failedAlready(Future<RecordMetadata> ack) {
        if (!ack.isDone()) {
            return false;
        }
        try {
            ack.get();
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Looks up each topic of the batch before sending, so a missing or invalid topic costs one lookup per pass, not
     * one per record. A topic the producer has not seen yet is first asked of the cluster (one quick admin call):
     * if the cluster says it does not exist, the rows fail at once instead of holding the whole batch for the
     * producer's metadata wait. A metadata timeout is a missing topic only when the cluster says so; otherwise it
     * stays a timeout, an outage.
     */
    private Map<String, KafkaException> unusableTopics(List<OutboxRow> rows) throws InterruptedException {
        Map<String, KafkaException> unusable = new HashMap<>();
        boolean unreachable = false;
        for (String topic : rows.stream().map(this::topicOf).distinct().toList()) {
            if (!knownTopics.contains(topic) && !unreachable) {
                ClusterProbe.TopicState state = probe.topic(topic);
                if (state == ClusterProbe.TopicState.MISSING) {
                    unusable.put(topic, missing(topic, null));
                    continue;
                }
                unreachable = state == ClusterProbe.TopicState.UNREACHABLE;
            }
            try {
                producer.partitionsFor(topic);
                rememberKnown(topic);
            } catch (TimeoutException e) {
                // One unanswered probe is enough: the other topics of the pass wait for the same broker.
                ClusterProbe.TopicState state = unreachable ? ClusterProbe.TopicState.UNREACHABLE : probe.topic(topic);
                unreachable = state == ClusterProbe.TopicState.UNREACHABLE;
                unusable.put(topic, state == ClusterProbe.TopicState.MISSING ? missing(topic, e) : e);
            } catch (KafkaException e) {
                unusable.put(topic, e);
            }
        }
        return unusable;
    }

    private static UnknownTopicOrPartitionException missing(String topic, Throwable cause) {
        return new UnknownTopicOrPartitionException("topic " + topic + " does not exist (the cluster says so); "
                + "create it", cause);
    }

    private void rememberKnown(String topic) {
        if (knownTopics.size() >= MAX_KNOWN_TOPICS) {
            knownTopics.clear();
        }
        knownTopics.add(topic);
    }

    @Override
    public List<PublishResult> deadLetter(List<DeadLetter> letters) throws InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(letters.size());
        for (DeadLetter letter : letters) {
            acks.add(send(new ProducerRecord<>(kafka.deadLetterTopic(), null, letter.row().aggregateId(),
                    letter.value(), headers(letter.row()))));
        }
        List<PublishResult> results = new ArrayList<>(letters.size());
        for (int i = 0; i < letters.size(); i++) {
            results.add(await(letters.get(i).row(), acks.get(i)));
        }
        return results;
    }

    @Override
    public String topicOf(OutboxRow row) {
        return routing.topic(kafka, row.eventType(), row.aggregateType());
    }

    private Future<RecordMetadata> send(OutboxRow row) {
        return send(record(row));
    }

    private Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        try {
            return producer.send(record);
        } catch (KafkaException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    ProducerRecord<String, byte[]> record(OutboxRow row) {
        return new ProducerRecord<>(topicOf(row), null, row.aggregateId(), envelopes.write(row), headers(row));
    }

    private static RecordHeaders headers(OutboxRow row) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("event_id", utf8(row.eventId()));
        headers.add("event_type", utf8(row.eventType()));
        headers.add("event_version", utf8(Integer.toString(row.eventVersion())));
        headers.add("aggregate_type", utf8(row.aggregateType()));
        headers.add("aggregate_version", utf8(Long.toString(row.aggregateVersion())));
        headers.add("content-type", utf8(CONTENT_TYPE));
        if (row.correlationId() != null) {
            headers.add("correlation_id", utf8(row.correlationId()));
        }
        return headers;
    }

    private static PublishResult await(OutboxRow row, Future<RecordMetadata> ack) throws InterruptedException {
        try {
            ack.get();
            return new PublishResult.Published(row);
        } catch (ExecutionException e) {
            return KafkaErrors.classify(row, e.getCause());
        }
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (producerMetrics != null) {
            producerMetrics.close();
        }
        producer.close();
        probe.close();
    }
}
