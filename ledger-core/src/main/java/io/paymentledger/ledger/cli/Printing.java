package io.paymentledger.ledger.cli;

import io.paymentledger.ledger.AccountBalance;
import io.paymentledger.ledger.JournalEntryView;
import io.paymentledger.ledger.PaymentTransition;
import io.paymentledger.ledger.PaymentView;
import java.io.PrintWriter;
import java.util.stream.Collectors;

/** How the command line shows the ledger's values: one fact per line, amounts in minor units with the currency. */
final class Printing {
    private Printing() {
    }

    static void balance(PrintWriter out, AccountBalance balance) {
        out.printf("%s %s %s posted=%d held=%d available=%d%n", balance.accountId(), balance.currency(),
                balance.status(), balance.postedMinor(), balance.heldMinor(), balance.availableMinor());
    }

    static void balanceRow(PrintWriter out, AccountBalance balance) {
        out.printf("%-40s %-3s %-8s %-6s %15d %15d %15d%n", balance.accountId(), balance.currency(), balance.kind(),
                balance.status(), balance.postedMinor(), balance.heldMinor(), balance.availableMinor());
    }

    static void balanceHeader(PrintWriter out) {
        out.printf("%-40s %-3s %-8s %-6s %15s %15s %15s%n", "ACCOUNT", "CUR", "KIND", "STATUS", "POSTED", "HELD",
                "AVAILABLE");
    }

    static void transition(PrintWriter out, String verb, PaymentTransition transition) {
        out.printf("%s %d %s of payment %s: now %s (event %s, version %d)%n", verb, transition.amount().minor(),
                transition.amount().currency(), transition.paymentId(), transition.status().code(),
                transition.eventId(), transition.aggregateVersion());
    }

    static void payment(PrintWriter out, PaymentView payment) {
        out.printf("payment %s%n", payment.paymentId());
        out.printf("  status    %s%s%n", payment.status().code(),
                payment.declineReason() == null ? "" : " (" + payment.declineReason().code() + ")");
        out.printf("  payer     %s%n  payee     %s%n", payment.payerAccountId(), payment.payeeAccountId());
        out.printf("  amount    %d %s, captured %d, refunded %d%n", payment.amount().minor(),
                payment.amount().currency(), payment.capturedMinor(), payment.refundedMinor());
        out.printf("  version   %d%n  created   %s%n  updated   %s%n", payment.version(), payment.createdAt(),
                payment.updatedAt());
        if (payment.metadata() != null) {
            out.printf("  metadata  %s%n", payment.metadata());
        }
    }

    static void entry(PrintWriter out, JournalEntryView entry) {
        out.printf("  %s %-16s %s%n", entry.createdAt(), entry.kind(), entry.postings().stream()
                .map(posting -> String.format("%s/%s %+d %s", posting.accountId(), posting.bucket(),
                        posting.amountMinor(), posting.currency()))
                .collect(Collectors.joining("; ")));
    }
}
