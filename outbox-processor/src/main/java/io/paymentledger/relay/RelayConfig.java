package io.paymentledger.relay;

import io.paymentledger.config.ConfigException;
import io.paymentledger.config.DatabaseConfig;
import io.paymentledger.config.Env;
import io.paymentledger.config.KafkaConfig;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Objects;

/**
 * The relay's configuration, read from the environment once at start-up.
 *
 * @param database       {@code DATABASE_URL}, {@code DATABASE_USER}, {@code DATABASE_PASSWORD}
 * @param kafka          {@code KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_TOPIC_PREFIX}
 * @param routing        {@code OUTBOX_TOPIC_ROUTING}: {@code event-type} (default) or {@code aggregate-type}
 * @param batchSize      {@code OUTBOX_BATCH_SIZE}: rows claimed per batch, 1-10000, default 500
 * @param pollInterval   {@code OUTBOX_POLL_INTERVAL_SECONDS}: wait between polls when idle, default 1.0
 * @param claimTimeout   {@code OUTBOX_CLAIM_TIMEOUT_SECONDS}: how long a claim lasts before another instance may take
 *                       the row over, default 10
 * @param backoff        {@code OUTBOX_BASE_DELAY_SECONDS} (1.0), {@code OUTBOX_MAX_DELAY_SECONDS} (60.0)
 * @param instanceId     {@code OUTBOX_INSTANCE_ID}: this relay's name in claims and dead letters; default host and pid
 */
public record RelayConfig(DatabaseConfig database, KafkaConfig kafka, TopicRouting routing, int batchSize,
                          Duration pollInterval, Duration claimTimeout, Backoff backoff, String instanceId) {
    public static final String OUTBOX_TOPIC_ROUTING = "OUTBOX_TOPIC_ROUTING";
    public static final String OUTBOX_BATCH_SIZE = "OUTBOX_BATCH_SIZE";
    public static final String OUTBOX_POLL_INTERVAL_SECONDS = "OUTBOX_POLL_INTERVAL_SECONDS";
    public static final String OUTBOX_CLAIM_TIMEOUT_SECONDS = "OUTBOX_CLAIM_TIMEOUT_SECONDS";
    public static final String OUTBOX_BASE_DELAY_SECONDS = "OUTBOX_BASE_DELAY_SECONDS";
    public static final String OUTBOX_MAX_DELAY_SECONDS = "OUTBOX_MAX_DELAY_SECONDS";
    public static final String OUTBOX_INSTANCE_ID = "OUTBOX_INSTANCE_ID";

    public RelayConfig {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(claimTimeout, "claimTimeout");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(instanceId, "instanceId");
        if (batchSize < 1 || batchSize > 10_000) {
            throw new ConfigException(OUTBOX_BATCH_SIZE, "'" + batchSize + "' is out of range; use between 1 and 10000");
        }
        if (instanceId.isBlank() || instanceId.length() > 200) {
            throw new ConfigException(OUTBOX_INSTANCE_ID, "'" + instanceId + "' must be 1-200 characters");
        }
    }

    public static RelayConfig fromEnv(Env env) {
        Duration baseDelay = env.seconds(OUTBOX_BASE_DELAY_SECONDS, Duration.ofSeconds(1),
                Duration.ofMillis(1), Duration.ofHours(1));
        Duration maxDelay = env.seconds(OUTBOX_MAX_DELAY_SECONDS, Duration.ofSeconds(60),
                Duration.ofMillis(1), Duration.ofDays(1));
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new ConfigException(OUTBOX_MAX_DELAY_SECONDS, "'" + env.optional(OUTBOX_MAX_DELAY_SECONDS).orElse("60")
                    + "' is below " + OUTBOX_BASE_DELAY_SECONDS + "; the maximum delay must be at least the base delay");
        }
        return new RelayConfig(
                DatabaseConfig.fromEnv(env),
                KafkaConfig.fromEnv(env),
                env.option(OUTBOX_TOPIC_ROUTING, TopicRouting.class, TopicRouting.EVENT_TYPE),
                env.integer(OUTBOX_BATCH_SIZE, 500, 1, 10_000),
                env.seconds(OUTBOX_POLL_INTERVAL_SECONDS, Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofHours(1)),
                env.seconds(OUTBOX_CLAIM_TIMEOUT_SECONDS, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofHours(1)),
                new Backoff(baseDelay, maxDelay),
                env.string(OUTBOX_INSTANCE_ID, defaultInstanceId()));
    }

    private static String defaultInstanceId() {
        // "<pid>@<host>" on HotSpot: unique per process on a host, readable in claims and dead letters.
        return "relay-" + ManagementFactory.getRuntimeMXBean().getName();
    }
}
