package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymentledger.config.KafkaConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaPublisherTest {
    private static final String TOPIC = "payments.paymentauthorized";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);
    private final OutboxRow row = EnvelopeWriterTest.row("req-1");
    private final MissingTopics missing = new MissingTopics();
    private final FakeProbe probe = new FakeProbe();
    private final AtomicInteger metadataLookups = new AtomicInteger();

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
        var record = publisher(producer(), TopicCreation.OFF).record(row);

        assertThat(record.topic()).isEqualTo(TOPIC);
        assertThat(record.key()).isEqualTo(row.aggregateId());
        assertThat(new String(record.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8))
                .isEqualTo(row.eventId());
        assertThat(new String(record.headers().lastHeader("event_type").value(), StandardCharsets.UTF_8))
                .isEqualTo("PaymentAuthorized");
        assertThat(new String(record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                .isEqualTo("application/json");
    }

    @Test
    void aMissingTopicThatTheProducersMetadataRequestCreatesIsSentTo() throws InterruptedException {
        probe.state = ClusterProbe.TopicState.MISSING;

        PublishResult result = publisher(producer(), TopicCreation.OFF).publish(List.of(row)).get(0);

        assertThat(result).isInstanceOf(PublishResult.Published.class);
        assertThat(metadataLookups).as("the producer's metadata request, which auto-creation answers").hasValue(1);
        assertThat(missing.isEmpty()).isTrue();
    }

    @Test
    void aMissingTopicTheClusterDoesNotCreateIsHeldWithoutAnAttemptAndItsAggregatesLaterRowsWait()
            throws InterruptedException {
        probe.state = ClusterProbe.TopicState.MISSING;
        OutboxRow next = new OutboxRow(8, "01JD2Z8Q3V5W6X7Y8Z9A0B1C2E", "Payment", row.aggregateId(), 4,
                "PaymentAuthorized", 1, "{}", null, row.occurredAt(), 0, null);

        List<PublishResult> results = publisher(metadataTimesOut(), TopicCreation.OFF).publish(List.of(row, next));

        assertThat(results.get(0)).isInstanceOf(PublishResult.TopicMissing.class);
        assertThat(((PublishResult.TopicMissing) results.get(0)).reason())
                .contains("did not create it on first use");
        assertThat(results.get(1)).isInstanceOf(PublishResult.Held.class);
        MissingTopics.Topic held = missing.get(TOPIC).orElseThrow();
        assertThat(held.routingKeys()).containsExactly("PaymentAuthorized");
        assertThat(held.rowsHeld()).isEqualTo(2);
        assertThat(missing.routingKeys()).containsExactly("PaymentAuthorized");
    }

    @Test
    void aHeldTopicCostsNoLookupUntilHousekeepingFindsItAndReleasesIt() throws InterruptedException {
        probe.state = ClusterProbe.TopicState.MISSING;
        KafkaPublisher publisher = publisher(metadataTimesOut(), TopicCreation.OFF);
        publisher.publish(List.of(row));
        int probes = probe.probes;
        int lookups = metadataLookups.get();

        assertThat(publisher.publish(List.of(row)).get(0)).isInstanceOf(PublishResult.TopicMissing.class);
        assertThat(probe.probes).isEqualTo(probes);
        assertThat(metadataLookups).hasValue(lookups);

        AtomicInteger wakeUps = new AtomicInteger();
        missing.onRelease(wakeUps::incrementAndGet);
        publisher.topics().recheck();
        assertThat(missing.isEmpty()).as("still missing after a check that says so").isFalse();
        probe.state = ClusterProbe.TopicState.EXISTS;
        publisher.topics().recheck();
        assertThat(missing.isEmpty()).isTrue();
        assertThat(wakeUps).hasValue(1);
    }

    @Test
    void aMetadataTimeoutForATopicThatExistsOrWithNoAnswerIsAnOutageAndSpendsNoAttempt() throws InterruptedException {
        for (ClusterProbe.TopicState state : List.of(ClusterProbe.TopicState.EXISTS,
                ClusterProbe.TopicState.UNREACHABLE)) {
            probe.state = state;
            assertThat(publisher(metadataTimesOut(), TopicCreation.OFF).publish(List.of(row)).get(0))
                    .as("cluster says %s", state).isInstanceOf(PublishResult.Unavailable.class);
        }
        assertThat(missing.isEmpty()).isTrue();
    }

    @Test
    void aMissingTopicStaysAnOutageWhileTheClusterDoesNotAnswerTheSecondQuestion() throws InterruptedException {
        probe.answers.addAll(List.of(ClusterProbe.TopicState.MISSING, ClusterProbe.TopicState.UNREACHABLE));

        PublishResult result = publisher(metadataTimesOut(), TopicCreation.OFF).publish(List.of(row)).get(0);

        assertThat(result).isInstanceOf(PublishResult.Unavailable.class);
        assertThat(missing.isEmpty()).isTrue();
    }

    @Test
    void aTopicNameTheClusterCallsInvalidIsRejectedAtOnce() throws InterruptedException {
        probe.state = ClusterProbe.TopicState.INVALID;

        PublishResult result = publisher(producer(), TopicCreation.OFF).publish(List.of(row)).get(0);

        assertThat(result).isInstanceOf(PublishResult.Rejected.class);
        assertThat(((PublishResult.Rejected) result).error()).isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining(TOPIC);
        assertThat(metadataLookups).hasValue(0);
    }

    @Test
    void createModeCreatesAMissingTopicWithTheConfiguredSettingsAndSends() throws InterruptedException {
        probe.state = ClusterProbe.TopicState.MISSING;
        TopicCreation create = new TopicCreation(TopicCreation.Mode.CREATE, Optional.of(3), Optional.of((short) 1),
                Optional.of(1));

        PublishResult result = publisher(producer(), create).publish(List.of(row)).get(0);

        assertThat(result).isInstanceOf(PublishResult.Published.class);
        NewTopic created = probe.created.get(0);
        assertThat(created.name()).isEqualTo(TOPIC);
        assertThat(created.numPartitions()).isEqualTo(3);
        assertThat(created.replicationFactor()).isEqualTo((short) 1);
        assertThat(created.configs()).containsEntry("min.insync.replicas", "1");
    }

    @Test
    void createModeHoldsATopicTheClusterRefusesToCreateAndSaysWhy() throws InterruptedException {
        probe.state = ClusterProbe.TopicState.MISSING;
        probe.refusal = Optional.of(new TopicAuthorizationException("not allowed to create " + TOPIC));
        TopicCreation create = new TopicCreation(TopicCreation.Mode.CREATE, Optional.empty(), Optional.empty(),
                Optional.empty());

        PublishResult result = publisher(producer(), create).publish(List.of(row)).get(0);

        assertThat(result).isInstanceOf(PublishResult.TopicMissing.class);
        assertThat(((PublishResult.TopicMissing) result).reason()).contains("creating it failed")
                .contains("not allowed to create");
    }

    @Test
    void deadLettersToAMissingDeadLetterTopicComeBackTopicMissing() throws InterruptedException {
        probe.state = ClusterProbe.TopicState.MISSING;
        DeadLetter letter = new DeadLetter(row, new byte[] {'{', '}'});

        List<PublishResult> results = publisher(metadataTimesOut(), TopicCreation.OFF).deadLetter(List.of(letter));

        assertThat(results).singleElement().isInstanceOf(PublishResult.TopicMissing.class);
        assertThat(missing.get("payments.dlq")).isPresent();
        assertThat(missing.routingKeys()).as("DLQ rows are postponed, not left out of claims").isEmpty();
    }

    @Test
    void aTopicOnceFoundIsNotAskedOfTheClusterAgain() throws InterruptedException {
        KafkaPublisher publisher = publisher(producer(), TopicCreation.OFF);

        publisher.publish(List.of(row));
        publisher.publish(List.of(row));

        assertThat(probe.probes).isEqualTo(1);
    }

    private KafkaPublisher publisher(MockProducer<String, byte[]> producer, TopicCreation creation) {
        return new KafkaPublisher(producer, probe, creation, missing, new KafkaConfig(List.of("k:9092"), "payments"),
                TopicRouting.EVENT_TYPE, CLOCK);
    }

    /** A producer whose metadata lookups answer at once (the topic exists, or the cluster created it). */
    private MockProducer<String, byte[]> producer() {
        return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized List<PartitionInfo> partitionsFor(String topic) {
                metadataLookups.incrementAndGet();
                return List.of();
            }
        };
    }

    /** A producer whose metadata lookups time out: the topic is not there, or the broker is down or starting. */
    private MockProducer<String, byte[]> metadataTimesOut() {
        return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized List<PartitionInfo> partitionsFor(String topic) {
                metadataLookups.incrementAndGet();
                throw new TimeoutException("Topic " + topic + " not present in metadata after 1000 ms.");
            }
        };
    }

    /** The cluster's answers: {@link #answers} in turn, then {@link #state}; creation succeeds unless refused. */
    private static final class FakeProbe implements ClusterProbe {
        final List<TopicState> answers = new ArrayList<>();
        final List<NewTopic> created = new ArrayList<>();
        TopicState state = TopicState.EXISTS;
        Optional<Exception> refusal = Optional.empty();
        int probes;

        @Override
        public TopicState topic(String topic) {
            probes++;
            return answers.isEmpty() ? state : answers.remove(0);
        }

        @Override
        public Optional<Exception> create(NewTopic topic) {
            created.add(topic);
            if (refusal.isEmpty()) {
                state = TopicState.EXISTS;
            }
            return refusal;
        }
    }
}
