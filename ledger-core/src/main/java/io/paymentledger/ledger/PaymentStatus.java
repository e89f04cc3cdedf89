package io.paymentledger.ledger;

import java.util.Locale;

/**
 * Where a payment is in its lifecycle; {@link #code()} is the value stored in {@code payment.status}.
 *
 * <pre>
 * authorize ──▶ AUTHORIZED ──capture──▶ CAPTURED ──refund──▶ PARTIALLY_REFUNDED ──refund──▶ REFUNDED
 *          │              └──void────▶ VOIDED                └─(refund of the rest)───────▶ REFUNDED
 *          └─▶ DECLINED
 * </pre>
 * DECLINED, VOIDED and REFUNDED are final. A capture happens once, full or partial; what it leaves of the hold goes
 * back to the payer. Refunds may repeat until everything captured is refunded.
 */
public enum PaymentStatus {
    AUTHORIZED,
    DECLINED,
    CAPTURED,
    VOIDED,
    PARTIALLY_REFUNDED,
    REFUNDED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PaymentStatus fromCode(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
