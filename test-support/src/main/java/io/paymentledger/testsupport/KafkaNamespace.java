package io.paymentledger.testsupport;

import io.paymentledger.config.KafkaConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One test class's topics on the shared broker: a unique topic prefix, used exactly like {@code KAFKA_TOPIC_PREFIX}.
 */
public final class KafkaNamespace {
    private final KafkaServer server;
    private final String topicPrefix;

    KafkaNamespace(KafkaServer server, String topicPrefix) {
        this.server = server;
        this.topicPrefix = topicPrefix;
    }

    /** A namespace on {@code server}, e.g. a test's {@link TestInfrastructure#privateKafka private broker}. */
    public static KafkaNamespace on(KafkaServer server, String topicPrefix) {
        return new KafkaNamespace(server, topicPrefix);
    }

    /** A namespace on a broker this code does not run, e.g. {@code --bootstrap-servers} of a benchmark. */
    public static KafkaNamespace external(String bootstrapServers, String topicPrefix) {
        return new KafkaNamespace(new ExternalKafkaServer(bootstrapServers), topicPrefix);
    }

    /** The unique prefix; topics are {@code <prefix>.<name>}. */
    public String topicPrefix() {
        return topicPrefix;
    }

    public String bootstrapServers() {
        return server.bootstrapServers();
    }

    /** What the code under test reads from KAFKA_BOOTSTRAP_SERVERS and KAFKA_TOPIC_PREFIX. */
    public KafkaConfig config() {
        return new KafkaConfig(Arrays.asList(bootstrapServers().split(",")), topicPrefix);
    }

    /** {@code KAFKA_BOOTSTRAP_SERVERS} and {@code KAFKA_TOPIC_PREFIX} of this namespace, as a runnable reads them. */
    public Map<String, String> env() {
        return Map.of(KafkaConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers(), KafkaConfig.KAFKA_TOPIC_PREFIX,
                topicPrefix());
    }

    public String topic(String name) {
        return topicPrefix + "." + name;
    }

    /**
     * Creates {@code <prefix>.<name>} for each name and waits until every partition's leader serves it: a producer
     * that starts sending before that gets NOT_LEADER_OR_FOLLOWER, and an idempotent one can then stall on
     * OUT_OF_ORDER_SEQUENCE_NUMBER retries until its delivery timeout.
     */
    public void createTopics(int partitions, String... names) {
        createTopics(partitions, Map.of(), names);
    }

    /** Creates {@code <prefix>.<name>} topics with {@code partitions} partitions and topic {@code configs}. */
    public void createTopics(int partitions, Map<String, String> configs, String... names) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(topic(name), partitions, (short) 1).configs(configs));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            List<String> created = topics.stream().map(NewTopic::name).toList();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                    new java.util.HashMap<>();
            for (String name : created) {
                for (int partition = 0; partition < partitions; partition++) {
                    latest.put(new org.apache.kafka.common.TopicPartition(name, partition),
                            org.apache.kafka.clients.admin.OffsetSpec.latest());
                }
            }
            // ListOffsets is answered by each partition's leader itself, so it succeeds only once the broker acts
            // as leader, not merely once the metadata names one.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .ignoreExceptions()
                    .until(() -> admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).size() == latest.size());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topics " + topics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * Reads {@code <prefix>.<name>} from the beginning, outside any consumer group, until {@code count} records
     * arrived or {@code timeout} passed, and returns what arrived (the caller asserts on it).
     */
    public List<ConsumerRecord<String, byte[]>> readFromBeginning(String name, int count, Duration timeout) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic(name)));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * Reads every record of {@code <prefix>.<name>} that is on the topic now: each partition from its beginning to
     * the end offset it had when the read started, outside any consumer group.
     *
     * @throws IllegalStateException when the end is not reached within {@code timeout}
     */
    public List<ConsumerRecord<String, byte[]>> readToEnd(String name, Duration timeout) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic(name), timeout)
                    .stream().map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("did not read " + topic(name) + " to its end within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
