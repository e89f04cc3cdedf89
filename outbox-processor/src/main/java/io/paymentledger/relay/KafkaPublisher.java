package io.paymentledger.relay;

import io.paymentledger.config.KafkaConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes through ONE idempotent producer ({@code enable.idempotence=true}, {@code acks=all}): the whole batch is
 * sent asynchronously, then every acknowledgement is awaited. Errors are classified by exception type.
 */
final class KafkaPublisher implements Publisher {
    static final String CONTENT_TYPE = "application/json";

    private final Producer<String, byte[]> producer;
    private final KafkaConfig kafka;
    private final TopicRouting routing;
    private final EnvelopeWriter envelopes = new EnvelopeWriter();

    KafkaPublisher(Producer<String, byte[]> producer, KafkaConfig kafka, TopicRouting routing) {
        this.producer = producer;
        this.kafka = kafka;
        this.routing = routing;
    }

    static KafkaPublisher create(KafkaConfig kafka, TopicRouting routing, String instanceId) {
        return new KafkaPublisher(
                new KafkaProducer<>(producerConfig(kafka, instanceId), new StringSerializer(), new ByteArraySerializer()),
                kafka, routing);
    }

    /** The producer settings the relay's guarantees rest on; not overridable. */
    static Map<String, Object> producerConfig(KafkaConfig kafka, String instanceId) {
        Map<String, Object> config = new HashMap<>(kafka.clientProperties());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "outbox-relay-" + instanceId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // <= 5 in flight keeps per-partition order with idempotence, also across retries.
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Bound how long one batch can wait on a broken broker; the rows are retried, never lost.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return config;
    }

    @Override
    public List<PublishResult> publish(List<OutboxRow> rows) throws InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
        for (OutboxRow row : rows) {
            acks.add(send(row));
        }
        List<PublishResult> results = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            results.add(await(rows.get(i), acks.get(i)));
        }
        return results;
    }

    private Future<RecordMetadata> send(OutboxRow row) {
        try {
            return producer.send(record(row));
        } catch (KafkaException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    ProducerRecord<String, byte[]> record(OutboxRow row) {
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
        String topic = routing.topic(kafka, row.eventType(), row.aggregateType());
        return new ProducerRecord<>(topic, null, row.aggregateId(), envelopes.write(row), headers);
    }

    private static PublishResult await(OutboxRow row, Future<RecordMetadata> ack) throws InterruptedException {
        try {
            ack.get();
            return new PublishResult.Published(row);
        } catch (ExecutionException e) {
            return classify(row, e.getCause());
        }
    }

    /** Retriable Kafka errors may pass by themselves; everything else is a property of the record. */
    static PublishResult classify(OutboxRow row, Throwable error) {
        Exception exception = error instanceof Exception e ? e : new KafkaException(error);
        if (error instanceof RetriableException) {
            return new PublishResult.RetryLater(row, exception);
        }
        return new PublishResult.Rejected(row, exception);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
