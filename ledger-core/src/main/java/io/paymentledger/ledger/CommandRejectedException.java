package io.paymentledger.ledger;

import java.util.Locale;

/**
 * A command the ledger refused: the transition is not allowed, or the input broke a rule. Nothing was written.
 * Retrying the same command will be refused again; {@link #reason()} tells the caller what to change.
 */
public class CommandRejectedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Machine-readable reasons; {@link #code()} is the snake_case form used in messages. */
    public enum Reason {
        PAYMENT_UNKNOWN,
        ILLEGAL_TRANSITION,
        AMOUNT_ABOVE_AUTHORIZED,
        AMOUNT_ABOVE_REFUNDABLE,
        CURRENCY_MISMATCH,
        ACCOUNT_UNKNOWN,
        ACCOUNT_CLOSED,
        PAYEE_INSUFFICIENT_FUNDS,
        HOLDS_OUTSTANDING,
        METADATA_INVALID,
        METADATA_TOO_LARGE,
        METADATA_TOO_DEEP,
        IDEMPOTENCY_CONFLICT;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public CommandRejectedException(Reason reason, String message) {
        super(reason.code() + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
