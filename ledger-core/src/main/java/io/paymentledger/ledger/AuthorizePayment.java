package io.paymentledger.ledger;

import java.util.Objects;

/**
 * Command: hold {@code amount} on the payer's account for a payment to the payee.
 *
 * @param idempotencyKey  chosen by the caller; a retry with the same key and request returns the first result
 * @param payerAccountId  account the funds are held on
 * @param payeeAccountId  account that receives the funds on capture
 * @param amount          amount and currency
 * @param correlationId   optional id of the originating request, copied onto the event; may be null
 * @param metadata        optional free-form JSON object (e.g. an order reference), stored on the payment and carried
 *                        by its authorize/decline event; may be null. Limited by {@link LedgerLimits}.
 */
public record AuthorizePayment(String idempotencyKey, String payerAccountId, String payeeAccountId, Money amount,
                               String correlationId, String metadata) {
    public AuthorizePayment {
        requireText(idempotencyKey, "idempotencyKey", 200);
        requireText(payerAccountId, "payerAccountId", 64);
        requireText(payeeAccountId, "payeeAccountId", 64);
        Objects.requireNonNull(amount, "amount");
        requireOptionalText(correlationId, "correlationId", 200);
        if (payerAccountId.equals(payeeAccountId)) {
            throw new IllegalArgumentException("payer and payee must differ but both are '" + payerAccountId + "'");
        }
    }

    /** A command without metadata. */
    public AuthorizePayment(String idempotencyKey, String payerAccountId, String payeeAccountId, Money amount,
                            String correlationId) {
        this(idempotencyKey, payerAccountId, payeeAccountId, amount, correlationId, null);
    }

    static void requireText(String value, String name, int maxLength) {
        Objects.requireNonNull(value, name);
        if (value.isBlank() || value.length() > maxLength) {
            throw new IllegalArgumentException(name + " must be 1-" + maxLength + " characters but was '" + value + "'");
        }
    }

    static void requireOptionalText(String value, String name, int maxLength) {
        if (value != null) {
            requireText(value, name, maxLength);
        }
    }
}
