package io.paymentledger.ledger;

import java.time.Instant;

/**
 * A payment as the ledger holds it.
 *
 * @param declineReason  null unless the payment was declined
 * @param capturedMinor  what was captured (0 before capture)
 * @param refundedMinor  the sum of all refunds so far
 * @param metadata       the caller's metadata as compact JSON, or null
 * @param version        aggregate version of the payment's latest event
 */
public record PaymentView(String paymentId, String payerAccountId, String payeeAccountId, Money amount,
                          PaymentStatus status, DeclineReason declineReason, long capturedMinor, long refundedMinor,
                          String metadata, long version, Instant createdAt, Instant updatedAt) {

    /** Still refundable: captured minus refunded. */
    public long refundableMinor() {
        return capturedMinor - refundedMinor;
    }
}
