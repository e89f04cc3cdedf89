package io.paymentledger.relay;

import io.paymentledger.config.ConfigException;
import io.paymentledger.config.DatabaseConfig;
import io.paymentledger.config.Env;
import io.paymentledger.config.KafkaConfig;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The relay's configuration, read from the environment once at start-up. Every value is validated here; a bad one
 * is a {@link ConfigException} naming the variable and the value.
 *
 * @param database          {@code DATABASE_URL}, {@code DATABASE_USER}, {@code DATABASE_PASSWORD}
 * @param kafka             {@code KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_TOPIC_PREFIX}
 * @param routing           {@code OUTBOX_TOPIC_ROUTING}: {@code event-type} (default) or {@code aggregate-type}
 * @param batchSize         {@code OUTBOX_BATCH_SIZE}: rows claimed per batch, 1-10000, default 500
 * @param workers           {@code OUTBOX_WORKERS}: relay passes that run at once in this process, each on its own
 *                          thread and connection, sharing one producer, 1-16, default 2. A pass claims only
 *                          aggregates no other pass holds, so a new commit is claimed while another pass waits on
 *                          Kafka, without weakening per-aggregate order.
 * @param pollInterval      {@code OUTBOX_POLL_INTERVAL_SECONDS}: wait between polls when idle, default 1.0
 * @param claimTimeout      {@code OUTBOX_CLAIM_TIMEOUT_SECONDS}: how long a claim lasts; a dead instance's rows are
 *                          taken over after it (plus one poll interval), default 8. The producer's timeouts are
 *                          derived from it so that every send ends before its claim does (the fence).
 * @param backoff           {@code OUTBOX_BASE_DELAY_SECONDS} (1.0), {@code OUTBOX_MAX_DELAY_SECONDS} (60.0)
 * @param instanceId        {@code OUTBOX_INSTANCE_ID}: this relay's name in claims and dead letters; default host, pid
 * @param maxRetries        {@code OUTBOX_MAX_RETRIES}: failed attempts after which a row is dead-lettered, default 5
 * @param deadLetterPolicy  {@code OUTBOX_DEAD_LETTER_POLICY}: {@code continue} (default) or {@code park}
 * @param retention         {@code OUTBOX_RETENTION_HOURS}: published rows are deleted after it, default 168; 0
 *                          deletes each row in the statement that records its publication (no history kept, and
 *                          the cheapest settle: a delete touches no index, a mark adds an entry to four)
 * @param circuit           {@code OUTBOX_CIRCUIT_*}, see {@link CircuitSettings}
 * @param topicCreation     {@code OUTBOX_TOPIC_CREATION} and the settings of created topics, see {@link TopicCreation}
 * @param producerOverrides extra producer settings from {@code KAFKA_*} variables (TLS, SASL, ...), see
 *                          {@link ProducerSettings}
 */
public record RelayConfig(DatabaseConfig database, KafkaConfig kafka, TopicRouting routing, int batchSize,
                          int workers, Duration pollInterval, Duration claimTimeout, Backoff backoff, String instanceId,
                          int maxRetries, DeadLetterPolicy deadLetterPolicy, Duration retention,
                          CircuitSettings circuit, TopicCreation topicCreation,
                          Map<String, String> producerOverrides) {
    public static final String OUTBOX_TOPIC_ROUTING = "OUTBOX_TOPIC_ROUTING";
    public static final String OUTBOX_BATCH_SIZE = "OUTBOX_BATCH_SIZE";
    public static final String OUTBOX_WORKERS = "OUTBOX_WORKERS";
    public static final String OUTBOX_POLL_INTERVAL_SECONDS = "OUTBOX_POLL_INTERVAL_SECONDS";
    public static final String OUTBOX_CLAIM_TIMEOUT_SECONDS = "OUTBOX_CLAIM_TIMEOUT_SECONDS";
    public static final String OUTBOX_BASE_DELAY_SECONDS = "OUTBOX_BASE_DELAY_SECONDS";
    public static final String OUTBOX_MAX_DELAY_SECONDS = "OUTBOX_MAX_DELAY_SECONDS";
    public static final String OUTBOX_INSTANCE_ID = "OUTBOX_INSTANCE_ID";
    public static final String OUTBOX_MAX_RETRIES = "OUTBOX_MAX_RETRIES";
    public static final String OUTBOX_DEAD_LETTER_POLICY = "OUTBOX_DEAD_LETTER_POLICY";
    public static final String OUTBOX_RETENTION_HOURS = "OUTBOX_RETENTION_HOURS";

    public RelayConfig {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(claimTimeout, "claimTimeout");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(deadLetterPolicy, "deadLetterPolicy");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(circuit, "circuit");
        Objects.requireNonNull(topicCreation, "topicCreation");
        producerOverrides = Map.copyOf(producerOverrides);
        if (batchSize < 1 || batchSize > 10_000) {
            throw new ConfigException(OUTBOX_BATCH_SIZE, "'" + batchSize + "' is out of range; use between 1 and 10000");
        }
        if (workers < 1 || workers > 16) {
            throw new ConfigException(OUTBOX_WORKERS, "'" + workers + "' is out of range; use between 1 and 16");
        }
        if (instanceId.isBlank() || instanceId.length() > 200) {
            throw new ConfigException(OUTBOX_INSTANCE_ID, "'" + instanceId + "' must be 1-200 characters");
        }
        if (retention.isNegative()) {
            throw new ConfigException(OUTBOX_RETENTION_HOURS, "'" + retention.toHours() + "' is out of range; use "
                    + "between 0 and 87600");
        }
        if (maxRetries < 1) {
            throw new ConfigException(OUTBOX_MAX_RETRIES, "'" + maxRetries + "' is out of range; use at least 1");
        }
    }

    /** Whether published rows are deleted at once instead of kept for {@link #retention()}. */
    public boolean deletesPublishedRows() {
        return retention.isZero();
    }

    public static RelayConfig fromEnv(Env env) {
        return new RelayConfig(
                DatabaseConfig.fromEnv(env),
                KafkaConfig.fromEnv(env),
                env.option(OUTBOX_TOPIC_ROUTING, TopicRouting.class, TopicRouting.EVENT_TYPE),
                env.integer(OUTBOX_BATCH_SIZE, 500, 1, 10_000),
                env.integer(OUTBOX_WORKERS, 2, 1, 16),
                env.seconds(OUTBOX_POLL_INTERVAL_SECONDS, Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofHours(1)),
                env.seconds(OUTBOX_CLAIM_TIMEOUT_SECONDS, Duration.ofSeconds(8), Duration.ofSeconds(2), Duration.ofHours(1)),
                backoffFromEnv(env),
                env.string(OUTBOX_INSTANCE_ID, defaultInstanceId()),
                env.integer(OUTBOX_MAX_RETRIES, 5, 1, 1000),
                env.option(OUTBOX_DEAD_LETTER_POLICY, DeadLetterPolicy.class, DeadLetterPolicy.CONTINUE),
                Duration.ofHours(env.integer(OUTBOX_RETENTION_HOURS, 168, 0, 87_600)),
                CircuitSettings.fromEnv(env),
                TopicCreation.fromEnv(env),
                ProducerSettings.overridesFromEnv(env));
    }

    private static Backoff backoffFromEnv(Env env) {
        Duration baseDelay = env.seconds(OUTBOX_BASE_DELAY_SECONDS, Duration.ofSeconds(1),
                Duration.ofMillis(1), Duration.ofHours(1));
        Duration maxDelay = env.seconds(OUTBOX_MAX_DELAY_SECONDS, Duration.ofSeconds(60),
                Duration.ofMillis(1), Duration.ofDays(1));
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new ConfigException(OUTBOX_MAX_DELAY_SECONDS, "'" + env.optional(OUTBOX_MAX_DELAY_SECONDS).orElse("60")
                    + "' is below " + OUTBOX_BASE_DELAY_SECONDS + "; the maximum delay must be at least the base delay");
        }
        return new Backoff(baseDelay, maxDelay);
    }

    private static String defaultInstanceId() {
        // "<pid>@<host>" on HotSpot: unique per process on a host, readable in claims and dead letters.
        return "relay-" + ManagementFactory.getRuntimeMXBean().getName();
    }

    /** Secrets from pass-through settings (SASL JAAS config, passwords) are masked. */
    @Override
    public String toString() {
        return "RelayConfig[database=" + database + ", kafka=" + kafka + ", routing=" + routing + ", batchSize="
                + batchSize + ", workers=" + workers + ", pollInterval=" + pollInterval + ", claimTimeout=" + claimTimeout + ", backoff="
                + backoff + ", instanceId=" + instanceId + ", maxRetries=" + maxRetries + ", deadLetterPolicy="
                + deadLetterPolicy + ", retention=" + retention + ", circuit=" + circuit + ", topicCreation="
                + topicCreation + ", producerOverrides="
                + ProducerSettings.masked(producerOverrides) + "]";
    }
}
