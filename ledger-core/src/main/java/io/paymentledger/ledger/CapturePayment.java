package io.paymentledger.ledger;

import static io.paymentledger.ledger.AuthorizePayment.requireOptionalText;
import static io.paymentledger.ledger.AuthorizePayment.requireText;

/**
 * Command: capture an authorized payment, moving held funds from the payer to the payee. A payment is captured
 * once; a partial capture releases the rest of the hold to the payer.
 *
 * @param idempotencyKey a retry with the same key and request returns the first result
 * @param paymentId      the payment to capture
 * @param amount         what to capture, at most the authorized amount and in its currency; null captures it all
 * @param correlationId  optional id of the originating request, copied onto the event; may be null
 */
public record CapturePayment(String idempotencyKey, String paymentId, Money amount, String correlationId) {
    public CapturePayment {
        requireText(idempotencyKey, "idempotencyKey", 200);
        requireText(paymentId, "paymentId", 64);
        requireOptionalText(correlationId, "correlationId", 200);
    }

    /** Captures the whole authorized amount. */
    public static CapturePayment full(String idempotencyKey, String paymentId) {
        return new CapturePayment(idempotencyKey, paymentId, null, null);
    }
}
