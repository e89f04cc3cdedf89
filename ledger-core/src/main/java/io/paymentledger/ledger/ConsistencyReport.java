package io.paymentledger.ledger;

import java.util.List;

/**
 * What {@link Ledger#checkConsistency()} found. The ledger is consistent when every list is empty.
 *
 * @param accountsChecked        accounts compared with their postings
 * @param entriesChecked         journal entries whose postings were summed
 * @param unbalancedEntries      entries whose postings do not sum to zero in some currency
 * @param balanceMismatches      accounts whose posted or held balance differs from the sum of their postings
 * @param holdMismatches         accounts whose held balance differs from the open authorizations they pay
 * @param overdrawnAccounts      customer accounts with negative available funds
 */
public record ConsistencyReport(long accountsChecked, long entriesChecked, List<String> unbalancedEntries,
                                List<String> balanceMismatches, List<String> holdMismatches,
                                List<String> overdrawnAccounts) {
    public ConsistencyReport {
        unbalancedEntries = List.copyOf(unbalancedEntries);
        balanceMismatches = List.copyOf(balanceMismatches);
        holdMismatches = List.copyOf(holdMismatches);
        overdrawnAccounts = List.copyOf(overdrawnAccounts);
    }

    public boolean consistent() {
        return unbalancedEntries.isEmpty() && balanceMismatches.isEmpty() && holdMismatches.isEmpty()
                && overdrawnAccounts.isEmpty();
    }
}
