package io.paymentledger.relay;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The relay's questions to the cluster about a topic, asked through the admin client (its metadata requests never
 * create topics): does it exist (only the cluster saying "no such topic" makes it missing; no answer is an outage),
 * and, with {@code OUTBOX_TOPIC_CREATION=create}, create it.
 */
interface ClusterProbe extends AutoCloseable {
    /** What the cluster says about a topic. */
    enum TopicState { EXISTS, MISSING, INVALID, UNREACHABLE }

    TopicState topic(String topic) throws InterruptedException;

    /**
     * Creates {@code topic}; returns empty when it exists now (created, or created by someone else meanwhile), else
     * why not: {@link InvalidTopicException} for a name no topic can have, {@link org.apache.kafka.common.errors
     * .TimeoutException} when the cluster did not answer, or what the cluster refused it with (not authorized, a
     * replication factor above the brokers, a policy).
     */
    Optional<Exception> create(NewTopic topic) throws InterruptedException;

    @Override
    default void close() {
    }

    /** Asks the cluster through the relay's own connection settings (TLS, SASL). */
    static ClusterProbe kafka(Map<String, Object> producerConfig, Duration timeout) {
        Map<String, Object> adminConfig = new HashMap<>();
        producerConfig.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                adminConfig.put(key, value);
            }
        });
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, producerConfig.get("client.id") + "-probe");
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        Admin admin = Admin.create(adminConfig);
        int timeoutMs = (int) timeout.toMillis();
        return new ClusterProbe() {
            @Override
            public TopicState topic(String topic) throws InterruptedException {
                try {
                    admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(timeoutMs))
                            .allTopicNames().get(timeoutMs + 1_000L, TimeUnit.MILLISECONDS);
                    return TopicState.EXISTS;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        return TopicState.MISSING;
                    }
                    return e.getCause() instanceof InvalidTopicException ? TopicState.INVALID : TopicState.UNREACHABLE;
                } catch (TimeoutException e) {
                    return TopicState.UNREACHABLE;
                }
            }

            @Override
            public Optional<Exception> create(NewTopic topic) throws InterruptedException {
                try {
                    admin.createTopics(List.of(topic), new CreateTopicsOptions().timeoutMs(timeoutMs))
                            .all().get(timeoutMs + 1_000L, TimeUnit.MILLISECONDS);
                    return Optional.empty();
                } catch (ExecutionException e) {
                    return e.getCause() instanceof TopicExistsException ? Optional.empty()
                            : Optional.of(e.getCause() instanceof Exception cause ? cause : e);
                } catch (TimeoutException e) {
                    return Optional.of(new org.apache.kafka.common.errors.TimeoutException(
                            "creating topic " + topic.name() + " got no answer within " + timeoutMs + " ms", e));
                }
            }

            @Override
            public void close() {
                admin.close(Duration.ofSeconds(1));
            }
        };
    }
}
