package io.paymentledger.ledger.cli;

import io.paymentledger.ledger.ConsistencyReport;
import io.paymentledger.ledger.JournalEntryView;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Read-only commands: balances, payments with their journal, and the consistency check. */
final class InspectCommands {
    private InspectCommands() {
    }

    @Command(name = "balance", mixinStandardHelpOptions = true, description = "Shows an account's balances.")
    static final class Balance implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        LedgerMain main;
        @Parameters(paramLabel = "ACCOUNT_ID")
        String accountId;

        @Override
        public Integer call() {
            var balance = main.withLedger(ledger -> ledger.balance(accountId));
            if (balance.isEmpty()) {
                spec.commandLine().getErr().printf("no account '%s'%n", accountId);
                return 1;
            }
            Printing.balance(spec.commandLine().getOut(), balance.get());
            return 0;
        }
    }

    @Command(name = "balances", mixinStandardHelpOptions = true,
            description = "Lists accounts with their posted, held and available balances (minor units).")
    static final class Balances implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        LedgerMain main;
        @Option(names = "--prefix", defaultValue = "", description = "Only accounts whose id starts with this.")
        String prefix;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Printing.balanceHeader(out);
            main.withLedger(ledger -> ledger.balances()).stream()
                    .filter(balance -> balance.accountId().startsWith(prefix))
                    .forEach(balance -> Printing.balanceRow(out, balance));
            return 0;
        }
    }

    @Command(name = "payment", mixinStandardHelpOptions = true, description = "Shows a payment and its journal.")
    static final class Payment implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        LedgerMain main;
        @Parameters(paramLabel = "PAYMENT_ID")
        String paymentId;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return main.withLedger(ledger -> {
                var payment = ledger.payment(paymentId);
                if (payment.isEmpty()) {
                    spec.commandLine().getErr().printf("no payment '%s'%n", paymentId);
                    return 1;
                }
                Printing.payment(out, payment.get());
                List<JournalEntryView> journal = ledger.journal(paymentId);
                out.println("  journal");
                journal.forEach(entry -> Printing.entry(out, entry));
                return 0;
            });
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Checks the books: entries sum to zero, balances equal the sums of postings, holds equal",
                    "open authorizations, no customer account overdrawn. Exits 1 when anything is off."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        LedgerMain main;

        @Override
        public Integer call() {
            return report(spec.commandLine().getOut(), main.withLedger(ledger -> ledger.checkConsistency()));
        }
    }

    /** Prints the report; 0 when consistent, else 1. */
    static int report(PrintWriter out, ConsistencyReport report) {
        if (report.consistent()) {
            out.printf("consistent: %d accounts and %d journal entries checked; balances equal the sums of postings%n",
                    report.accountsChecked(), report.entriesChecked());
            return 0;
        }
        out.printf("INCONSISTENT (%d accounts, %d entries checked)%n", report.accountsChecked(),
                report.entriesChecked());
        report.unbalancedEntries().forEach(line -> out.println("  unbalanced " + line));
        report.balanceMismatches().forEach(line -> out.println("  balance " + line));
        report.holdMismatches().forEach(line -> out.println("  hold " + line));
        report.overdrawnAccounts().forEach(line -> out.println("  overdrawn " + line));
        return 1;
    }
}
