package io.paymentledger.testsupport;

import java.util.HashMap;
import java.util.Map;

/**
 * A private broker with a SASL listener ({@code SASL_PLAINTEXT}, mechanism {@code PLAIN}) beside its plaintext one:
 * {@link #server()} is the plaintext side, for the harness; clients under test connect to
 * {@link #saslBootstrapServers()} with {@link #clientEnv}.
 */
public record SaslKafka(KafkaServer server, String saslBootstrapServers) implements AutoCloseable {

    /** A topic namespace whose topics the harness creates and reads over the plaintext listener. */
    public KafkaNamespace namespace(String topicPrefix) {
        return KafkaNamespace.on(server, topicPrefix);
    }

    /**
     * The {@code KAFKA_*} variables of a client that authenticates as {@code username}/{@code password} on the SASL
     * listener, with the topics of {@code namespace}.
     */
    public Map<String, String> clientEnv(KafkaNamespace namespace, String username, String password) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", saslBootstrapServers);
        env.put("KAFKA_TOPIC_PREFIX", namespace.topicPrefix());
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        env.put("KAFKA_SASL_MECHANISM", "PLAIN");
        env.put("KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + username + "\" password=\"" + password + "\";");
        return env;
    }

    @Override
    public void close() {
        server.close();
    }
}
