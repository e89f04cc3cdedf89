package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymentledger.config.KafkaConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaPublisherTest {
    private final OutboxRow row = EnvelopeWriterTest.row("req-1");

    @Test
    void transportErrorsMeanTheBrokerIsUnavailable() {
        assertThat(KafkaErrors.classify(row, new TimeoutException("no broker")))
                .isInstanceOf(PublishResult.Unavailable.class);
        assertThat(KafkaErrors.classify(row, new NotEnoughReplicasException("isr")))
                .isInstanceOf(PublishResult.Unavailable.class);
        assertThat(KafkaErrors.classify(row, new NetworkException("connection reset")))
                .isInstanceOf(PublishResult.Unavailable.class);
    }

    @Test
    void otherRetriableErrorsAreTheRecordsOwnAndRetriedLater() {
        assertThat(KafkaErrors.classify(row, new UnknownTopicOrPartitionException("no topic")))
                .isInstanceOf(PublishResult.RetryLater.class);
        assertThat(KafkaErrors.classify(row, new CorruptRecordException("crc")))
                .isInstanceOf(PublishResult.RetryLater.class);
    }

    @Test
    void recordErrorsAreRejected() {
        assertThat(KafkaErrors.classify(row, new RecordTooLargeException("2 MB")))
                .isInstanceOf(PublishResult.Rejected.class);
        assertThat(KafkaErrors.classify(row, new InvalidTopicException("bad name")))
                .isInstanceOf(PublishResult.Rejected.class);
        assertThat(KafkaErrors.classify(row, new SerializationException("bad bytes")))
                .isInstanceOf(PublishResult.Rejected.class);
    }

    @Test
    void recordCarriesKeyTopicAndContractHeaders() {
        KafkaPublisher publisher = new KafkaPublisher(
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()), topic -> ClusterProbe.TopicState.EXISTS,
                new KafkaConfig(List.of("k:9092"), "payments"), TopicRouting.EVENT_TYPE);

        var record = publisher.record(row);

        assertThat(record.topic()).isEqualTo("payments.paymentauthorized");
        assertThat(record.key()).isEqualTo(row.aggregateId());
        assertThat(new String(record.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8))
                .isEqualTo(row.eventId());
        assertThat(new String(record.headers().lastHeader("event_type").value(), StandardCharsets.UTF_8))
                .isEqualTo("PaymentAuthorized");
        assertThat(new String(record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                .isEqualTo("application/json");
    }

    /** A producer whose metadata lookups time out, as while the broker is down or still starting. */
    private static MockProducer<String, byte[]> metadataTimesOut() {
        return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized List<org.apache.kafka.common.PartitionInfo> partitionsFor(String topic) {
                throw new TimeoutException("Topic " + topic + " not present in metadata after 1000 ms.");
            }
        };
    }

    private PublishResult publishWith(ClusterProbe.TopicState clusterSays) throws InterruptedException {
        KafkaPublisher publisher = new KafkaPublisher(metadataTimesOut(), topic -> clusterSays,
                new KafkaConfig(List.of("k:9092"), "payments"), TopicRouting.EVENT_TYPE);
        return publisher.publish(List.of(row)).get(0);
    }

    @Test
    void aMetadataTimeoutIsAMissingTopicOnlyWhenTheClusterSaysSo() throws InterruptedException {
        assertThat(publishWith(ClusterProbe.TopicState.MISSING)).isInstanceOf(PublishResult.RetryLater.class);
    }

    @Test
    void aMetadataTimeoutForATopicThatExistsOrWithNoAnswerIsAnOutageAndSpendsNoAttempt() throws InterruptedException {
        assertThat(publishWith(ClusterProbe.TopicState.EXISTS)).isInstanceOf(PublishResult.Unavailable.class);
        assertThat(publishWith(ClusterProbe.TopicState.UNREACHABLE)).isInstanceOf(PublishResult.Unavailable.class);
    }

    @Test
    void aTopicTheClusterSaysIsMissingFailsWithoutWaitingForTheProducersMetadata() throws InterruptedException {
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized List<org.apache.kafka.common.PartitionInfo> partitionsFor(String topic) {
                lookups.incrementAndGet();
                return List.of();
            }
        };
        KafkaPublisher publisher = new KafkaPublisher(producer, topic -> ClusterProbe.TopicState.MISSING,
                new KafkaConfig(List.of("k:9092"), "payments"), TopicRouting.EVENT_TYPE);

        PublishResult result = publisher.publish(List.of(row)).get(0);

        assertThat(result).isInstanceOf(PublishResult.RetryLater.class);
        assertThat(((PublishResult.RetryLater) result).error()).hasMessageContaining("does not exist");
        assertThat(lookups).as("producer metadata lookups").hasValue(0);
    }

    @Test
    void aTopicOnceFoundIsNotAskedOfTheClusterAgain() throws InterruptedException {
        java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();
        KafkaPublisher publisher = new KafkaPublisher(
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()), topic -> {
                    probes.incrementAndGet();
                    return ClusterProbe.TopicState.EXISTS;
                }, new KafkaConfig(List.of("k:9092"), "payments"), TopicRouting.EVENT_TYPE);

        publisher.publish(List.of(row));
        publisher.publish(List.of(row));

        assertThat(probes).hasValue(1);
    }
}
