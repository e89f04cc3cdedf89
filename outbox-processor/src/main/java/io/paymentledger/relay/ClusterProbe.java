package io.paymentledger.relay;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Tells a broker outage from a record's own problem when a topic's metadata could not be fetched: if the cluster
 * answers, the topic is missing (the record's problem, one attempt spent); if it does not, the broker is down (no
 * attempt spent, the circuit breaker counts it).
 */
interface ClusterProbe extends AutoCloseable {
    boolean reachable() throws InterruptedException;

    @Override
    default void close() {
    }

    /** Asks the cluster to describe itself, through the relay's own connection settings (TLS, SASL). */
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
            public boolean reachable() throws InterruptedException {
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                            .clusterId().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
                    return true;
                } catch (ExecutionException | TimeoutException e) {
                    return false;
                }
            }

            @Override
            public void close() {
                admin.close(Duration.ofSeconds(1));
            }
        };
    }
}
