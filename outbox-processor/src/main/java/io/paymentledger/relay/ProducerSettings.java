package io.paymentledger.relay;

import io.paymentledger.config.ConfigException;
import io.paymentledger.config.Env;
import io.paymentledger.config.KafkaPassThrough;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The relay's producer settings: the ones its guarantees rest on (fixed), timeouts derived from the claim timeout
 * (the fence), and operator pass-through from {@code KAFKA_*} variables for TLS, SASL and tuning
 * ({@code KAFKA_SECURITY_PROTOCOL=SASL_SSL} becomes {@code security.protocol=SASL_SSL}).
 */
final class ProducerSettings {
    /** Settings the relay's guarantees or its fence rest on; an operator cannot change them. */
    private static final Set<String> FIXED = Set.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            ProducerConfig.CLIENT_ID_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.ACKS_CONFIG,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ProducerConfig.MAX_BLOCK_MS_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, ProducerConfig.RETRIES_CONFIG);

    private ProducerSettings() {
    }

    /** The {@code KAFKA_*} pass-through settings, validated against the producer's known settings. */
    static Map<String, String> overridesFromEnv(Env env) {
        Map<String, String> overrides = new TreeMap<>();
        KafkaPassThrough.variables(env).forEach((variable, value) -> {
            String setting = KafkaPassThrough.setting(variable);
            if (!ProducerConfig.configNames().contains(setting)) {
                throw new ConfigException(variable, "maps to producer setting '" + setting + "', which Kafka's "
                        + "producer does not know; unset it or fix the name (KAFKA_ + setting, dots as underscores)");
            }
            if (FIXED.contains(setting)) {
                throw new ConfigException(variable, "sets '" + setting + "', which the relay fixes for its delivery "
                        + "guarantees (timeouts follow " + RelayConfig.OUTBOX_CLAIM_TIMEOUT_SECONDS + "); unset it");
            }
            overrides.put(setting, value);
        });
        return overrides;
    }

    /**
     * The producer configuration: idempotent, {@code acks=all}, at most 5 in flight (keeps per-partition order with
     * idempotence, also across retries), and timeouts that end every send well before its claim expires.
     */
    static Map<String, Object> producerConfig(RelayConfig config) {
        Map<String, Object> producer = new HashMap<>(config.kafka().clientProperties());
        producer.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        producer.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        producer.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        producer.putAll(config.producerOverrides());
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, "outbox-relay-" + config.instanceId());
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        Duration claim = config.claimTimeout();
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlock(claim).toMillis());
        producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) claim.dividedBy(4).toMillis());
        producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout(claim).toMillis());
        return producer;
    }

    /** How long {@code send()} may block on metadata: a quarter of the claim. */
    static Duration maxBlock(Duration claimTimeout) {
        return claimTimeout.dividedBy(4);
    }

    /** How long a record may take from send to acknowledgement: half the claim. */
    static Duration deliveryTimeout(Duration claimTimeout) {
        return claimTimeout.dividedBy(2);
    }

    /** The settings for a log line, secrets masked. */
    static Map<String, String> masked(Map<String, String> settings) {
        return KafkaPassThrough.masked(settings);
    }
}
