package io.paymentledger.ledger;

import io.paymentledger.ledger.CommandRejectedException.Reason;
import io.paymentledger.ledger.JournalStore.Posting;
import java.util.ArrayList;
import java.util.List;

/**
 * The payment state machine and the money each transition moves, with no I/O: given a payment and a command it
 * returns the change to write or throws {@link CommandRejectedException}. See {@link PaymentStatus} for the states.
 *
 * <p>Postings per transition (A = authorized, C = captured, R = refunded now):
 * <ul>
 *   <li>capture: payer held -A; payee available +C; payer available +(A - C) when partial;</li>
 *   <li>void: payer held -A; payer available +A;</li>
 *   <li>refund: payee available -R; payer available +R.</li>
 * </ul>
 */
final class PaymentLifecycle {
    static final String CAPTURE = "capture";
    static final String VOID = "void";
    static final String REFUND = "refund";

    /**
     * What a transition writes.
     *
     * @param movedMinor what the command moved: captured, released or refunded
     * @param postings   the journal entry's postings, summing to zero
     */
    record Change(String entryKind, PaymentStatus status, long capturedMinor, long refundedMinor, long movedMinor,
                  List<Posting> postings) {
        Change {
            postings = List.copyOf(postings);
        }
    }

    private PaymentLifecycle() {
    }

    /** Captures {@code requested} (null: everything authorized). */
    static Change capture(PaymentView payment, Money requested) {
        requireStatus(payment, CAPTURE, PaymentStatus.AUTHORIZED);
        long authorized = payment.amount().minor();
        long captured = amountOrAll(payment, requested, authorized);
        if (captured > authorized) {
            throw new CommandRejectedException(Reason.AMOUNT_ABOVE_AUTHORIZED, "cannot capture " + captured
                    + " of payment " + payment.paymentId() + ": only " + authorized + " was authorized");
        }
        String currency = payment.amount().currency();
        List<Posting> postings = new ArrayList<>(List.of(
                new Posting(payment.payerAccountId(), JournalStore.HELD, -authorized, currency),
                new Posting(payment.payeeAccountId(), JournalStore.AVAILABLE, captured, currency)));
        if (captured < authorized) {
            postings.add(new Posting(payment.payerAccountId(), JournalStore.AVAILABLE, authorized - captured, currency));
        }
        return new Change(CAPTURE, PaymentStatus.CAPTURED, captured, 0, captured, postings);
    }

    /** Releases the whole hold. */
    static Change voidHold(PaymentView payment) {
        requireStatus(payment, VOID, PaymentStatus.AUTHORIZED);
        long authorized = payment.amount().minor();
        String currency = payment.amount().currency();
        return new Change(VOID, PaymentStatus.VOIDED, 0, 0, authorized, List.of(
                new Posting(payment.payerAccountId(), JournalStore.HELD, -authorized, currency),
                new Posting(payment.payerAccountId(), JournalStore.AVAILABLE, authorized, currency)));
    }

    /** Refunds {@code requested} (null: everything still refundable). */
    static Change refund(PaymentView payment, Money requested) {
        requireStatus(payment, REFUND, PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED);
        long refundable = payment.refundableMinor();
        long refund = amountOrAll(payment, requested, refundable);
        if (refund > refundable) {
            throw new CommandRejectedException(Reason.AMOUNT_ABOVE_REFUNDABLE, "cannot refund " + refund
                    + " of payment " + payment.paymentId() + ": captured " + payment.capturedMinor() + ", refunded "
                    + payment.refundedMinor() + ", so at most " + refundable + " is refundable");
        }
        long refunded = payment.refundedMinor() + refund;
        PaymentStatus status = refunded == payment.capturedMinor()
                ? PaymentStatus.REFUNDED : PaymentStatus.PARTIALLY_REFUNDED;
        String currency = payment.amount().currency();
        return new Change(REFUND, status, payment.capturedMinor(), refunded, refund, List.of(
                new Posting(payment.payeeAccountId(), JournalStore.AVAILABLE, -refund, currency),
                new Posting(payment.payerAccountId(), JournalStore.AVAILABLE, refund, currency)));
    }

    private static long amountOrAll(PaymentView payment, Money requested, long all) {
        if (requested == null) {
            return all;
        }
        if (!requested.currency().equals(payment.amount().currency())) {
            throw new CommandRejectedException(Reason.CURRENCY_MISMATCH, "payment " + payment.paymentId() + " is in "
                    + payment.amount().currency() + " but the amount is in " + requested.currency());
        }
        return requested.minor();
    }

    private static void requireStatus(PaymentView payment, String command, PaymentStatus... allowed) {
        for (PaymentStatus status : allowed) {
            if (payment.status() == status) {
                return;
            }
        }
        throw new CommandRejectedException(Reason.ILLEGAL_TRANSITION, "cannot " + command + " payment "
                + payment.paymentId() + ": it is " + payment.status().code() + " and only "
                + java.util.Arrays.stream(allowed).map(PaymentStatus::code).toList() + " payments can be "
                + pastTense(command));
    }

    private static String pastTense(String command) {
        return switch (command) {
            case CAPTURE -> "captured";
            case VOID -> "voided";
            default -> "refunded";
        };
    }
}
