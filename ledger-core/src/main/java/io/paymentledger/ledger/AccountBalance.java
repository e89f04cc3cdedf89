package io.paymentledger.ledger;

/**
 * An account's balances in minor units.
 *
 * @param kind           {@code customer}, or {@code system} for a currency's funding account (which may go negative)
 * @param status         {@code open} or {@code closed}
 * @param postedMinor    settled money on the account
 * @param heldMinor      authorized, not yet captured
 * @param availableMinor what can still be authorized: posted - held
 */
public record AccountBalance(String accountId, String currency, String kind, String status, long postedMinor,
                             long heldMinor, long availableMinor) {
}
