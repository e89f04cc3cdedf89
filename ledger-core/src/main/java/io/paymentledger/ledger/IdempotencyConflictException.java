package io.paymentledger.ledger;

/** The idempotency key was already used for a different request; nothing was written. */
public final class IdempotencyConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IdempotencyConflictException(String idempotencyKey, String command) {
        super("idempotency key '" + idempotencyKey + "' was already used for a different " + command
                + " request; use a new key for a new request");
    }
}
