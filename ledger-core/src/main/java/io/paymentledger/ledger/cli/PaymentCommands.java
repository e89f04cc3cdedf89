package io.paymentledger.ledger.cli;

import io.paymentledger.ledger.AuthorizationResult;
import io.paymentledger.ledger.AuthorizePayment;
import io.paymentledger.ledger.CapturePayment;
import io.paymentledger.ledger.Ledger;
import io.paymentledger.ledger.Money;
import io.paymentledger.ledger.RefundPayment;
import io.paymentledger.ledger.VoidPayment;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The payment lifecycle commands. Each takes an idempotency key: re-running it with the same key is safe. */
final class PaymentCommands {
    private PaymentCommands() {
    }

    @Command(name = "authorize", mixinStandardHelpOptions = true,
            description = "Authorizes a payment (holds funds on the payer) and writes its event.")
    static final class Authorize implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        LedgerMain main;
        @Option(names = "--idempotency-key", required = true, description = "Retry with the same key to be safe.")
        String idempotencyKey;
        @Option(names = "--payer", required = true, description = "Payer account id.")
        String payer;
        @Option(names = "--payee", required = true, description = "Payee account id.")
        String payee;
        @Option(names = "--amount-minor", required = true, description = "Amount in minor units (1234 = 12.34).")
        long amountMinor;
        @Option(names = "--currency", required = true, description = "ISO 4217 code, e.g. EUR.")
        String currency;
        @Option(names = "--correlation-id", description = "Optional id copied onto the event.")
        String correlationId;
        @Option(names = "--metadata", description = "Optional JSON object, e.g. '{\"order_id\":\"o-1\"}'.")
        String metadata;

        @Override
        public Integer call() {
            AuthorizationResult result = main.withLedger(ledger -> ledger.authorize(new AuthorizePayment(
                    idempotencyKey, payer, payee, Money.of(amountMinor, currency), correlationId, metadata)));
            PrintWriter out = spec.commandLine().getOut();
            // Java 17 has no pattern switch; the sealed interface keeps this chain complete.
            if (result instanceof AuthorizationResult.Declined declined) {
                out.printf("declined payment %s: %s (event %s)%n",
                        declined.paymentId(), declined.reason().code(), declined.eventId());
            } else {
                out.printf("authorized payment %s (event %s)%n", result.paymentId(), result.eventId());
            }
            return 0;
        }
    }

    @Command(name = "capture", mixinStandardHelpOptions = true,
            description = "Captures an authorized payment, in full or in part; the rest of the hold is released.")
    static final class Capture implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        LedgerMain main;
        @Parameters(paramLabel = "PAYMENT_ID")
        String paymentId;
        @Option(names = "--idempotency-key", required = true, description = "Retry with the same key to be safe.")
        String idempotencyKey;
        @Mixin
        PartialAmount partial;

        @Override
        public Integer call() {
            Printing.transition(spec.commandLine().getOut(), "captured", main.withLedger(ledger -> ledger.capture(
                    new CapturePayment(idempotencyKey, paymentId, partial.of(ledger, paymentId), null))));
            return 0;
        }
    }

    @Command(name = "void", mixinStandardHelpOptions = true,
            description = "Voids an authorized payment, releasing its whole hold.")
    static final class Void implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        LedgerMain main;
        @Parameters(paramLabel = "PAYMENT_ID")
        String paymentId;
        @Option(names = "--idempotency-key", required = true, description = "Retry with the same key to be safe.")
        String idempotencyKey;
        @Option(names = "--reason", description = "Optional free text carried by PaymentVoided.")
        String reason;

        @Override
        public Integer call() {
            Printing.transition(spec.commandLine().getOut(), "released", main.withLedger(ledger ->
                    ledger.voidPayment(new VoidPayment(idempotencyKey, paymentId, reason, null))));
            return 0;
        }
    }

    @Command(name = "refund", mixinStandardHelpOptions = true,
            description = "Refunds a captured payment, in full or in part, up to what was captured.")
    static final class Refund implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        LedgerMain main;
        @Parameters(paramLabel = "PAYMENT_ID")
        String paymentId;
        @Option(names = "--idempotency-key", required = true, description = "Retry with the same key to be safe.")
        String idempotencyKey;
        @Mixin
        PartialAmount partial;
        @Option(names = "--reason", description = "Optional free text carried by PaymentRefunded.")
        String reason;

        @Override
        public Integer call() {
            Printing.transition(spec.commandLine().getOut(), "refunded", main.withLedger(ledger -> ledger.refund(
                    new RefundPayment(idempotencyKey, paymentId, partial.of(ledger, paymentId), reason, null))));
            return 0;
        }
    }

    /**
     * {@code --amount-minor} and {@code --currency} of capture and refund: a partial amount, or, without them,
     * everything the command allows (the authorized amount for capture, what is still refundable for refund).
     */
    static final class PartialAmount {
        @Option(names = "--amount-minor", description = "Partial amount in minor units (default: all that the"
                + " command allows: authorized for capture, still refundable for refund).")
        Long amountMinor;
        @Option(names = "--currency", description = "Currency of --amount-minor (default: the payment's).")
        String currency;

        /** The amount, in the payment's own currency unless one is given; null (everything) without one. */
        Money of(Ledger ledger, String paymentId) {
            if (amountMinor == null) {
                if (currency != null) {
                    throw new IllegalArgumentException("--currency needs --amount-minor");
                }
                return null;
            }
            String code = currency != null ? currency : ledger.payment(paymentId).map(p -> p.amount().currency())
                    .orElseThrow(() -> new IllegalArgumentException("no payment '" + paymentId + "'"));
            return Money.of(amountMinor, code);
        }
    }
}
