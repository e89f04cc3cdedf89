package io.paymentledger.consumer.state;

import io.paymentledger.config.KafkaConfig;
import io.paymentledger.config.KafkaPassThrough;
import io.paymentledger.consumer.KafkaClientSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <prefix>.payment-state}: a compacted topic holding, per payment (the key), its latest state. States are
 * published inside the transaction that changed them, while their rows are locked, and acknowledged before it
 * commits: so the record of the last committed change of a payment is always the last one on the topic, and a crash
 * before the commit re-applies the events and publishes again. Thread-safe: one producer for every worker.
 */
public final class PaymentStateTopic implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PaymentStateTopic.class);
    /** How long a batch waits for its states to be acknowledged before it fails and is retried. */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;

    private PaymentStateTopic(String topic, KafkaProducer<String, byte[]> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    /** The state topic of a prefix. */
    public static String name(KafkaConfig kafka) {
        return kafka.topic("payment-state");
    }

    /** Makes sure the topic exists and is compacted (see {@link #ensureCompacted}), then opens its producer. */
    public static PaymentStateTopic open(KafkaClientSettings kafka) {
        String topic = name(kafka.kafka());
        ensureCompacted(kafka, topic);
        return new PaymentStateTopic(topic, new KafkaProducer<>(producerProperties(kafka), new StringSerializer(),
                new ByteArraySerializer()));
    }

    private static Properties producerProperties(KafkaClientSettings kafka) {
        Properties properties = new Properties();
        properties.putAll(kafka.producer());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A batch's states go out together and are awaited together: let the producer pack them.
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.dividedBy(3).toMillis());
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.dividedBy(3).toMillis());
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        return properties;
    }

    /**
     * Creates the topic with {@code cleanup.policy=compact} (the broker's default partitions and replication) when
     * it is missing; refuses to start when it exists without compaction, since a new service could then no longer
     * bootstrap from the latest state per payment.
     *
     * @throws IllegalStateException naming the topic and what to do
     */
    static void ensureCompacted(KafkaClientSettings kafka, String topic) {
        try (Admin admin = Admin.create(kafka.admin())) {
            Optional<String> policy = cleanupPolicy(admin, topic);
            if (policy.isEmpty()) {
                create(admin, topic);
            } else if (!policy.get().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                throw new IllegalStateException("Topic " + topic + " has cleanup.policy=" + policy.get()
                        + "; the payment state topic must be compacted: set cleanup.policy=compact on it (kafka-configs"
                        + " --alter --entity-type topics --entity-name " + topic + " --add-config cleanup.policy=compact)");
            }
        }
    }

    private static Optional<String> cleanupPolicy(Admin admin, String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Map<ConfigResource, Config> configs = admin.describeConfigs(Set.of(resource)).all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.of(configs.get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw new IllegalStateException("Could not read the configuration of topic " + topic + ": "
                    + KafkaPassThrough.explain(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not describe topic " + topic + " within " + ADMIN_TIMEOUT
                    + "; check KAFKA_BOOTSTRAP_SERVERS", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topic " + topic, e);
        }
    }

    private static void create(Admin admin, String topic) {
        NewTopic compacted = new NewTopic(topic, Optional.empty(), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try {
            admin.createTopics(List.of(compacted)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Created the payment state topic {} with cleanup.policy=compact", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Could not create the payment state topic " + topic + " ("
                        + KafkaPassThrough.explain(e.getCause()) + "); create it with cleanup.policy=compact",
                        e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not create topic " + topic + " within " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        }
    }

    /**
     * Publishes {@code states} and waits until every one is acknowledged.
     *
     * @throws StatePublishException when one is not: the caller's transaction must roll back, to be retried
     */
    public void publish(List<PaymentState> states) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(states.size());
        for (PaymentState state : states) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, state.paymentId(),
                    PaymentStateJson.bytes(state));
            record.headers().add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
            sent.add(producer.send(record));
        }
        for (int i = 0; i < sent.size(); i++) {
            await(sent.get(i), states.get(i));
        }
    }

    private void await(Future<RecordMetadata> sent, PaymentState state) {
        try {
            sent.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new StatePublishException(topic, state, e.getCause());
        } catch (TimeoutException e) {
            throw new StatePublishException(topic, state, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StatePublishException(topic, state, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    /** A state that Kafka did not acknowledge; its batch is rolled back and tried again. */
    public static final class StatePublishException extends RuntimeException {
        StatePublishException(String topic, PaymentState state, Throwable cause) {
            super("The state of payment " + state.paymentId() + " (version " + state.version()
                    + ") was not acknowledged by " + topic + ": " + cause.getMessage(), cause);
        }
    }
}
