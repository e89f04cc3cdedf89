package io.paymentledger.faults;

import io.paymentledger.config.CommandLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fault-suite.jar}: runs the system fault suite and its verifier; exit 0 passed, 1 a violation. */
@Command(name = "fault-suite.jar", mixinStandardHelpOptions = true, version = "fault-suite 0.1.0",
        description = {"Runs the packaged relays, consumer and ledger simulator as processes on embedded PostgreSQL",
                "and Kafka, injects real faults (kill -9, SIGTERM, broker stop/kill, database cut), then verifies",
                "from Kafka that nothing was lost, reordered, dead-lettered by an outage or notified twice.",
                "Run it from the repository root after `mvn package -DskipTests`."})
public final class FaultSuiteMain implements Callable<Integer> {
    @Option(names = "--profile", defaultValue = "short",
            description = "short (75 s of faults, for CI) or long (30 min of faults, for releases).")
    String profile;
    @Option(names = "--seed", description = "Seed of the fault schedule (default: random, printed).")
    Long seed;
    @Option(names = "--relays", defaultValue = "3", description = "Relay processes at once (default 3).")
    int relays;
    @Option(names = "--fault-seconds", description = "Override the profile's length of the fault phase.")
    Long faultSeconds;
    @Option(names = "--repo-root", description = "Where the module jars are (default: . or .., whichever has them).")
    Path repoRoot;

    public static void main(String[] args) {
        System.exit(CommandLines.execute(new FaultSuiteMain(), args));
    }

    @Override
    public Integer call() throws InterruptedException {
        long actualSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1_000_000_000L);
        Path root = repoRoot != null ? repoRoot : findRepoRoot();
        FaultSuiteSettings settings = FaultSuiteSettings.of(profile, actualSeed, relays, faultSeconds, root);
        for (String module : new String[] {"outbox-processor", "sample-consumer", "ledger-core"}) {
            if (!Files.exists(settings.jar(module))) {
                throw new IllegalArgumentException(settings.jar(module).toAbsolutePath()
                        + " is missing; run `mvn -B -ntp package -DskipTests` first, or pass --repo-root");
            }
        }
        return new FaultSuite(settings, System.out).run().passed() ? 0 : 1;
    }

    private static Path findRepoRoot() {
        Path here = Path.of(".");
        return Files.exists(here.resolve("outbox-processor/target/outbox-processor.jar")) ? here : Path.of("..");
    }
}
