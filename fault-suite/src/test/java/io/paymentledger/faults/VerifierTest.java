package io.paymentledger.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymentledger.faults.Verifier.Allowance;
import io.paymentledger.faults.Verifier.Committed;
import io.paymentledger.faults.Verifier.DeadLetter;
import io.paymentledger.faults.Verifier.Delivered;
import io.paymentledger.faults.Verifier.Evidence;
import io.paymentledger.faults.Verifier.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Hand-made dumps: a clean run passes; a lost event, a reordered pair, an outage's dead letter each fail. */
class VerifierTest {
    private final Verifier verifier = new Verifier();
    private final List<Committed> committed = new ArrayList<>();
    private final List<Delivered> delivered = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final Map<String, Integer> notifications = new HashMap<>();
    private long offset;

    /** Aggregates a (v1..v3) and b (v1..v2), all delivered in order and each notified once. */
    private void cleanRun() {
        for (String aggregate : List.of("a", "b")) {
            for (long version = 1; version <= (aggregate.equals("a") ? 3 : 2); version++) {
                commit(aggregate, version);
                deliver(aggregate, version);
                notifications.put(id(aggregate, version), 1);
            }
        }
    }

    @Test
    void aCleanRunWithDuplicatesWithinTheBoundPasses() {
        cleanRun();
        deliver("a", 2);
        deliver("a", 3);

        Report report = verify(Set.of(), 2);

        assertThat(report.violations()).isEmpty();
        assertThat(report.committed()).isEqualTo(5);
        assertThat(report.deliveredUnique()).isEqualTo(5);
        assertThat(report.duplicates()).isEqualTo(2);
    }

    @Test
    void aLostEventFails() {
        cleanRun();
        commit("b", 3);

        assertThat(verify(Set.of(), 0).violations())
                .anySatisfy(violation -> assertThat(violation).startsWith("lost: " + id("b", 3)));
    }

    @Test
    void aReorderedPairFails() {
        commit("a", 1);
        commit("a", 2);
        deliver("a", 2);
        deliver("a", 1);
        notifications.put(id("a", 1), 1);
        notifications.put(id("a", 2), 1);

        assertThat(verify(Set.of(), 0).violations())
                .anySatisfy(violation -> assertThat(violation).startsWith("order: Payment/a first occurrences [2, 1]"));
    }

    @Test
    void aGapIsAllowedOnlyWhereTheVersionWasDeadLettered() {
        commit("a", 1);
        commit("a", 2);
        commit("a", 3);
        deliver("a", 1);
        deliver("a", 3);
        notifications.put(id("a", 1), 1);
        notifications.put(id("a", 3), 1);
        deadLetters.add(new DeadLetter(id("a", 2), "org.apache.kafka.common.errors.RecordTooLargeException"));

        assertThat(verify(Set.of(id("a", 2)), 0).violations()).isEmpty();
    }

    @Test
    void aDeadLetterThatWasNotPlantedAsPoisonFails() {
        cleanRun();
        commit("c", 1);
        deadLetters.add(new DeadLetter(id("c", 1), "org.apache.kafka.common.errors.TimeoutException"));

        assertThat(verify(Set.of(), 0).violations()).anySatisfy(violation -> assertThat(violation)
                .startsWith("dead letter not planted as poison").contains("TimeoutException"));
    }

    @Test
    void moreDuplicatesThanTheFaultsExplainFail() {
        cleanRun();
        deliver("a", 1);

        assertThat(verify(Set.of(), 0).violations())
                .anySatisfy(violation -> assertThat(violation).startsWith("duplicates: 1 records"));
    }

    @Test
    void aMissingOrRepeatedNotificationFails() {
        cleanRun();
        notifications.remove(id("a", 1));
        notifications.put("01ZZZZZZZZZZZZZZZZZZZZZZZZ", 1);

        assertThat(verify(Set.of(), 0).violations())
                .anySatisfy(violation -> assertThat(violation).contains(id("a", 1) + " gave 0 notifications"))
                .anySatisfy(violation -> assertThat(violation).contains("which is on no ledger topic"));
    }

    @Test
    void anAggregateSpreadOverPartitionsFails() {
        commit("a", 1);
        commit("a", 2);
        delivered.add(new Delivered("payments.payment", 0, offset++, id("a", 1), "Payment", "a", 1));
        delivered.add(new Delivered("payments.payment", 1, offset++, id("a", 2), "Payment", "a", 2));
        notifications.put(id("a", 1), 1);
        notifications.put(id("a", 2), 1);

        assertThat(verify(Set.of(), 0).violations())
                .anySatisfy(violation -> assertThat(violation).contains("spread over several partitions"));
    }

    private Report verify(Set<String> poison, long duplicateBound) {
        return verifier.verify(new Evidence(committed, delivered, deadLetters, notifications),
                new Allowance(poison, duplicateBound));
    }

    private void commit(String aggregate, long version) {
        committed.add(new Committed(id(aggregate, version), "Payment", aggregate, version, "published"));
    }

    private void deliver(String aggregate, long version) {
        delivered.add(new Delivered("payments.payment", 0, offset++, id(aggregate, version), "Payment", aggregate,
                version));
    }

    private static String id(String aggregate, long version) {
        return aggregate + "-v" + version;
    }
}
