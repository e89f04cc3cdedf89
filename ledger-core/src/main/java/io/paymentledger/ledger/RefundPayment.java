package io.paymentledger.ledger;

import static io.paymentledger.ledger.AuthorizePayment.requireOptionalText;
import static io.paymentledger.ledger.AuthorizePayment.requireText;

/**
 * Command: refund a captured payment, moving money from the payee back to the payer. Refunds may repeat until
 * everything captured is refunded.
 *
 * @param idempotencyKey a retry with the same key and request returns the first result
 * @param paymentId      the payment to refund
 * @param amount         what to refund, at most what is still refundable and in the payment's currency; null
 *                       refunds everything still refundable
 * @param reason         optional free text (1-200 characters) carried by {@code PaymentRefunded}; may be null
 * @param correlationId  optional id of the originating request, copied onto the event; may be null
 */
public record RefundPayment(String idempotencyKey, String paymentId, Money amount, String reason,
                            String correlationId) {
    public RefundPayment {
        requireText(idempotencyKey, "idempotencyKey", 200);
        requireText(paymentId, "paymentId", 64);
        requireOptionalText(reason, "reason", 200);
        requireOptionalText(correlationId, "correlationId", 200);
    }
}
