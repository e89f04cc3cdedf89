package io.paymentledger.ledger.simulation;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.paymentledger.ledger.AuthorizationResult;
import io.paymentledger.ledger.AuthorizePayment;
import io.paymentledger.ledger.CapturePayment;
import io.paymentledger.ledger.CommandRejectedException;
import io.paymentledger.ledger.Ledger;
import io.paymentledger.ledger.Money;
import io.paymentledger.ledger.PaymentTransition;
import io.paymentledger.ledger.RefundPayment;
import io.paymentledger.ledger.VoidPayment;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * One simulated payment from authorization to its end, drawn from its own random stream: authorize; then 55% full
 * capture, 15% partial capture, 25% void, 5% left open; a captured payment is refunded in full 10% of the time and
 * partially 10% (twice, half the time). 2% of commands are re-sent with the same idempotency key, as a client does
 * after a timeout, and must return the same result.
 */
final class PaymentFlow {
    private static final double REPLAY_SHARE = 0.02;

    private final Ledger ledger;
    private final SimulatedAccounts accounts;
    private final SimulationCounters counters;
    private final SplittableRandom random;
    private final String keyPrefix;

    PaymentFlow(Ledger ledger, SimulatedAccounts accounts, SimulationCounters counters, long seed, long index,
                String runId) {
        this.ledger = ledger;
        this.accounts = accounts;
        this.counters = counters;
        this.random = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
        this.keyPrefix = "sim-" + runId + "-" + index + "-";
    }

    /** One trace per payment, as a client's request would start one: every command's event carries it. */
    void run() {
        Span span = PaymentTrace.start();
        try (Scope trace = span.makeCurrent()) {
            runInTrace();
        } finally {
            span.end();
        }
    }

    private void runInTrace() {
        int payer = random.nextInt(accounts.count());
        int payee = (payer + 1 + random.nextInt(accounts.count() - 1)) % accounts.count();
        String payeeId = random.nextDouble() < 0.01 ? accounts.unknownId() : accounts.id(payee);
        Money amount = Money.of(100 + random.nextLong(25_000), accounts.currency(payer));
        AuthorizePayment authorize = new AuthorizePayment(keyPrefix + "authorize", accounts.id(payer), payeeId, amount,
                keyPrefix + "flow", metadata());
        AuthorizationResult result = send(() -> ledger.authorize(authorize));
        counters.payments.increment();
        if (result instanceof AuthorizationResult.Declined declined) {
            counters.declined(declined.reason().code());
            return;
        }
        counters.authorized.increment();
        settle(result.paymentId(), amount);
    }

    private String metadata() {
        return random.nextDouble() < 0.3 ? "{\"order_id\":\"ord-" + random.nextInt(1_000_000) + "\",\"channel\":\"web\"}"
                : null;
    }

    private void settle(String paymentId, Money amount) {
        double roll = random.nextDouble();
        if (roll < 0.55) {
            capture(paymentId, null);
        } else if (roll < 0.70 && amount.minor() > 1) {
            capture(paymentId, Money.of(1 + random.nextLong(amount.minor() - 1), amount.currency()));
        } else if (roll < 0.95) {
            if (transition("void", () -> ledger.voidPayment(new VoidPayment(keyPrefix + "void", paymentId,
                    "customer cancelled", null))) != null) {
                counters.voided.increment();
            }
        }
    }

    private void capture(String paymentId, Money partial) {
        PaymentTransition capture = transition("capture", () -> ledger.capture(new CapturePayment(
                keyPrefix + "capture", paymentId, partial, null)));
        if (capture == null) {
            return;
        }
        (partial == null ? counters.captured : counters.partiallyCaptured).increment();
        double roll = random.nextDouble();
        long captured = capture.amount().minor();
        if (roll < 0.10) {
            refund(paymentId, null, 1);
        } else if (roll < 0.20 && captured > 1) {
            long first = 1 + random.nextLong(captured - 1);
            if (refund(paymentId, Money.of(first, capture.amount().currency()), 1) && random.nextBoolean()) {
                refund(paymentId, Money.of(captured - first, capture.amount().currency()), 2);
            }
        }
    }

    private boolean refund(String paymentId, Money amount, int n) {
        PaymentTransition refund = transition("refund", () -> ledger.refund(new RefundPayment(
                keyPrefix + "refund-" + n, paymentId, amount, "returned goods", null)));
        if (refund != null) {
            (amount == null ? counters.refunds : counters.partialRefunds).increment();
        }
        return refund != null;
    }

    /** Sends a capture, void or refund; null when the ledger refused it (counted by reason). */
    private PaymentTransition transition(String name, Supplier<PaymentTransition> command) {
        try {
            return send(command);
        } catch (CommandRejectedException e) {
            counters.rejected(name + ":" + e.reason().code());
            return null;
        }
    }

    /** Sends the command, and re-sends the very same command now and then; the supplier must not draw anything. */
    private <T> T send(Supplier<T> command) {
        T result = command.get();
        counters.events.increment();
        if (random.nextDouble() < REPLAY_SHARE) {
            counters.replays.increment();
            if (!Objects.equals(command.get(), result)) {
                counters.replayMismatches.increment();
            }
        }
        return result;
    }
}
