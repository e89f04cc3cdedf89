package io.paymentledger.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach Kafka and which topics to use.
 *
 * @param bootstrapServers {@code KAFKA_BOOTSTRAP_SERVERS}: comma-separated {@code host:port} list
 * @param topicPrefix      {@code KAFKA_TOPIC_PREFIX}: topics are {@code <prefix>.<name>}; default {@code payments}
 */
public record KafkaConfig(List<String> bootstrapServers, String topicPrefix) {
    public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String KAFKA_TOPIC_PREFIX = "KAFKA_TOPIC_PREFIX";
    public static final String DEFAULT_TOPIC_PREFIX = "payments";

    private static final Pattern HOST_PORT = Pattern.compile("^(\\[[0-9a-fA-F:]+\\]|[A-Za-z0-9.-]+):(\\d{1,5})$");
    /** Kafka's legal topic characters; the prefix leaves room for the longest suffix we append. */
    private static final Pattern TOPIC_PREFIX = Pattern.compile("^[A-Za-z0-9._-]{1,200}$");

    public KafkaConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        bootstrapServers = List.copyOf(bootstrapServers);
        if (bootstrapServers.isEmpty()) {
            throw new ConfigException(KAFKA_BOOTSTRAP_SERVERS, "is empty; set it to host:port[,host:port...]");
        }
        for (String server : bootstrapServers) {
            var matcher = HOST_PORT.matcher(server);
            if (!matcher.matches() || Integer.parseInt(matcher.group(2)) > 65535) {
                throw new ConfigException(KAFKA_BOOTSTRAP_SERVERS, "'" + server
                        + "' is not host:port; set it to host:port[,host:port...], e.g. localhost:9092");
            }
        }
        if (!TOPIC_PREFIX.matcher(topicPrefix).matches()) {
            throw new ConfigException(KAFKA_TOPIC_PREFIX, "'" + topicPrefix
                    + "' is not a valid topic prefix; use 1-200 characters of A-Z a-z 0-9 . _ -");
        }
    }

    public static KafkaConfig fromEnv(Env env) {
        String servers = env.required(KAFKA_BOOTSTRAP_SERVERS, "host:port[,host:port...], e.g. localhost:9092");
        return new KafkaConfig(
                List.of(servers.split("\\s*,\\s*")),
                env.string(KAFKA_TOPIC_PREFIX, DEFAULT_TOPIC_PREFIX));
    }

    /** The bootstrap list as Kafka clients expect it. */
    public String bootstrapServersString() {
        return String.join(",", bootstrapServers);
    }

    /** The topic of one ledger stream, {@code <prefix>.<suffix>}. */
    public String topic(String suffix) {
        return topicPrefix + "." + suffix;
    }

    /** The dead-letter topic, {@code <prefix>.dlq}. */
    public String deadLetterTopic() {
        return topic("dlq");
    }

    /** Client settings common to every Kafka client of this project. */
    public Map<String, Object> clientProperties() {
        return Map.of("bootstrap.servers", bootstrapServersString());
    }
}
