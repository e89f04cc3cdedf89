package io.paymentledger.ledger.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.paymentledger.config.CommandLines;
import io.paymentledger.config.DatabaseConfig;
import io.paymentledger.config.Env;
import io.paymentledger.db.Database;
import io.paymentledger.ledger.AccountBalance;
import io.paymentledger.ledger.Ledger;
import io.paymentledger.ledger.LedgerLimits;
import io.paymentledger.ledger.OpenAccount;
import io.paymentledger.schemas.EventSchemas;
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
        footer = {"", "Environment: DATABASE_URL (jdbc:postgresql://host:5432/db), DATABASE_USER, DATABASE_PASSWORD,",
                "LEDGER_METADATA_MAX_BYTES (65536), LEDGER_METADATA_MAX_DEPTH (10).",
                "Exit codes: 0 done, 1 failed or inconsistent, 2 bad input, bad configuration or a refused command."},
        subcommands = {LedgerMain.Migrate.class, LedgerMain.OpenAccountCommand.class,
                LedgerMain.CloseAccountCommand.class, PaymentCommands.Authorize.class, PaymentCommands.Capture.class,
                PaymentCommands.Void.class, PaymentCommands.Refund.class, InspectCommands.Balance.class,
                InspectCommands.Balances.class, InspectCommands.Payment.class, InspectCommands.Check.class,
                SimulateCommand.class})
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

    /** Opens a pool of {@code connections}, runs {@code work}, closes the pool. */
    <T> T withDatabase(int connections, Function<HikariDataSource, T> work) {
        DatabaseConfig config = DatabaseConfig.fromEnv(env);
        try (HikariDataSource dataSource = Database.pool(config, "ledger-cli", connections)) {
            return work.apply(dataSource);
        }
    }

    <T> T withDatabase(Function<HikariDataSource, T> work) {
        return withDatabase(2, work);
    }

    /** The ledger over a pool of {@code connections}, limits from the environment. */
    <T> T withLedger(int connections, Function<Ledger, T> work) {
        LedgerLimits limits = LedgerLimits.fromEnv(env);
        return withDatabase(connections, dataSource -> work.apply(
                Ledger.postgres(Database.dsl(dataSource), Clock.systemUTC(), EventSchemas.load(), limits)));
    }

    <T> T withLedger(Function<Ledger, T> work) {
        return withLedger(2, work);
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
        @Option(names = "--limit-minor", description = "Most one payment from this account may be (minor units).")
        Long limitMinor;

        @Override
        public Integer call() {
            AccountBalance balance = main.withLedger(ledger ->
                    ledger.openAccount(new OpenAccount(accountId, currency, openingBalanceMinor, limitMinor)));
            Printing.balance(spec.commandLine().getOut(), balance);
            return 0;
        }
    }

    @Command(name = "close-account", mixinStandardHelpOptions = true,
            description = "Closes a customer account (refused while it holds funds for open authorizations).")
    static final class CloseAccountCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @ParentCommand
        LedgerMain main;
        @Parameters(paramLabel = "ACCOUNT_ID")
        String accountId;

        @Override
        public Integer call() {
            Printing.balance(spec.commandLine().getOut(), main.withLedger(ledger -> ledger.closeAccount(accountId)));
            return 0;
        }
    }
}
