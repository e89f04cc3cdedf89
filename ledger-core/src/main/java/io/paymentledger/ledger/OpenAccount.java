package io.paymentledger.ledger;

/**
 * Command: open a customer account, optionally funded with an opening balance (posted against the currency's
 * system funding account, so the journal still sums to zero).
 *
 * @param accountId           1-64 characters
 * @param currency            ISO 4217 code
 * @param openingBalanceMinor 0 or more minor units
 */
public record OpenAccount(String accountId, String currency, long openingBalanceMinor) {
    public OpenAccount {
        AuthorizePayment.requireText(accountId, "accountId", 64);
        Money.requireCurrency(currency);
        if (openingBalanceMinor < 0) {
            throw new IllegalArgumentException("openingBalanceMinor must be >= 0 but was " + openingBalanceMinor);
        }
    }
}
