package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paymentledger.config.Env;
import io.paymentledger.config.KafkaConfig;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.testsupport.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * One relay pass, driven end to end without a database or a broker: a fake store hands out the batch and keeps what
 * the pass settles, Kafka's {@link MockProducer} acknowledges or fails each record, and the clock moves by hand.
 */
class OutboxRelayTest {
    private static final Instant START = Instant.parse("2026-11-30T12:00:00Z");
    private static final int MAX_RETRIES = 3;

    private final MutableClock clock = new MutableClock(START);
    private final FakeStore store = new FakeStore();
    private final FailingProducer producer = new FailingProducer();
    private final Counting listener = new Counting();
    private final RelayConfig config = RelayConfig.fromEnv(new Env(Map.of(
            "DATABASE_URL", "jdbc:postgresql://db:5432/ledger", "DATABASE_USER", "relay",
            "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "OUTBOX_INSTANCE_ID", "relay-test",
            "OUTBOX_MAX_RETRIES", Integer.toString(MAX_RETRIES), "OUTBOX_BASE_DELAY_SECONDS", "2",
            "OUTBOX_MAX_DELAY_SECONDS", "60")));
    private final OutboxRelay relay = new OutboxRelay(store, new KafkaPublisher(producer, new ExistingTopics(),
            TopicCreation.OFF, new MissingTopics(), new KafkaConfig(List.of("kafka:9092"), "payments"),
            TopicRouting.EVENT_TYPE, clock), new DeadLetters(EventSchemas.load(), "relay-test"),
            Relay.circuitBreaker(config.circuit(), new SimpleMeterRegistry()), config, clock, () -> 0.5, listener,
            new MissingTopics(), () -> Map.of(0, 1L));

    @Test
    void aBatchThatKafkaAcknowledgesIsSettledPublishedInOneWriteThatEndsTheClaim() throws Exception {
        store.add(row(1, "a", 1), row(2, "b", 1), row(3, "a", 2));

        assertThat(relay.runOnce().claimed()).isEqualTo(3);

        assertThat(producer.sent).extracting(ProducerRecord::key).containsExactly("a", "b", "a");
        Settlement settled = store.onlySettlement();
        assertThat(settled.published()).extracting(OutboxRow::id).containsExactly(1L, 2L, 3L);
        assertThat(settled.onlyPublished()).isTrue();
        assertThat(listener.published).isEqualTo(3);
        assertThat(store.ended).containsExactly(store.lastClaim);
    }

    @Test
    void aRecordFailureSpendsOneAttemptWaitsItsBackoffAndHoldsItsAggregatesLaterVersions() throws Exception {
        producer.failing.put("a", new CorruptRecordException("crc"));
        store.add(row(1, "a", 1), row(2, "a", 2), row(3, "b", 1));

        relay.runOnce();

        Settlement settled = store.onlySettlement();
        assertThat(settled.published()).extracting(OutboxRow::id).containsExactly(3L);
        assertThat(settled.retries()).hasSize(1);
        Settlement.Retry retry = settled.retries().get(0);
        assertThat(retry.failure().row().id()).isEqualTo(1L);
        assertThat(retry.nextAttemptAt()).as("first retry: half (jitter 0.5) of the 2 s base")
                .isEqualTo(START.plusSeconds(1));
        assertThat(settled.released()).as("version 2, held behind version 1 without an attempt").isEqualTo(1);
        assertThat(producer.sent).extracting(ProducerRecord::key).as("version 2 never sent")
                .containsExactly("a", "b");
        assertThat(listener.recordFailures).isEqualTo(1);
    }

    @Test
    void aRowNotYetDueIsNotSentAndIsSentOnceItsTimeComes() throws Exception {
        producer.failing.put("a", new CorruptRecordException("crc"));
        store.add(row(1, "a", 1));
        relay.runOnce();
        producer.failing.clear();

        clock.advance(Duration.ofMillis(999));
        assertThat(relay.runOnce().claimed()).as("999 ms into a 1 s backoff").isZero();

        clock.advance(Duration.ofMillis(1));
        assertThat(relay.runOnce().claimed()).isEqualTo(1);
        assertThat(store.settlements.get(1).published()).extracting(OutboxRow::id).containsExactly(1L);
    }

    @Test
    void theLastAttemptSendsADeadLetterAndSettlesTheRowDead() throws Exception {
        producer.failing.put("a", new CorruptRecordException("crc"));
        store.add(new OutboxRow(1, eventId(1), "Payment", "a", 1, "PaymentAuthorized", 1, "{}", null, START,
                MAX_RETRIES - 1, START.minusSeconds(60)));

        relay.runOnce();

        Settlement settled = store.onlySettlement();
        assertThat(settled.dead()).extracting(failure -> failure.row().id()).containsExactly(1L);
        assertThat(settled.retries()).isEmpty();
        ProducerRecord<String, byte[]> letter = producer.sent.get(1);
        assertThat(letter.topic()).isEqualTo("payments.dlq");
        assertThat(new String(letter.value(), StandardCharsets.UTF_8)).contains("CorruptRecordException");
        assertThat(listener.deadLettered).isEqualTo(1);
    }

    @Test
    void aRecordThatCanNeverBeSentIsDeadLetteredAtOnce() throws Exception {
        producer.failing.put("a", new RecordTooLargeException("2 MB"));
        store.add(row(1, "a", 1));

        relay.runOnce();

        assertThat(store.onlySettlement().dead()).extracting(failure -> failure.row().attempts()).containsExactly(0);
    }

    @Test
    void anOutageSpendsNoAttemptAndCountsAgainstTheCircuit() throws Exception {
        producer.failing.put("a", new NetworkException("connection reset"));
        store.add(row(1, "a", 1), row(2, "a", 2));

        relay.runOnce();

        Settlement settled = store.onlySettlement();
        assertThat(settled.retries()).isEmpty();
        assertThat(settled.dead()).isEmpty();
        assertThat(settled.released()).isEqualTo(2);
        assertThat(settled.outage()).isInstanceOf(NetworkException.class);
        assertThat(listener.transportFailures).isEqualTo(2);
        assertThat(store.rows.get(0).attempts()).isZero();
    }

    @Test
    void aPassWhoseClaimWasTakenOverBeforeItsDeadLettersSendsNoneAndSettlesNothing() throws Exception {
        producer.failing.put("a", new RecordTooLargeException("2 MB"));
        store.add(row(1, "a", 1));
        store.takenOver = true;

        relay.runOnce();

        assertThat(store.settlements).isEmpty();
        assertThat(producer.sent).extracting(ProducerRecord::topic).doesNotContain("payments.dlq");
    }

    private static OutboxRow row(long id, String aggregateId, long version) {
        return new OutboxRow(id, eventId(id), "Payment", aggregateId, version, "PaymentAuthorized", 1,
                "{\"paymentId\":\"" + aggregateId + "\"}", null, START, 0, null);
    }

    private static String eventId(long id) {
        return String.format("01JD2Z8Q3V5W6X7Y8Z9A0B1%03d", id);
    }

    /**
     * The store's contract in memory: due rows in id order, per aggregate only behind no earlier unsettled row; a
     * settlement removes published and dead rows and gives retried rows their attempt and next time.
     */
    private final class FakeStore implements PassStore {
        final List<OutboxRow> rows = new ArrayList<>();
        final Map<Long, Instant> due = new HashMap<>();
        final List<Settlement> settlements = new ArrayList<>();
        final List<Long> ended = new ArrayList<>();
        long lastClaim;
        boolean takenOver;

        void add(OutboxRow... added) {
            rows.addAll(List.of(added));
        }

        Settlement onlySettlement() {
            assertThat(settlements).hasSize(1);
            return settlements.get(0);
        }

        @Override
        public Claim claimBatch(String instance, Map<Integer, Long> lanes, int limit, Instant now,
                                Instant claimedUntil, TopicRouting routing, Set<String> heldKeys) {
            List<OutboxRow> claimed = new ArrayList<>();
            Set<AggregateKey> blocked = new java.util.HashSet<>();
            for (OutboxRow row : rows) {
                boolean isDue = !due.getOrDefault(row.id(), Instant.MIN).isAfter(now);
                if (isDue && !blocked.contains(row.aggregate())) {
                    claimed.add(row);
                } else {
                    blocked.add(row.aggregate());
                }
            }
            lastClaim++;
            return claimed.isEmpty() ? Claim.NONE : new Claim(lastClaim, claimed);
        }

        @Override
        public boolean renewClaim(long claim, Instant claimedUntil) {
            return !takenOver;
        }

        @Override
        public boolean endClaim(long claim) {
            ended.add(claim);
            return !takenOver;
        }

        @Override
        public int settle(long claim, Settlement settlement, Instant now, boolean park) {
            if (takenOver) {
                return 0;
            }
            ended.add(claim);
            settlements.add(settlement);
            rows.removeAll(settlement.published());
            settlement.dead().forEach(failure -> rows.remove(failure.row()));
            for (Settlement.Retry retry : settlement.retries()) {
                OutboxRow row = retry.failure().row();
                rows.set(rows.indexOf(row), new OutboxRow(row.id(), row.eventId(), row.aggregateType(),
                        row.aggregateId(), row.aggregateVersion(), row.eventType(), row.eventVersion(), row.payload(),
                        row.correlationId(), row.occurredAt(), row.attempts() + 1, now));
                due.put(row.id(), retry.nextAttemptAt());
            }
            return settlement.published().size();
        }
    }

    /**
     * Kafka's mock producer, acknowledging every record at once except those whose key is in {@link #failing} (not on
     * the dead-letter topic); {@link #sent} lists every record in the order it was sent.
     */
    private static final class FailingProducer extends MockProducer<String, byte[]> {
        final Map<String, Exception> failing = new HashMap<>();
        final List<ProducerRecord<String, byte[]>> sent = new ArrayList<>();

        FailingProducer() {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
            sent.add(record);
            Exception error = record.topic().equals("payments.dlq") ? null : failing.get(record.key());
            return error == null ? super.send(record, callback) : CompletableFuture.failedFuture(error);
        }

        @Override
        public synchronized List<PartitionInfo> partitionsFor(String topic) {
            return List.of();
        }
    }

    /** A cluster where every topic exists. */
    private static final class ExistingTopics implements ClusterProbe {
        @Override
        public TopicState topic(String topic) {
            return TopicState.EXISTS;
        }

        @Override
        public Optional<Exception> create(NewTopic topic) {
            return Optional.empty();
        }
    }

    /** Counts what the pass reports. */
    private static final class Counting implements RelayListener {
        int published;
        int recordFailures;
        int transportFailures;
        int deadLettered;

        @Override
        public void published(List<OutboxRow> rows, Instant ackedAt) {
            published += rows.size();
        }

        @Override
        public void recordFailures(int rows) {
            recordFailures += rows;
        }

        @Override
        public void transportFailures(int rows) {
            transportFailures += rows;
        }

        @Override
        public void deadLettered(int rows) {
            deadLettered += rows;
        }
    }
}
