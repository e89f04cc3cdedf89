package io.paymentledger.ledger;

/**
 * Command: open a customer account, optionally funded with an opening balance (posted against the currency's
 * system funding account, so the journal still sums to zero). Accounts are keyed by their id: opening an id that
 * exists is refused.
 *
 * @param accountId               1-64 characters
 * @param currency                ISO 4217 code
 * @param openingBalanceMinor     0 or more minor units
 * @param singlePaymentLimitMinor the most one authorization on this payer may hold, or null for no limit; a larger
 *                                authorization is declined with {@code limit_exceeded}
 */
public record OpenAccount(String accountId, String currency, long openingBalanceMinor, Long singlePaymentLimitMinor) {
    public OpenAccount {
        AuthorizePayment.requireText(accountId, "accountId", 64);
        Money.requireCurrency(currency);
        if (openingBalanceMinor < 0) {
            throw new IllegalArgumentException("openingBalanceMinor must be >= 0 but was " + openingBalanceMinor);
        }
        if (singlePaymentLimitMinor != null && singlePaymentLimitMinor < 1) {
            throw new IllegalArgumentException("singlePaymentLimitMinor must be >= 1 or absent but was "
                    + singlePaymentLimitMinor);
        }
    }

    /** An account without a payment limit. */
    public OpenAccount(String accountId, String currency, long openingBalanceMinor) {
        this(accountId, currency, openingBalanceMinor, null);
    }
}
