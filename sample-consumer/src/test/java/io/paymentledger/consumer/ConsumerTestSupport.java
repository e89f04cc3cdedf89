package io.paymentledger.consumer;

import static io.paymentledger.db.jooq.Tables.NOTIFICATION;

import com.github.f4b6a3.ulid.UlidCreator;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Events as the relay writes them, a producer to send them, and the consumer under test wired like production. */
final class ConsumerTestSupport {
    private ConsumerTestSupport() {
    }

    static String newId() {
        return UlidCreator.getMonotonicUlid().toString();
    }

    /** A valid {@code PaymentAuthorized} (or another payment event) envelope, as JSON bytes. */
    static byte[] event(String eventId, String eventType, String paymentId, long version, long amountMinor) {
        String payload = "{\"payment_id\":\"" + paymentId + "\",\"payer_account_id\":\"a\",\"payee_account_id\":\"b\","
                + "\"amount_minor\":" + amountMinor + ",\"currency\":\"EUR\"" + extraFields(eventType, amountMinor) + "}";
        return ("{\"event_id\":\"" + eventId + "\",\"event_type\":\"" + eventType + "\",\"event_version\":1,"
                + "\"aggregate_type\":\"Payment\",\"aggregate_id\":\"" + paymentId + "\",\"aggregate_version\":"
                + version + ",\"occurred_at\":\"2026-11-22T10:00:00Z\",\"correlation_id\":null,\"payload\":"
                + payload + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static String extraFields(String eventType, long amountMinor) {
        return switch (eventType) {
            case "PaymentCaptured" -> ",\"authorized_amount_minor\":" + amountMinor + ",\"released_amount_minor\":0";
            case "PaymentRefunded" -> ",\"captured_amount_minor\":" + amountMinor + ",\"refunded_total_minor\":"
                    + amountMinor;
            default -> "";
        };
    }

    static KafkaProducer<String, byte[]> producer(KafkaNamespace kafka) {
        Properties properties = new Properties();
        properties.putAll(kafka.config().clientProperties());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends asynchronously; the future fails if the broker never took the record. */
    static java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
            KafkaProducer<String, byte[]> producer, KafkaNamespace kafka, String topic, String key, byte[] value) {
        return producer.send(new ProducerRecord<>(kafka.topic(topic), key, value));
    }

    static ConsumerSettings settings(TestDatabase database, KafkaNamespace kafka, String groupId, int maxRecordBytes) {
        return new ConsumerSettings(database.config(), kafka.config(), groupId, maxRecordBytes, 2);
    }

    static NotificationService service(TestDatabase database, ConsumerSettings settings,
                                       ConsumptionListener listener) {
        return new NotificationService(settings, database.dataSource(), Clock.systemUTC(), listener);
    }

    static int notifications(TestDatabase database, String groupId) {
        return database.dsl().fetchCount(NOTIFICATION, NOTIFICATION.CONSUMER_GROUP.eq(groupId));
    }

    /** The environment the packaged consumer reads, for a child process. */
    static Map<String, String> env(TestDatabase database, KafkaNamespace kafka, String groupId) {
        Map<String, String> env = new HashMap<>(database.env());
        env.putAll(kafka.env());
        env.put("CONSUMER_GROUP_ID", groupId);
        env.put("HTTP_PORT", "0");
        return env;
    }
}
