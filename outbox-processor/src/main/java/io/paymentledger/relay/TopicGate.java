package io.paymentledger.relay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, before a pass sends, whether each of its topics can take records, so that a missing topic is the
 * infrastructure's problem (its rows held, no attempt spent) and only a topic no record can ever reach (an invalid
 * name) is the record's:
 * <ul>
 *   <li>a topic the producer has found before: its metadata, at once;</li>
 *   <li>a topic new to this relay is asked of the cluster first (one quick admin call). Missing, and
 *       {@code OUTBOX_TOPIC_CREATION=create}: the relay creates it. Missing, and creation off: the producer's own
 *       metadata request decides, which creates it on a cluster that creates topics on first use
 *       ({@code auto.create.topics.enable}); when that wait ends with the cluster still saying "no such topic",
 *       the topic is held ({@link MissingTopics});</li>
 *   <li>no answer from the cluster is an outage (the circuit breaker counts it), never a missing topic.</li>
 * </ul>
 * A held topic is asked about again by housekeeping ({@link #recheck}) and released once it exists.
 */
final class TopicGate {
    private static final Logger log = LoggerFactory.getLogger(TopicGate.class);
    /** A topic whose creation was refused is tried again at most this often. */
    static final Duration CREATION_RETRY_INTERVAL = Duration.ofSeconds(30);
    /** Known topics are bounded: the set is cleared when full. */
    private static final int MAX_KNOWN_TOPICS = 10_000;

    private final Producer<String, byte[]> producer;
    private final ClusterProbe probe;
    private final TopicCreation creation;
    private final MissingTopics missing;
    private final Clock clock;
    /** Topics the producer has found; others are asked of the cluster first. */
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    /** When each held topic may be created again ({@code create} mode), so a refusal is not repeated every check. */
    private final Map<String, Instant> nextCreationAt = new ConcurrentHashMap<>();

    /** Whether a topic can take records now. */
    sealed interface Verdict {
        /** Send to it. */
        record Ready() implements Verdict {
        }

        /** It does not exist (and was not created): hold its rows, spending nothing. */
        record Missing(String reason) implements Verdict {
        }

        /** Fail its rows with {@code error}, classified as usual: an outage, or an invalid topic (the record's). */
        record Unusable(KafkaException error) implements Verdict {
        }
    }

    private static final Verdict READY = new Verdict.Ready();

    TopicGate(Producer<String, byte[]> producer, ClusterProbe probe, TopicCreation creation, MissingTopics missing,
              Clock clock) {
        this.producer = producer;
        this.probe = probe;
        this.creation = creation;
        this.missing = missing;
        this.clock = clock;
    }

    /** Tracks whether the cluster went unanswered in this check: the other topics wait for the same broker. */
    private static final class Check {
        boolean unreachable;
    }

    /** The verdict for each of {@code topics}, in their order. */
    Map<String, Verdict> check(Collection<String> topics) throws InterruptedException {
        Check check = new Check();
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        for (String topic : topics) {
            verdicts.put(topic, verdict(topic, check));
        }
        return verdicts;
    }

    private Verdict verdict(String topic, Check check) throws InterruptedException {
        Optional<MissingTopics.Topic> held = missing.get(topic);
        if (held.isPresent()) {
            return new Verdict.Missing(held.get().reason());
        }
        if (known.contains(topic)) {
            return metadata(topic, check);
        }
        return switch (ask(topic, check)) {
            case EXISTS, UNREACHABLE -> metadata(topic, check);
            case INVALID -> new Verdict.Unusable(new InvalidTopicException("topic " + topic + " is not a valid topic "
                    + "name (the cluster says so); no record can be sent to it"));
            case MISSING -> creation.creates() ? create(topic, check) : firstUse(topic, check);
        };
    }

    private ClusterProbe.TopicState ask(String topic, Check check) throws InterruptedException {
        ClusterProbe.TopicState state = check.unreachable ? ClusterProbe.TopicState.UNREACHABLE : probe.topic(topic);
        check.unreachable |= state == ClusterProbe.TopicState.UNREACHABLE;
        return state;
    }

    /**
     * The producer's metadata for a topic said to exist (or with the cluster unanswered). A wait that ends without
     * it is a missing topic only when the cluster then says so (it was deleted); otherwise an outage.
     */
    private Verdict metadata(String topic, Check check) throws InterruptedException {
        try {
            producer.partitionsFor(topic);
            remember(topic);
            return READY;
        } catch (TimeoutException e) {
            if (ask(topic, check) != ClusterProbe.TopicState.MISSING) {
                return new Verdict.Unusable(e);
            }
            known.remove(topic);
            return creation.creates() ? create(topic, check)
                    : new Verdict.Missing("does not exist (the cluster says so; it was there before); create it "
                            + "again, or set " + TopicCreation.OUTBOX_TOPIC_CREATION + "=create");
        } catch (KafkaException e) {
            return new Verdict.Unusable(e);
        }
    }

    /**
     * A missing topic with creation off: the producer's metadata request, which a cluster that creates topics on
     * first use answers by creating it. Its wait is bounded by {@code max.block.ms} (a quarter of the claim) and is
     * paid once per topic: a held topic is left out of claims until housekeeping finds it.
     */
    private Verdict firstUse(String topic, Check check) throws InterruptedException {
        try {
            producer.partitionsFor(topic);
            remember(topic);
            log.info("Topic {} did not exist; the cluster created it on first use (auto.create.topics.enable)", topic);
            return READY;
        } catch (TimeoutException e) {
            return ask(topic, check) == ClusterProbe.TopicState.MISSING
                    ? new Verdict.Missing("does not exist, and the cluster did not create it on first use "
                            + "(auto.create.topics.enable=false, or KAFKA_ALLOW_AUTO_CREATE_TOPICS=false); create it, "
                            + "or set " + TopicCreation.OUTBOX_TOPIC_CREATION + "=create")
                    : new Verdict.Unusable(e);
        } catch (KafkaException e) {
            return new Verdict.Unusable(e);
        }
    }

    /** {@code OUTBOX_TOPIC_CREATION=create}: creates the topic with the configured settings, then sends to it. */
    private Verdict create(String topic, Check check) throws InterruptedException {
        Optional<Exception> refused = tryCreate(topic);
        if (refused.isEmpty()) {
            return metadata(topic, check);
        }
        Exception error = refused.get();
        if (error instanceof InvalidTopicException invalid) {
            return new Verdict.Unusable(invalid);
        }
        if (error instanceof TimeoutException timeout) {
            check.unreachable = true;
            return new Verdict.Unusable(timeout);
        }
        return new Verdict.Missing("does not exist, and creating it failed (tried again every "
                + CREATION_RETRY_INTERVAL.toSeconds() + " s): " + error);
    }

    /**
     * Creates the topic with the configured settings and logs what it created; a refusal is returned, and the topic
     * is not tried again for {@link #CREATION_RETRY_INTERVAL}.
     */
    private Optional<Exception> tryCreate(String topic) throws InterruptedException {
        Optional<Exception> refused = probe.create(creation.newTopic(topic));
        if (refused.isPresent()) {
            nextCreationAt.put(topic, clock.instant().plus(CREATION_RETRY_INTERVAL));
        } else {
            log.info("Created topic {} ({}=create): {}", topic, TopicCreation.OUTBOX_TOPIC_CREATION,
                    creation.describe());
        }
        return refused;
    }

    /**
     * Asks the cluster about every held topic and releases those that exist now; with creation on, tries again to
     * create one whose creation was refused, at most every {@link #CREATION_RETRY_INTERVAL}. Then reminds the
     * log of the topics still missing. Runs on housekeeping's thread every {@link MissingTopics#RECHECK_INTERVAL}.
     */
    void recheck() throws InterruptedException {
        for (MissingTopics.Topic held : missing.all()) {
            if (probe.topic(held.topic()) == ClusterProbe.TopicState.EXISTS || createdNow(held.topic())) {
                nextCreationAt.remove(held.topic());
                missing.release(held.topic(), clock.instant());
            }
        }
        missing.remind(clock.instant());
    }

    private boolean createdNow(String topic) throws InterruptedException {
        if (!creation.creates() || clock.instant().isBefore(nextCreationAt.getOrDefault(topic, Instant.MIN))) {
            return false;
        }
        Optional<Exception> refused = tryCreate(topic);
        refused.ifPresent(error -> log.warn("Creating topic {} failed again, next try in {}: {}", topic,
                CREATION_RETRY_INTERVAL, error.toString()));
        return refused.isEmpty();
    }

    private void remember(String topic) {
        if (known.size() >= MAX_KNOWN_TOPICS) {
            known.clear();
        }
        known.add(topic);
    }
}
