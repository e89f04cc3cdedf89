package io.paymentledger.ledger.simulation;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a simulation did. Every command that was not a replay or a rejection wrote exactly one event.
 *
 * @param declined         declined authorizations by reason code
 * @param rejected         refused commands by reason code (e.g. a refund the payee can no longer cover)
 * @param replays          commands re-sent with the same idempotency key to check they return the first result
 * @param replayMismatches replays whose result differed from the first: must be 0
 * @param events           events written to the outbox
 * @param commands         commands that wrote, i.e. events (account opening not counted)
 */
public record SimulationSummary(long seed, long payments, long authorized, SortedMap<String, Long> declined,
                                long captured, long partiallyCaptured, long voided, long refunds,
                                long partialRefunds, SortedMap<String, Long> rejected, long replays,
                                long replayMismatches, long events, long commands, double seconds) {
    public SimulationSummary {
        declined = new TreeMap<>(declined);
        rejected = new TreeMap<>(rejected);
    }

    public long declinedTotal() {
        return declined.values().stream().mapToLong(Long::longValue).sum();
    }

    public double paymentsPerSecond() {
        return perSecond(payments);
    }

    public double commandsPerSecond() {
        return perSecond(commands);
    }

    private double perSecond(long count) {
        return seconds <= 0 ? 0 : count / seconds;
    }
}
