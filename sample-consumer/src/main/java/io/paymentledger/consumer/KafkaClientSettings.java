package io.paymentledger.consumer;

import io.paymentledger.config.ConfigException;
import io.paymentledger.config.Env;
import io.paymentledger.config.KafkaConfig;
import io.paymentledger.config.KafkaPassThrough;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * How the consumer's Kafka clients (its group consumers, the payment state producer and admin client, and
 * {@code tail-dlq}'s and {@code rebuild-state}'s readers) connect: {@code KAFKA_BOOTSTRAP_SERVERS} plus the
 * {@code KAFKA_*} pass-through (TLS, SASL, tuning; see {@link KafkaPassThrough}), each client given the settings it
 * knows. Settings the consumer's guarantees rest on are refused at start-up; secrets are masked in {@link #toString}.
 *
 * @param settings client settings by name, e.g. {@code security.protocol -> SASL_SSL}
 */
public record KafkaClientSettings(KafkaConfig kafka, Map<String, String> settings) {
    /** What the consumer fixes, and why: an operator cannot change these. */
    private static final Map<String, String> FIXED = Map.ofEntries(
            Map.entry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "set " + KafkaConfig.KAFKA_BOOTSTRAP_SERVERS),
            Map.entry(ConsumerConfig.GROUP_ID_CONFIG, "set " + ConsumerSettings.CONSUMER_GROUP_ID),
            Map.entry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "offsets are committed only after the database"),
            Map.entry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "a new group starts at the beginning, skipping nothing"),
            Map.entry(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "the consumer reads keys as strings"),
            Map.entry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "the consumer validates the raw bytes"),
            Map.entry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "state records are keyed by payment id"),
            Map.entry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "state records are JSON bytes"),
            Map.entry(ProducerConfig.ACKS_CONFIG, "a state is acknowledged by every in-sync replica"),
            Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "state records keep their order per payment"),
            Map.entry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "the state producer is not transactional"));

    public KafkaClientSettings {
        Objects.requireNonNull(kafka, "kafka");
        settings = Map.copyOf(settings);
    }

    /** Only the bootstrap servers: a plaintext cluster. */
    public static KafkaClientSettings of(KafkaConfig kafka) {
        return new KafkaClientSettings(kafka, Map.of());
    }

    /**
     * {@code KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_TOPIC_PREFIX} and the pass-through variables.
     *
     * @throws ConfigException naming a variable that no client of the consumer knows, or one it fixes
     */
    public static KafkaClientSettings fromEnv(Env env) {
        Map<String, String> settings = new TreeMap<>();
        KafkaPassThrough.variables(env).forEach((variable, value) -> {
            String setting = KafkaPassThrough.setting(variable);
            if (!knownByAnyClient(setting)) {
                throw new ConfigException(variable, "maps to client setting '" + setting + "', which Kafka's "
                        + "consumer, producer and admin client do not know; unset it or fix the name (KAFKA_ + "
                        + "setting, dots as underscores)");
            }
            if (FIXED.containsKey(setting)) {
                throw new ConfigException(variable, "sets '" + setting + "', which the consumer fixes ("
                        + FIXED.get(setting) + "); unset it");
            }
            settings.put(setting, value);
        });
        return new KafkaClientSettings(KafkaConfig.fromEnv(env), settings);
    }

    private static boolean knownByAnyClient(String setting) {
        return ConsumerConfig.configNames().contains(setting) || ProducerConfig.configNames().contains(setting)
                || AdminClientConfig.configNames().contains(setting);
    }

    /** Bootstrap servers and the settings a Kafka consumer knows. */
    public Map<String, Object> consumer() {
        return forClient(ConsumerConfig.configNames());
    }

    /** Bootstrap servers and the settings a Kafka producer knows. */
    public Map<String, Object> producer() {
        return forClient(ProducerConfig.configNames());
    }

    /** Bootstrap servers and the settings Kafka's admin client knows. */
    public Map<String, Object> admin() {
        return forClient(AdminClientConfig.configNames());
    }

    private Map<String, Object> forClient(Set<String> known) {
        Map<String, Object> properties = new HashMap<>(kafka.clientProperties());
        settings.forEach((name, value) -> {
            if (known.contains(name)) {
                properties.put(name, value);
            }
        });
        return properties;
    }

    @Override
    public String toString() {
        return "KafkaClientSettings[" + kafka + ", settings=" + KafkaPassThrough.masked(settings) + "]";
    }
}
