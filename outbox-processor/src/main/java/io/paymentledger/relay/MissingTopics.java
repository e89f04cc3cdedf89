package io.paymentledger.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The topics this relay found missing, and whose rows it therefore holds: like an outage scoped to one topic, no
 * attempt is spent and nothing is dead-lettered. While a topic is here its rows wait in the retry set, never sent
 * (by the {@code event_type} or {@code aggregate_type} values that route to it), so the other topics flow;
 * per-aggregate order holds because an aggregate's later versions wait behind its held head. Housekeeping
 * asks the cluster about each one every {@link #RECHECK_INTERVAL} and releases it once it exists. Thread-safe.
 */
final class MissingTopics {
    /** How often a held topic is asked about again. */
    static final Duration RECHECK_INTERVAL = Duration.ofSeconds(2);
    /** A topic still missing is logged again (WARN) at most this often. */
    static final Duration WARN_INTERVAL = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(MissingTopics.class);

    /**
     * One missing topic.
     *
     * @param topic       the topic's name
     * @param reason      why its rows are held, for operators
     * @param since       when this relay first found it missing
     * @param routingKeys the {@code event_type} (or {@code aggregate_type}) values seen routing to it; empty for
     *                    the dead-letter topic, whose rows are postponed instead
     * @param rowsHeld    pending rows routed to it, as last counted (or as seen, until counted)
     */
    record Topic(String topic, String reason, Instant since, Set<String> routingKeys, long rowsHeld) {
        Topic {
            routingKeys = Set.copyOf(routingKeys);
        }
    }

    private final ConcurrentMap<String, Topic> topics = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Instant> warnedAt = new ConcurrentHashMap<>();
    private final List<Runnable> releaseListeners = new CopyOnWriteArrayList<>();

    /** Runs {@code listener} after a topic is released (the relay wakes a worker to claim its rows at once). */
    void onRelease(Runnable listener) {
        releaseListeners.add(listener);
    }

    /**
     * Holds {@code topic}'s rows: the first time, a WARN names the topic and what to do; later calls add the routing
     * keys seen (rows claimed before the topic was left out of claims).
     */
    void hold(String topic, String reason, Set<String> routingKeys, long rowsSeen, Instant now) {
        if (topics.putIfAbsent(topic, new Topic(topic, reason, now, routingKeys, rowsSeen)) == null) {
            warnedAt.put(topic, now);
            withTopic(topic, () -> log.warn("Topic {} {}: its rows are held (no attempt spent, nothing dead-lettered) "
                    + "while other topics keep flowing; delivery resumes within seconds of the topic existing",
                    topic, reason));
            return;
        }
        topics.computeIfPresent(topic, (name, held) -> {
            Set<String> keys = new HashSet<>(held.routingKeys());
            keys.addAll(routingKeys);
            return new Topic(name, held.reason(), held.since(), keys, held.rowsHeld());
        });
    }

    Optional<Topic> get(String topic) {
        return Optional.ofNullable(topics.get(topic));
    }

    boolean isEmpty() {
        return topics.isEmpty();
    }

    /** Every held topic, by name. */
    List<Topic> all() {
        return topics.values().stream().sorted(Comparator.comparing(Topic::topic)).toList();
    }

    /** The routing keys of every held topic: passes hold the rows they route instead of sending them. */
    Set<String> routingKeys() {
        Set<String> keys = new HashSet<>();
        topics.values().forEach(topic -> keys.addAll(topic.routingKeys()));
        return keys;
    }

    /** Sets each held topic's row count from {@code pendingByKey} (pending rows per routing key). */
    void countRows(Map<String, Long> pendingByKey) {
        topics.replaceAll((name, topic) -> topic.routingKeys().isEmpty() ? topic : new Topic(name, topic.reason(),
                topic.since(), topic.routingKeys(), topic.routingKeys().stream()
                        .mapToLong(key -> pendingByKey.getOrDefault(key, 0L)).sum()));
    }

    /** Logs each topic still missing at most every {@link #WARN_INTERVAL}. */
    void remind(Instant now) {
        for (Topic topic : all()) {
            Instant last = warnedAt.getOrDefault(topic.topic(), Instant.MIN);
            if (!now.isBefore(last.plus(WARN_INTERVAL)) && warnedAt.replace(topic.topic(), last, now)) {
                withTopic(topic.topic(), () -> log.warn("Topic {} is still missing since {}: {} rows held ({})",
                        topic.topic(), topic.since(), topic.rowsHeld(), topic.reason()));
            }
        }
    }

    /** The topic exists now: its rows are claimed again. */
    void release(String topic, Instant now) {
        Topic released = topics.remove(topic);
        warnedAt.remove(topic);
        if (released != null) {
            withTopic(topic, () -> log.info("Topic {} exists now, after {}: delivering its {} held rows", topic,
                    Duration.between(released.since(), now), released.rowsHeld()));
            releaseListeners.forEach(Runnable::run);
        }
    }

    private static void withTopic(String topic, Runnable action) {
        MDC.put("topic", topic);
        try {
            action.run();
        } finally {
            MDC.remove("topic");
        }
    }
}
