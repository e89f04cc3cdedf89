package io.paymentledger.ledger;

import static io.paymentledger.ledger.AuthorizePayment.requireOptionalText;
import static io.paymentledger.ledger.AuthorizePayment.requireText;

/**
 * Command: void an authorized, not yet captured payment, releasing its whole hold to the payer.
 *
 * @param idempotencyKey a retry with the same key and request returns the first result
 * @param paymentId      the payment to void
 * @param reason         optional free text (1-200 characters) carried by {@code PaymentVoided}; may be null
 * @param correlationId  optional id of the originating request, copied onto the event; may be null
 */
public record VoidPayment(String idempotencyKey, String paymentId, String reason, String correlationId) {
    public VoidPayment {
        requireText(idempotencyKey, "idempotencyKey", 200);
        requireText(paymentId, "paymentId", 64);
        requireOptionalText(reason, "reason", 200);
        requireOptionalText(correlationId, "correlationId", 200);
    }
}
