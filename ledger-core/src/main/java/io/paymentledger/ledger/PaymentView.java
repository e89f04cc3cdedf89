package io.paymentledger.ledger;

import java.time.Instant;

/** A payment as the ledger holds it. {@code declineReason} is null unless the payment was declined. */
public record PaymentView(String paymentId, String payerAccountId, String payeeAccountId, Money amount, String status,
                          DeclineReason declineReason, long version, Instant createdAt, Instant updatedAt) {
}
