package io.paymentledger.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged benchmark as an operator runs it: a small live workload, one JSON line on stdout. */
class BenchmarkIT {
    @Test
    void aLiveRunPrintsOneJsonLineCountingEveryAcknowledgedEvent() throws Exception {
        Path stdout = Files.createTempFile(Path.of("target"), "benchmark-", ".json");
        Path stderr = Files.createTempFile(Path.of("target"), "benchmark-", ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", "target/benchmarks.jar", "live", "--events", "3000", "--aggregates", "50",
                "--warmup-seconds", "1", "--repo-root", ".."));
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();

        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("finished; log %s", stderr).isTrue();
        assertThat(process.exitValue()).as("exit code; log %s", stderr).isZero();
        List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(lines.get(0));
        assertThat(json.get("workload").asText()).isEqualTo("live");
        assertThat(json.get("events").asInt()).isEqualTo(3000);
        assertThat(json.get("acknowledged").asInt()).as("distinct events acknowledged by Kafka").isEqualTo(3000);
        double seconds = json.get("seconds").asDouble();
        assertThat(seconds).isPositive();
        // Rates are rounded to whole events per second, seconds to the millisecond.
        assertThat(json.get("events_per_sec").asDouble()).isCloseTo(3000 / seconds, within(1.0 + 3000 / seconds
                * 0.001 / seconds));
        assertThat(json.get("insert_events_per_sec").asDouble()).isPositive();
        double p50 = json.get("p50_ms").asDouble();
        double p99 = json.get("p99_ms").asDouble();
        double max = json.get("max_ms").asDouble();
        assertThat(p50).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(p99);
        assertThat(max).isGreaterThanOrEqualTo(p99);
        // Every measured event was committed after the run started and acknowledged before it ended.
        assertThat(max).as("the slowest commit-to-ack within the measured %s s", seconds)
                .isLessThanOrEqualTo(seconds * 1000 + 1);
        assertThat(json.get("rss_mb").asDouble()).isBetween(20.0, 1024.0);
    }
}
