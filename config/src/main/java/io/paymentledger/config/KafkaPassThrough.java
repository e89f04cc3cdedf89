package io.paymentledger.config;

import java.util.Locale;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Operator pass-through of Kafka client settings: every {@code KAFKA_*} variable other than the project's own
 * ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_TOPIC_PREFIX}) names a client setting, upper-cased with dots as
 * underscores: {@code KAFKA_SECURITY_PROTOCOL=SASL_SSL} becomes {@code security.protocol=SASL_SSL}. Each runnable
 * checks the names against the clients it runs and refuses the settings its guarantees rest on.
 */
public final class KafkaPassThrough {
    public static final String PREFIX = "KAFKA_";
    private static final Set<String> OWN_VARIABLES = Set.of(KafkaConfig.KAFKA_BOOTSTRAP_SERVERS,
            KafkaConfig.KAFKA_TOPIC_PREFIX);

    private KafkaPassThrough() {
    }

    /** The pass-through variables that are set, by variable name. */
    public static SortedMap<String, String> variables(Env env) {
        SortedMap<String, String> variables = new TreeMap<>(env.startingWith(PREFIX));
        variables.keySet().removeAll(OWN_VARIABLES);
        return variables;
    }

    /** The client setting a variable names: {@code KAFKA_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}. */
    public static String setting(String variable) {
        return variable.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** The settings for a log line, secrets (passwords, JAAS configs, keys, credentials) masked. */
    public static Map<String, String> masked(Map<String, String> settings) {
        Map<String, String> masked = new TreeMap<>();
        settings.forEach((key, value) -> masked.put(key, isSecret(key) ? "****" : value));
        return masked;
    }

    private static boolean isSecret(String key) {
        return key.contains("password") || key.contains("jaas") || key.contains("secret")
                || key.endsWith(".key") || key.contains("keystore.key") || key.contains("credentials");
    }

    /**
     * A Kafka error in words an operator can act on: refused credentials and missing permissions name the variables
     * to check; anything else is its class and message.
     */
    public static String explain(Throwable error) {
        if (error instanceof AuthenticationException) {
            return "Kafka refused the credentials (" + error.getMessage() + "); check KAFKA_SECURITY_PROTOCOL, "
                    + "KAFKA_SASL_MECHANISM and KAFKA_SASL_JAAS_CONFIG";
        }
        if (error instanceof AuthorizationException) {
            return "Kafka denied the operation (" + error.getMessage() + "); grant this client's principal the "
                    + "ACLs README lists";
        }
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }
}
