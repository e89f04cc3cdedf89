package io.paymentledger.ledger;

/**
 * Result of a capture, void or refund: the event it wrote and where the payment stands after it. A replay with the
 * same idempotency key returns an equal result.
 *
 * @param eventId          the event written: {@code PaymentCaptured}, {@code PaymentVoided} or {@code PaymentRefunded}
 * @param aggregateVersion that event's version within the payment (the authorization's event is 1)
 * @param status           the payment's status right after this command
 * @param amount           what this command moved: captured, released or refunded
 */
public record PaymentTransition(String paymentId, String eventId, long aggregateVersion, PaymentStatus status,
                                Money amount) {
}
