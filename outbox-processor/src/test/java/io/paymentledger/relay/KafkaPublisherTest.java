package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymentledger.config.KafkaConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaPublisherTest {
    private final OutboxRow row = EnvelopeWriterTest.row("req-1");

    @Test
    void transportErrorsAreRetriedLater() {
        assertThat(KafkaPublisher.classify(row, new TimeoutException("no broker")))
                .isInstanceOf(PublishResult.RetryLater.class);
        assertThat(KafkaPublisher.classify(row, new NotEnoughReplicasException("isr")))
                .isInstanceOf(PublishResult.RetryLater.class);
    }

    @Test
    void recordErrorsAreRejected() {
        assertThat(KafkaPublisher.classify(row, new RecordTooLargeException("2 MB")))
                .isInstanceOf(PublishResult.Rejected.class);
    }

    @Test
    void recordCarriesKeyTopicAndContractHeaders() {
        KafkaPublisher publisher = new KafkaPublisher(
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()),
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

    @Test
    void producerIsIdempotentWithAcksAll() {
        var config = KafkaPublisher.producerConfig(new KafkaConfig(List.of("k:9092"), "payments"), "r1");
        assertThat(config).containsEntry("enable.idempotence", true).containsEntry("acks", "all");
    }
}
