package io.paymentledger.ledger.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.paymentledger.config.CommandLines;
import io.paymentledger.config.DatabaseConfig;
import io.paymentledger.config.Env;
import io.paymentledger.db.Database;
import io.paymentledger.ledger.AccountBalance;
import io.paymentledger.ledger.AuthorizationResult;
import io.paymentledger.ledger.AuthorizePayment;
import io.paymentledger.ledger.Ledger;
import io.paymentledger.ledger.Money;
import io.paymentledger.ledger.OpenAccount;
import io.paymentledger.schemas.EventSchemas;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ledger-core.jar}: the ledger's command line and its composition root. Connection settings come from
 * {@code DATABASE_URL}, {@code DATABASE_USER} and {@code DATABASE_PASSWORD}.
 */
@Command(name = "ledger-core.jar", mixinStandardHelpOptions = true, version = "ledger-core 0.1.0",
        description = "Double-entry payment ledger that writes its events through the transactional outbox.",
        footer = {"", "Environment: DATABASE_URL (jdbc:postgresql://host:5432/db), DATABASE_USER, DATABASE_PASSWORD."},
        subcommands = {LedgerMain.Migrate.class, LedgerMain.OpenAccountCommand.class, LedgerMain.Authorize.class,
                LedgerMain.Balance.class, LedgerMain.Payment.class})
public final class LedgerMain implements Runnable {
    @Spec
    CommandSpec spec;

    private final Env env;

    public LedgerMain(Env env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(CommandLines.execute(new LedgerMain(Env.system()), args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Opens the pool, runs {@code work}, closes the pool. */
    <T> T withDatabase(Function<HikariDataSource, T> work) {
        DatabaseConfig config = DatabaseConfig.fromEnv(env);
        try (HikariDataSource dataSource = Database.pool(config, "ledger-cli", 2)) {
            return work.apply(dataSource);
        }
    }

    <T> T withLedger(Function<Ledger, T> work) {
        return withDatabase(dataSource ->
                work.apply(Ledger.postgres(Database.dsl(dataSource), Clock.systemUTC(), EventSchemas.load())));
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Applies the database migrations (db/migration) to DATABASE_URL.")
    static final class Migrate implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        LedgerMain main;

        @Override
        public Integer call() {
            var result = main.withDatabase(Database::migrate);
            spec.commandLine().getOut().printf("migrated: %d applied, schema now at version %s%n",
                    result.migrationsExecuted, result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion);
            return 0;
        }
    }

    @Command(name = "open-account", mixinStandardHelpOptions = true, description = "Opens a customer account.")
    static final class OpenAccountCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        LedgerMain main;
        @Option(names = "--id", required = true, description = "Account id (1-64 characters).")
        String accountId;
        @Option(names = "--currency", required = true, description = "ISO 4217 code, e.g. EUR.")
        String currency;
        @Option(names = "--opening-balance-minor", defaultValue = "0", description = "Opening balance in minor units.")
        long openingBalanceMinor;

        @Override
        public Integer call() {
            AccountBalance balance = main.withLedger(ledger ->
                    ledger.openAccount(new OpenAccount(accountId, currency, openingBalanceMinor)));
            print(spec.commandLine().getOut(), balance);
            return 0;
        }
    }

    @Command(name = "authorize", mixinStandardHelpOptions = true,
            description = "Authorizes a payment (holds funds on the payer) and writes its event.")
    static final class Authorize implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        LedgerMain main;
        @Option(names = "--idempotency-key", required = true, description = "Retry with the same key to be safe.")
        String idempotencyKey;
        @Option(names = "--payer", required = true, description = "Payer account id.")
        String payer;
        @Option(names = "--payee", required = true, description = "Payee account id.")
        String payee;
        @Option(names = "--amount-minor", required = true, description = "Amount in minor units (1234 = 12.34).")
        long amountMinor;
        @Option(names = "--currency", required = true, description = "ISO 4217 code, e.g. EUR.")
        String currency;
        @Option(names = "--correlation-id", description = "Optional id copied onto the event.")
        String correlationId;

        @Override
        public Integer call() {
            AuthorizationResult result = main.withLedger(ledger -> ledger.authorize(new AuthorizePayment(
                    idempotencyKey, payer, payee, Money.of(amountMinor, currency), correlationId)));
            PrintWriter out = spec.commandLine().getOut();
            // Java 17 has no pattern switch; the sealed interface keeps this chain complete.
            if (result instanceof AuthorizationResult.Declined declined) {
                out.printf("declined payment %s: %s (event %s)%n",
                        declined.paymentId(), declined.reason().code(), declined.eventId());
            } else {
                out.printf("authorized payment %s (event %s)%n", result.paymentId(), result.eventId());
            }
            return 0;
        }
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
            print(spec.commandLine().getOut(), balance.get());
            return 0;
        }
    }

    @Command(name = "payment", mixinStandardHelpOptions = true, description = "Shows a payment.")
    static final class Payment implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        LedgerMain main;
        @Parameters(paramLabel = "PAYMENT_ID")
        String paymentId;

        @Override
        public Integer call() {
            var payment = main.withLedger(ledger -> ledger.payment(paymentId));
            if (payment.isEmpty()) {
                spec.commandLine().getErr().printf("no payment '%s'%n", paymentId);
                return 1;
            }
            spec.commandLine().getOut().println(payment.get());
            return 0;
        }
    }

    private static void print(PrintWriter out, AccountBalance balance) {
        out.printf("%s %s %s posted=%d held=%d available=%d%n", balance.accountId(), balance.currency(),
                balance.status(), balance.postedMinor(), balance.heldMinor(), balance.availableMinor());
    }
}
