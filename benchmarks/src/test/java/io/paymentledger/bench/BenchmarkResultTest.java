package io.paymentledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkResultTest {
    @Test
    void printsTheFieldsTheIssueNamesInOrder() throws Exception {
        BenchmarkResult result = new BenchmarkResult("steady-x", "steady", 120_000, 120_000, 60.0123, 1999.6, 2000.2, 4.0,
                19.0, 31.0, 212.34, "notes");

        JsonNode json = new ObjectMapper().readTree(result.toJson());

        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("scenario", "workload", "events", "acknowledged", "seconds", "events_per_sec",
                "insert_events_per_sec", "p50_ms", "p99_ms", "max_ms", "rss_mb", "notes");
        assertThat(json.get("events_per_sec").asDouble()).isEqualTo(2000.0);
        assertThat(json.get("rss_mb").asDouble()).isEqualTo(212.3);
        assertThat(result.toJson()).doesNotContain("\n");
    }

    @Test
    void quantilesUseTheNearestRank() {
        long[] values = new long[100];
        for (int i = 0; i < values.length; i++) {
            values[i] = 100 - i;
        }

        assertThat(BenchmarkResult.quantile(values, 0.50)).isEqualTo(50);
        assertThat(BenchmarkResult.quantile(values, 0.99)).isEqualTo(99);
        assertThat(BenchmarkResult.quantile(values, 1.0)).isEqualTo(100);
        assertThat(BenchmarkResult.quantile(new long[] {7}, 0.99)).isEqualTo(7);
    }
}
