package io.paymentledger.relay;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Tells a broker outage from a missing topic when a topic's metadata could not be fetched, by asking the cluster
 * about the topic itself. Only the cluster saying "no such topic" makes it the record's problem (one attempt spent).
 * No answer is an outage; and so is an answer that the topic exists: the producer's metadata request timed out
 * while the broker was still down or starting (no attempt spent, the circuit breaker counts it).
 */
interface ClusterProbe extends AutoCloseable {
    /** What the cluster says about a topic. */
    enum TopicState { EXISTS, MISSING, UNREACHABLE }

    TopicState topic(String topic) throws InterruptedException;

    @Override
    default void close() {
    }

    /** Asks the cluster to describe the topic, through the relay's own connection settings (TLS, SASL). */
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
        return new ClusterProbe() {
            @Override
            public TopicState topic(String topic) throws InterruptedException {
                try {
                    admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs((int) timeout.toMillis()))
                            .allTopicNames().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
                    return TopicState.EXISTS;
                } catch (ExecutionException e) {
                    return e.getCause() instanceof UnknownTopicOrPartitionException
                            ? TopicState.MISSING : TopicState.UNREACHABLE;
                } catch (TimeoutException e) {
                    return TopicState.UNREACHABLE;
                }
            }

            @Override
            public void close() {
                admin.close(Duration.ofSeconds(1));
            }
        };
    }
}
