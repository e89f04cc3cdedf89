package io.paymentledger.faults;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compares what the database committed with what Kafka holds and what the consumer did, and names every violation
 * of the guarantees:
 * <ol>
 *   <li>every committed event is on Kafka at least once, or on the DLQ;</li>
 *   <li>per aggregate, first occurrences come in version order with no gap except dead-lettered versions (all of an
 *       aggregate's records must be in one partition, which aggregate-type routing gives);</li>
 *   <li>duplicates stay within what could have been in flight at the faults;</li>
 *   <li>no dead letter was caused by an outage: only the rows planted as poison may be dead-lettered;</li>
 *   <li>the consumer gave exactly one notification per delivered event, and none for anything else.</li>
 * </ol>
 * Pure: the harness (or a test) hands it the dumps.
 */
final class Verifier {

    /** One {@code outbox_event} row as committed; {@code status} its state in {@code outbox_event_state}. */
    record Committed(String eventId, String aggregateType, String aggregateId, long version, String status) {
    }

    /** One record on a ledger topic, in the order of its partition. */
    record Delivered(String topic, int partition, long offset, String eventId, String aggregateType,
                     String aggregateId, long version) {
    }

    /** One record on the DLQ. */
    record DeadLetter(String eventId, String errorClass) {
    }

    /** Everything the verifier reads. */
    record Evidence(List<Committed> committed, List<Delivered> delivered, List<DeadLetter> deadLetters,
                    Map<String, Integer> notificationsPerEvent) {
    }

    /** What was allowed: the poison rows that may be dead-lettered, and how many duplicates the faults explain. */
    record Allowance(Set<String> poisonEventIds, long duplicateBound) {
    }

    Report verify(Evidence evidence, Allowance allowance) {
        List<String> violations = new ArrayList<>();
        Map<String, Long> deliveries = evidence.delivered().stream()
                .collect(Collectors.groupingBy(Delivered::eventId, Collectors.counting()));
        Set<String> dead = evidence.deadLetters().stream().map(DeadLetter::eventId).collect(Collectors.toSet());
        lostOrPending(evidence, deliveries, dead, violations);
        order(evidence, dead, violations);
        long duplicates = deliveries.values().stream().mapToLong(count -> count - 1).sum();
        if (duplicates > allowance.duplicateBound()) {
            violations.add("duplicates: " + duplicates + " records delivered more than once, more than the "
                    + allowance.duplicateBound() + " the faults can explain");
        }
        deadLetters(evidence, allowance, violations);
        notifications(evidence, deliveries, violations);
        return new Report(evidence.committed().size(), deliveries.size(), duplicates, allowance.duplicateBound(),
                dead.size(), evidence.notificationsPerEvent().size(), violations);
    }

    private static void lostOrPending(Evidence evidence, Map<String, Long> deliveries, Set<String> dead,
                                      List<String> violations) {
        for (Committed row : evidence.committed()) {
            if (!deliveries.containsKey(row.eventId()) && !dead.contains(row.eventId())) {
                violations.add("lost: " + describe(row) + " (" + row.status() + ") is neither on Kafka nor on the DLQ");
            }
        }
    }

    private static void order(Evidence evidence, Set<String> dead, List<String> violations) {
        Map<String, List<Delivered>> byAggregate = evidence.delivered().stream()
                .sorted(Comparator.comparing(Delivered::topic).thenComparingInt(Delivered::partition)
                        .thenComparingLong(Delivered::offset))
                .collect(Collectors.groupingBy(d -> d.aggregateType() + "/" + d.aggregateId(), LinkedHashMap::new,
                        Collectors.toList()));
        Map<String, List<Long>> expected = new HashMap<>();
        evidence.committed().stream().filter(row -> !dead.contains(row.eventId()))
                .sorted(Comparator.comparingLong(Committed::version))
                .forEach(row -> expected.computeIfAbsent(row.aggregateType() + "/" + row.aggregateId(),
                        key -> new ArrayList<>()).add(row.version()));
        byAggregate.forEach((aggregate, records) -> {
            if (records.stream().map(d -> d.topic() + "-" + d.partition()).distinct().count() > 1) {
                violations.add("order: " + aggregate + " is spread over several partitions; order is undefined");
                return;
            }
            List<Long> firstOccurrences = records.stream().map(Delivered::version).distinct().toList();
            List<Long> want = expected.getOrDefault(aggregate, List.of());
            if (!firstOccurrences.equals(want)) {
                violations.add("order: " + aggregate + " first occurrences " + abbreviate(firstOccurrences)
                        + " but committed (less dead-lettered) versions are " + abbreviate(want));
            }
        });
    }

    private static void deadLetters(Evidence evidence, Allowance allowance, List<String> violations) {
        for (DeadLetter letter : evidence.deadLetters()) {
            if (!allowance.poisonEventIds().contains(letter.eventId())) {
                violations.add("dead letter not planted as poison (an outage or fault caused it): " + letter.eventId()
                        + " " + letter.errorClass());
            }
        }
    }

    private static void notifications(Evidence evidence, Map<String, Long> deliveries, List<String> violations) {
        for (String eventId : deliveries.keySet()) {
            int count = evidence.notificationsPerEvent().getOrDefault(eventId, 0);
            if (count != 1) {
                violations.add("consumer: event " + eventId + " gave " + count + " notifications, not exactly 1");
            }
        }
        for (String eventId : evidence.notificationsPerEvent().keySet()) {
            if (!deliveries.containsKey(eventId)) {
                violations.add("consumer: notification for " + eventId + ", which is on no ledger topic");
            }
        }
    }

    private static String describe(Committed row) {
        return row.eventId() + " " + row.aggregateType() + "/" + row.aggregateId() + " v" + row.version();
    }

    private static String abbreviate(List<Long> versions) {
        return versions.size() <= 12 ? versions.toString()
                : versions.subList(0, 6) + "..." + versions.subList(versions.size() - 3, versions.size());
    }

    /** The verifier's numbers and violations. */
    record Report(long committed, long deliveredUnique, long duplicates, long duplicateBound, long deadLettered,
                  long notified, List<String> violations) {
        boolean passed() {
            return violations.isEmpty();
        }
    }
}
