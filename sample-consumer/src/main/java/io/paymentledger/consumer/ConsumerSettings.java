package io.paymentledger.consumer;

import io.paymentledger.config.ConfigException;
import io.paymentledger.config.DatabaseConfig;
import io.paymentledger.config.Env;
import io.paymentledger.config.KafkaConfig;
import io.paymentledger.config.KafkaPassThrough;
import java.util.Map;
import java.util.Objects;

/**
 * The consumer's configuration, read from the environment once at start-up.
 *
 * @param database {@code DATABASE_URL}, {@code DATABASE_USER}, {@code DATABASE_PASSWORD}: where the inbox and the
 *                 notifications live
 * @param kafka    {@code KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_TOPIC_PREFIX}
 * @param groupId  {@code CONSUMER_GROUP_ID}: the Kafka consumer group and inbox namespace, default
 *                 {@code sample-notification-service}
 * @param maxRecordBytes {@code CONSUMER_MAX_RECORD_BYTES}: a record value larger than this is rejected unread as
 *                 {@code oversized_record}, default 1048576 (1 MiB, Kafka's default record limit), 1024-104857600
 * @param threads  {@code CONSUMER_THREADS}: consumers of the group in this process, each with its own thread,
 *                 Kafka consumer and database connection, sharing the partitions; default 2, 1-64
 * @param kafkaSettings the {@code KAFKA_*} pass-through (TLS, SASL, tuning), see {@link KafkaClientSettings}
 */
public record ConsumerSettings(DatabaseConfig database, KafkaConfig kafka, String groupId, int maxRecordBytes,
                               int threads, Map<String, String> kafkaSettings) {
    public static final String CONSUMER_GROUP_ID = "CONSUMER_GROUP_ID";
    public static final String CONSUMER_MAX_RECORD_BYTES = "CONSUMER_MAX_RECORD_BYTES";
    public static final String CONSUMER_THREADS = "CONSUMER_THREADS";
    public static final int DEFAULT_THREADS = 2;
    private static final int MAX_THREADS = 64;
    public static final String DEFAULT_GROUP_ID = "sample-notification-service";
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
    private static final int MIN_RECORD_BYTES = 1024;
    private static final int MAX_RECORD_BYTES = 100 * 1024 * 1024;

    public ConsumerSettings {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(groupId, "groupId");
        if (!groupId.matches("^[A-Za-z0-9._-]{1,200}$")) {
            throw new ConfigException(CONSUMER_GROUP_ID, "'" + groupId
                    + "' is not a valid group id; use 1-200 characters of A-Z a-z 0-9 . _ -");
        }
        if (maxRecordBytes < MIN_RECORD_BYTES || maxRecordBytes > MAX_RECORD_BYTES) {
            throw new ConfigException(CONSUMER_MAX_RECORD_BYTES, "'" + maxRecordBytes + "' is out of range; use between "
                    + MIN_RECORD_BYTES + " and " + MAX_RECORD_BYTES);
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw new ConfigException(CONSUMER_THREADS, "'" + threads + "' is out of range; use between 1 and "
                    + MAX_THREADS);
        }
        kafkaSettings = Map.copyOf(kafkaSettings);
    }

    /** Settings for a plaintext cluster (no pass-through). */
    public ConsumerSettings(DatabaseConfig database, KafkaConfig kafka, String groupId, int maxRecordBytes,
                            int threads) {
        this(database, kafka, groupId, maxRecordBytes, threads, Map.of());
    }

    /** Settings with the default record size limit and threads. */
    public ConsumerSettings(DatabaseConfig database, KafkaConfig kafka, String groupId) {
        this(database, kafka, groupId, DEFAULT_MAX_RECORD_BYTES, DEFAULT_THREADS);
    }

    public static ConsumerSettings fromEnv(Env env) {
        KafkaClientSettings clients = KafkaClientSettings.fromEnv(env);
        return new ConsumerSettings(DatabaseConfig.fromEnv(env), clients.kafka(),
                env.string(CONSUMER_GROUP_ID, DEFAULT_GROUP_ID),
                env.integer(CONSUMER_MAX_RECORD_BYTES, DEFAULT_MAX_RECORD_BYTES, MIN_RECORD_BYTES, MAX_RECORD_BYTES),
                env.integer(CONSUMER_THREADS, DEFAULT_THREADS, 1, MAX_THREADS), clients.settings());
    }

    /** How every Kafka client of the consumer connects. */
    public KafkaClientSettings clients() {
        return new KafkaClientSettings(kafka, kafkaSettings);
    }

    /** Secrets of the pass-through are masked. */
    @Override
    public String toString() {
        return "ConsumerSettings[database=" + database + ", kafka=" + kafka + ", groupId=" + groupId
                + ", maxRecordBytes=" + maxRecordBytes + ", threads=" + threads + ", kafkaSettings="
                + KafkaPassThrough.masked(kafkaSettings) + "]";
    }
}
