package io.paymentledger.relay;

import io.paymentledger.config.ConfigException;
import io.paymentledger.config.Env;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * What the relay does about a topic that does not exist. With {@code off} the cluster decides: a cluster that creates
 * topics on first use ({@code auto.create.topics.enable}) creates it when the relay's producer asks for it; otherwise
 * its rows are held (no attempt spent) until someone creates it. With {@code create} the relay creates it through the
 * admin client, with the settings below; a setting left unset takes the broker's default.
 *
 * @param mode              {@code OUTBOX_TOPIC_CREATION}: {@code off} (default) or {@code create}
 * @param partitions        {@code OUTBOX_TOPIC_PARTITIONS}: 1-10000; unset: the broker's {@code num.partitions}
 * @param replicationFactor {@code OUTBOX_TOPIC_REPLICATION_FACTOR}: 1-32767; unset: the broker's
 *                          {@code default.replication.factor}
 * @param minInsyncReplicas {@code OUTBOX_TOPIC_MIN_INSYNC_REPLICAS}: 1 up to the replication factor; unset: the
 *                          broker's {@code min.insync.replicas}. With {@code acks=all} it is how many copies every
 *                          acknowledged event has.
 */
public record TopicCreation(Mode mode, Optional<Integer> partitions, Optional<Short> replicationFactor,
                            Optional<Integer> minInsyncReplicas) {
    public static final String OUTBOX_TOPIC_CREATION = "OUTBOX_TOPIC_CREATION";
    public static final String OUTBOX_TOPIC_PARTITIONS = "OUTBOX_TOPIC_PARTITIONS";
    public static final String OUTBOX_TOPIC_REPLICATION_FACTOR = "OUTBOX_TOPIC_REPLICATION_FACTOR";
    public static final String OUTBOX_TOPIC_MIN_INSYNC_REPLICAS = "OUTBOX_TOPIC_MIN_INSYNC_REPLICAS";
    /** The cluster decides, and nothing is created by the relay. */
    public static final TopicCreation OFF = new TopicCreation(Mode.OFF, Optional.empty(), Optional.empty(),
            Optional.empty());

    /** {@code OUTBOX_TOPIC_CREATION}. */
    public enum Mode {
        /** The relay creates no topic: the cluster's own auto-creation applies, or rows wait for the topic. */
        OFF,
        /** The relay creates a missing topic (and the dead-letter topic) with the admin client. */
        CREATE
    }

    public TopicCreation {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(partitions, "partitions");
        Objects.requireNonNull(replicationFactor, "replicationFactor");
        Objects.requireNonNull(minInsyncReplicas, "minInsyncReplicas");
        if (mode == Mode.OFF) {
            rejectWhenOff(OUTBOX_TOPIC_PARTITIONS, partitions);
            rejectWhenOff(OUTBOX_TOPIC_REPLICATION_FACTOR, replicationFactor);
            rejectWhenOff(OUTBOX_TOPIC_MIN_INSYNC_REPLICAS, minInsyncReplicas);
        }
        if (minInsyncReplicas.isPresent() && replicationFactor.isPresent()
                && minInsyncReplicas.get() > replicationFactor.get()) {
            throw new ConfigException(OUTBOX_TOPIC_MIN_INSYNC_REPLICAS, "'" + minInsyncReplicas.get() + "' is above "
                    + OUTBOX_TOPIC_REPLICATION_FACTOR + " (" + replicationFactor.get() + "): no write with acks=all "
                    + "could ever succeed; use at most the replication factor");
        }
    }

    private static void rejectWhenOff(String variable, Optional<?> value) {
        value.ifPresent(v -> {
            throw new ConfigException(variable, "'" + v + "' is set but " + OUTBOX_TOPIC_CREATION + " is off, so "
                    + "the relay creates no topic; set " + OUTBOX_TOPIC_CREATION + "=create, or unset " + variable);
        });
    }

    static TopicCreation fromEnv(Env env) {
        return new TopicCreation(
                env.option(OUTBOX_TOPIC_CREATION, Mode.class, Mode.OFF),
                optionalInteger(env, OUTBOX_TOPIC_PARTITIONS, 10_000),
                optionalInteger(env, OUTBOX_TOPIC_REPLICATION_FACTOR, Short.MAX_VALUE).map(Integer::shortValue),
                optionalInteger(env, OUTBOX_TOPIC_MIN_INSYNC_REPLICAS, Short.MAX_VALUE));
    }

    private static Optional<Integer> optionalInteger(Env env, String name, int max) {
        return env.optional(name).map(raw -> env.integer(name, 0, 1, max));
    }

    /** Whether the relay creates missing topics. */
    boolean creates() {
        return mode == Mode.CREATE;
    }

    /** The topic to create: name, partitions and replication factor (broker defaults where unset), configs. */
    NewTopic newTopic(String name) {
        return new NewTopic(name, partitions, replicationFactor).configs(configs());
    }

    private Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        minInsyncReplicas.ifPresent(n -> configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(n)));
        return configs;
    }

    /** The settings a created topic gets, for the log line that says what was created. */
    String describe() {
        return String.join(", ", List.of(
                "partitions " + partitions.map(String::valueOf).orElse("(broker default)"),
                "replication factor " + replicationFactor.map(String::valueOf).orElse("(broker default)"),
                "min.insync.replicas " + minInsyncReplicas.map(String::valueOf).orElse("(broker default)")));
    }
}
