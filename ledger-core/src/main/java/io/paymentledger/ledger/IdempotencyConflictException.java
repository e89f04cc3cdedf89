package io.paymentledger.ledger;

/** The idempotency key was already used for a different request; nothing was written. */
public final class IdempotencyConflictException extends CommandRejectedException {
    private static final long serialVersionUID = 1L;

    /** @param earlierCommand the command the key was first used for, e.g. {@code authorize} */
    public IdempotencyConflictException(String idempotencyKey, String earlierCommand) {
        super(Reason.IDEMPOTENCY_CONFLICT, "idempotency key '" + idempotencyKey
                + "' was already used for a different " + earlierCommand + " request; use a new key for a new request");
    }
}
