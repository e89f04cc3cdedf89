package io.paymentledger.demo;

import io.paymentledger.consumer.ConsumerStats;
import io.paymentledger.consumer.Validation;
import io.paymentledger.ledger.ConsistencyReport;
import io.paymentledger.ledger.simulation.SimulationSummary;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the demo saw at the end, checked against what must hold: every event written is on Kafka or in the DLQ,
 * only the poison rows are dead, every valid event gave one notification, the payment state projection shows every
 * payment as the ledger does, and the books balance.
 */
record DemoReport(SimulationSummary simulation, OutboxCounts outbox, long consumed, long rejected, long duplicates,
                  long invalidPayloadRejections, long unknownTypeRejections, ConsistencyReport books,
                  StateCheck states, double commitToAckMeanMillis,
                  double commitToAckMaxMillis, double seconds) {

    static DemoReport of(SimulationSummary simulation, OutboxCounts outbox, ConsumerStats stats,
                         ConsistencyReport books, StateCheck states, double commitToAckMeanMillis,
                         double commitToAckMaxMillis, double seconds) {
        return new DemoReport(simulation, outbox, stats.consumed(), stats.rejectedTotal(), stats.duplicates(),
                stats.rejected(Validation.RejectReason.INVALID_PAYLOAD),
                stats.rejected(Validation.RejectReason.UNKNOWN_EVENT_TYPE), books, states, commitToAckMeanMillis,
                commitToAckMaxMillis, seconds);
    }

    /** Every violated expectation, in words; empty when the run is correct. */
    List<String> violations() {
        List<String> problems = new ArrayList<>();
        long expectedWritten = simulation.events() + PoisonRows.ROWS;
        if (outbox.written() != expectedWritten) {
            problems.add("outbox has " + outbox.written() + " rows, expected " + expectedWritten);
        }
        if (outbox.pending() != 0 || outbox.published() + outbox.dead() != outbox.written()) {
            problems.add("not every row is published or dead: " + outbox);
        }
        if (outbox.dead() != PoisonRows.DEAD_LETTERED) {
            problems.add(outbox.dead() + " rows dead-lettered, expected exactly the " + PoisonRows.DEAD_LETTERED
                    + " poison rows");
        }
        if (consumed != outbox.published() - PoisonRows.REJECTED_BY_CONSUMER) {
            problems.add(consumed + " notifications for " + outbox.published() + " published events (two of them"
                    + " not for notifications)");
        }
        if (rejected != PoisonRows.REJECTED_BY_CONSUMER || invalidPayloadRejections != 1
                || unknownTypeRejections != 1) {
            problems.add(rejected + " records rejected by the consumer, expected 1 invalid_payload and 1 "
                    + "unknown_event_type");
        }
        if (states.tracedNotifications() != consumed) {
            problems.add(states.tracedNotifications() + " of " + consumed + " notifications carry their payment's"
                    + " trace id");
        }
        if (states.matching() != states.payments()) {
            problems.add("the payment state projection shows " + states.matching() + " of " + states.payments()
                    + " payments as the ledger does");
        }
        if (!books.consistent()) {
            problems.add("the books do not balance: " + books);
        }
        if (simulation.replayMismatches() != 0) {
            problems.add(simulation.replayMismatches() + " idempotent replays returned a different result");
        }
        return problems;
    }

    void print(PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "Payment ledger demo: %,d payments, seed %d, %.1f s%n", simulation.payments(),
                simulation.seed(), seconds);
        row(out, "ledger", "payments simulated", simulation.payments(), String.format(Locale.ROOT,
                "authorized %,d, declined %,d, captured %,d, voided %,d, refunds %,d", simulation.authorized(),
                simulation.declinedTotal(), simulation.captured(), simulation.voided(), simulation.refunds()));
        row(out, "", "events written to the outbox", outbox.written(), "incl. " + PoisonRows.ROWS + " unusual rows");
        row(out, "", "books", books.accountsChecked(), books.consistent()
                ? "accounts balance; " + books.entriesChecked() + " journal entries checked" : "UNBALANCED");
        row(out, "relay", "published to Kafka", outbox.published(), String.format(Locale.ROOT,
                "commit-to-ack mean %.0f ms, max %.0f ms", commitToAckMeanMillis, commitToAckMaxMillis));
        row(out, "", "dead-lettered to payments.dlq", outbox.dead(), "record too large, invalid topic name");
        row(out, "", "still pending", outbox.pending(), "");
        row(out, "consumer", "notifications", consumed, "one per valid event");
        row(out, "", "rejected", rejected, "invalid_payload " + invalidPayloadRejections + ", unknown_event_type "
                + unknownTypeRejections);
        row(out, "", "duplicates dropped", duplicates, "");
        row(out, "", "payment states as in the ledger", states.matching(), "of " + states.payments()
                + " payments (payment_state; latest per payment on payments.payment-state)");
        row(out, "", "notifications with a trace id", states.tracedNotifications(), "the W3C trace each payment"
                + " was simulated in, via the outbox row and the record's traceparent header");
        List<String> problems = violations();
        out.println(problems.isEmpty()
                ? "  verdict   OK: every event is on Kafka or in the DLQ, every valid one gave one notification, every"
                        + " payment state matches the ledger"
                : "  verdict   FAILED: " + String.join("; ", problems));
    }

    private static void row(PrintStream out, String stage, String what, long count, String detail) {
        out.printf(Locale.ROOT, "  %-9s %-30s %,10d   %s%n", stage, what, count, detail);
    }
}
