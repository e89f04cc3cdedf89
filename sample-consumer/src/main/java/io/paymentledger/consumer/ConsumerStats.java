package io.paymentledger.consumer;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/** Counts what the consumer did; thread-safe. The service's log line and (later) its metrics read it. */
public final class ConsumerStats implements ConsumptionListener {
    private final LongAdder consumed = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final Map<Validation.RejectReason, LongAdder> rejected = new EnumMap<>(Validation.RejectReason.class);

    public ConsumerStats() {
        for (Validation.RejectReason reason : Validation.RejectReason.values()) {
            rejected.put(reason, new LongAdder());
        }
    }

    @Override
    public void processed(Envelope envelope, boolean duplicate) {
        (duplicate ? duplicates : consumed).increment();
    }

    @Override
    public void rejected(String topic, int partition, long offset, Validation.Invalid verdict) {
        rejected.get(verdict.reason()).increment();
    }

    @Override
    public void gap(Envelope envelope, long highestBefore) {
        gaps.increment();
    }

    @Override
    public void late(Envelope envelope, long highestBefore) {
        late.increment();
    }

    /** Events applied (each gave one notification). */
    public long consumed() {
        return consumed.sum();
    }

    public long duplicates() {
        return duplicates.sum();
    }

    public long gaps() {
        return gaps.sum();
    }

    public long late() {
        return late.sum();
    }

    public long rejected(Validation.RejectReason reason) {
        return rejected.get(reason).sum();
    }

    /** One line for the log, e.g. "consumed 120, duplicates dropped 3, rejected 1 (malformed_json 1), gaps 0, late 0". */
    public String summary() {
        long rejectedTotal = rejected.values().stream().mapToLong(LongAdder::sum).sum();
        String byReason = rejected.entrySet().stream().filter(entry -> entry.getValue().sum() > 0)
                .map(entry -> entry.getKey().code() + " " + entry.getValue().sum())
                .collect(Collectors.joining(", "));
        return "consumed " + consumed() + ", duplicates dropped " + duplicates() + ", rejected " + rejectedTotal
                + (byReason.isEmpty() ? "" : " (" + byReason + ")") + ", gaps " + gaps() + ", late " + late();
    }
}
