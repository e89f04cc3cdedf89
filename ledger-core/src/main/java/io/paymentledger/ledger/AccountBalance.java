package io.paymentledger.ledger;

/**
 * An account's balances in minor units.
 *
 * @param postedMinor    settled money on the account
 * @param heldMinor      authorized, not yet captured
 * @param availableMinor what can still be authorized: posted - held
 */
public record AccountBalance(String accountId, String currency, String status, long postedMinor, long heldMinor,
                             long availableMinor) {
}
