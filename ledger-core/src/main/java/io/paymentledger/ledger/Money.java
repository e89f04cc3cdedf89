package io.paymentledger.ledger;

import java.util.Currency;
import java.util.Objects;

/**
 * An amount in integer minor units of an ISO 4217 currency (e.g. 1234 EUR = 12.34 EUR). Never a floating point.
 *
 * @param minor    amount in minor units, at least 1
 * @param currency ISO 4217 code, e.g. {@code EUR}
 */
public record Money(long minor, String currency) {
    public Money {
        Objects.requireNonNull(currency, "currency");
        if (minor < 1) {
            throw new IllegalArgumentException("amount must be at least 1 minor unit but was " + minor);
        }
        requireCurrency(currency);
    }

    public static Money of(long minor, String currency) {
        return new Money(minor, currency);
    }

    /** Validates an ISO 4217 code against {@link Currency}. */
    static String requireCurrency(String currency) {
        if (!currency.matches("^[A-Z]{3}$")) {
            throw new IllegalArgumentException("currency must be an ISO 4217 code like EUR but was '" + currency + "'");
        }
        try {
            Currency.getInstance(currency);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("currency '" + currency + "' is not an ISO 4217 code", e);
        }
        return currency;
    }
}
