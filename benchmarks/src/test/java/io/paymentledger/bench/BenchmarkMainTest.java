package io.paymentledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymentledger.config.CommandLines;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchmarkMainTest {
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CommandLines.execute(new BenchmarkMain(), new PrintWriter(new StringWriter()), new PrintWriter(err),
                args);
    }

    @Test
    void anUnknownWorkloadIsABadUsageThatNamesIt() {
        assertThat(run("burst")).isEqualTo(CommandLines.EXIT_USAGE);
        assertThat(err.toString()).contains("WORKLOAD must be backlog, live or steady but was 'burst'");
    }

    @Test
    void badFlagsAreBadUsageThatNameTheFlag() {
        assertThat(run("live", "--relays", "0")).isEqualTo(CommandLines.EXIT_USAGE);
        assertThat(err.toString()).contains("--relays must be positive but was 0");
        assertThat(run("live", "--database-url", "jdbc:postgresql://db/x")).isEqualTo(CommandLines.EXIT_USAGE);
        assertThat(err.toString()).contains("--database-url and --bootstrap-servers go together");
        assertThat(run("live", "--relay-env", "JAVA_HOME=/tmp")).isEqualTo(CommandLines.EXIT_USAGE);
        assertThat(err.toString()).contains("--relay-env sets OUTBOX_* variables only but was given JAVA_HOME");
    }

    @Test
    void relayEnvironmentIsPassedOnAsGiven() {
        BenchmarkMain main = new BenchmarkMain();
        new picocli.CommandLine(main).parseArgs("backlog", "--repo-root", ".", "--relay-env", "OUTBOX_WORKERS=4",
                "--relay-env", "OUTBOX_BATCH_SIZE=1000");

        assertThat(main.settings().relayEnv())
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("OUTBOX_WORKERS", "4", "OUTBOX_BATCH_SIZE", "1000"));
    }

    @Test
    void aMissingRelayJarSaysHowToBuildIt() {
        assertThat(run("steady", "--repo-root", "/nonexistent")).isEqualTo(CommandLines.EXIT_USAGE);
        assertThat(err.toString()).contains("outbox-processor.jar is missing; run `mvn -B -ntp package -DskipTests`");
    }

    @Test
    void defaultsFollowTheIssue() {
        BenchmarkMain main = new BenchmarkMain();
        new picocli.CommandLine(main).parseArgs("steady", "--repo-root", ".");
        BenchmarkSettings steady = main.settings();

        assertThat(steady.events()).isEqualTo(120_000);
        assertThat(steady.transactionSize()).isEqualTo(10);
        assertThat(steady.aggregates()).isEqualTo(10_000);
        assertThat(steady.payloadBytes()).isEqualTo(400);
        assertThat(steady.relays()).isEqualTo(1);
        assertThat(steady.relayJar()).isEqualTo(Path.of(".", "outbox-processor", "target", "outbox-processor.jar"));
        assertThat(steady.scenario()).isEqualTo("steady-2000eps-60s-10000agg-400B-1relay");
    }
}
