package io.paymentledger.ledger;

import java.util.Locale;

/** Why an authorization was declined; {@link #code()} is the machine-readable value in {@code PaymentDeclined}. */
public enum DeclineReason {
    INSUFFICIENT_FUNDS,
    ACCOUNT_UNKNOWN,
    ACCOUNT_CLOSED,
    CURRENCY_MISMATCH,
    LIMIT_EXCEEDED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeclineReason fromCode(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
