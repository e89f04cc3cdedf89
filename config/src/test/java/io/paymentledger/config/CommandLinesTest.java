package io.paymentledger.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

class CommandLinesTest {
    @Command(name = "needs-config", mixinStandardHelpOptions = true)
    static final class NeedsConfig implements Callable<Integer> {
        @Override
        public Integer call() {
            DatabaseConfig.fromEnv(new Env(Map.of("DATABASE_URL", "mysql://db", "DATABASE_USER", "ledger")));
            return 0;
        }
    }

    @Test
    void configurationErrorExitsWithUsageCodeAndOneLineNamingTheVariable() {
        StringWriter err = new StringWriter();
        int exit = CommandLines.execute(new NeedsConfig(), new PrintWriter(new StringWriter()), new PrintWriter(err));

        assertThat(exit).isEqualTo(CommandLines.EXIT_USAGE);
        assertThat(err.toString().strip())
                .startsWith("configuration error: DATABASE_URL: 'mysql://db' is not a PostgreSQL JDBC URL")
                .doesNotContain("Exception");
    }

    @Test
    void helpExitsZero() {
        StringWriter out = new StringWriter();
        assertThat(CommandLines.execute(new NeedsConfig(), new PrintWriter(out), null, "--help")).isZero();
        assertThat(out.toString()).contains("Usage: needs-config");
    }
}
