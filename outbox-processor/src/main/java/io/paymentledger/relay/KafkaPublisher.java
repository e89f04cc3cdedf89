package io.paymentledger.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.paymentledger.config.KafkaConfig;
import io.paymentledger.outbox.TraceContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes through ONE idempotent producer ({@code enable.idempotence=true}, {@code acks=all}): the whole batch is
 * sent asynchronously, then every acknowledgement is awaited. Each topic is checked first ({@link TopicGate}): rows of
 * a missing topic are not sent but held. Errors are classified by exception type ({@link KafkaErrors}).
 */
final class KafkaPublisher implements Publisher {
    static final String CONTENT_TYPE = "application/json";

    private final Producer<String, byte[]> producer;
    private final TopicGate gate;
    private final MissingTopics missing;
    private final KafkaConfig kafka;
    private final TopicRouting routing;
    private final Clock clock;
    private final EnvelopeWriter envelopes = new EnvelopeWriter();
    private final ClusterProbe probe;
    private KafkaClientMetrics producerMetrics;

    KafkaPublisher(Producer<String, byte[]> producer, ClusterProbe probe, TopicCreation creation,
                   MissingTopics missing, KafkaConfig kafka, TopicRouting routing, Clock clock) {
        this.producer = producer;
        this.gate = new TopicGate(producer, probe, creation, missing, clock);
        this.probe = probe;
        this.missing = missing;
        this.kafka = kafka;
        this.routing = routing;
        this.clock = clock;
    }

    static KafkaPublisher create(RelayConfig config, MissingTopics missing, Clock clock) {
        Map<String, Object> producerConfig = ProducerSettings.producerConfig(config);
        return new KafkaPublisher(
                new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer()),
                ClusterProbe.kafka(producerConfig, ProducerSettings.maxBlock(config.claimTimeout())),
                config.topicCreation(), missing, config.kafka(), config.routing(), clock);
    }

    /** The check of this publisher's topics, whose {@link TopicGate#recheck} housekeeping runs. */
    TopicGate topics() {
        return gate;
    }

    /** Binds the producer's own metrics (record send rate, errors, request latency, ...) as {@code kafka_producer_*}. */
    synchronized void bindMetrics(MeterRegistry meters) {
        producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(meters);
    }

    @Override
    public List<PublishResult> publish(List<OutboxRow> rows) throws InterruptedException {
        Map<String, TopicGate.Verdict> verdicts = gate.check(rows.stream().map(this::topicOf).distinct().toList());
        holdMissing(rows, verdicts);
        PublishResult[] decided = new PublishResult[rows.size()];
        List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
        Set<AggregateKey> failed = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            OutboxRow row = rows.get(i);
            TopicGate.Verdict verdict = verdicts.get(topicOf(row));
            Future<RecordMetadata> ack = null;
            if (failed.contains(row.aggregate())) {
                decided[i] = new PublishResult.Held(row);
            } else if (verdict instanceof TopicGate.Verdict.Missing m) {
                decided[i] = new PublishResult.TopicMissing(row, topicOf(row), m.reason());
                failed.add(row.aggregate());
            } else {
                ack = send(verdict, () -> record(row));
                if (failedAlready(ack)) {
                    failed.add(row.aggregate());
                }
            }
            acks.add(ack);
        }
        List<PublishResult> results = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            results.add(decided[i] != null ? decided[i] : await(rows.get(i), acks.get(i)));
        }
        return results;
    }

    /** Holds every topic found missing, with the routing keys of its rows, so claims leave those rows out. */
    private void holdMissing(List<OutboxRow> rows, Map<String, TopicGate.Verdict> verdicts) {
        verdicts.forEach((topic, verdict) -> {
            if (verdict instanceof TopicGate.Verdict.Missing m) {
                List<OutboxRow> held = rows.stream().filter(row -> topicOf(row).equals(topic)).toList();
                missing.hold(topic, m.reason(), held.stream().map(this::routingKey).collect(Collectors.toSet()),
                        held.size(), clock.instant());
            }
        });
    }

    private String routingKey(OutboxRow row) {
        return routing.key(row.eventType(), row.aggregateType());
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
     * Sends the dead letters to the dead-letter topic, checked like any topic: while it is missing, each letter
     * comes back {@link PublishResult.TopicMissing} and the topic is held (without routing keys: the rows are
     * postponed, not left out of claims).
     */
    @Override
    public List<PublishResult> deadLetter(List<DeadLetter> letters) throws InterruptedException {
        String topic = kafka.deadLetterTopic();
        TopicGate.Verdict verdict = gate.check(List.of(topic)).get(topic);
        if (verdict instanceof TopicGate.Verdict.Missing m) {
            missing.hold(topic, m.reason(), Set.of(), letters.size(), clock.instant());
            return letters.stream().<PublishResult>map(l -> new PublishResult.TopicMissing(l.row(), topic, m.reason()))
                    .toList();
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(letters.size());
        for (DeadLetter letter : letters) {
            acks.add(send(verdict, () -> new ProducerRecord<>(topic, null, letter.row().aggregateId(),
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

    /** Sends the record, or fails it at once with its topic's error when the topic is unusable (nothing is built). */
    private Future<RecordMetadata> send(TopicGate.Verdict verdict, Supplier<ProducerRecord<String, byte[]>> record) {
        return verdict instanceof TopicGate.Verdict.Unusable u ? CompletableFuture.failedFuture(u.error())
                : send(record.get());
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
        if (row.trace() != null) {
            headers.add(TraceContext.TRACEPARENT, utf8(row.trace().traceparent()));
            if (row.trace().tracestate() != null) {
                headers.add(TraceContext.TRACESTATE, utf8(row.trace().tracestate()));
            }
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
