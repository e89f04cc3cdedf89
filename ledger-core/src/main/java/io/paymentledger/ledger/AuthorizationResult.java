package io.paymentledger.ledger;

/** Outcome of {@link Ledger#authorize}: both outcomes write the payment and exactly one event. */
public sealed interface AuthorizationResult {
    String paymentId();

    /** The id of the event written for the outcome. */
    String eventId();

    /** Funds are held on the payer; event {@code PaymentAuthorized}. */
    record Authorized(String paymentId, String eventId) implements AuthorizationResult {
    }

    /** Nothing is held; event {@code PaymentDeclined}. */
    record Declined(String paymentId, String eventId, DeclineReason reason) implements AuthorizationResult {
    }
}
