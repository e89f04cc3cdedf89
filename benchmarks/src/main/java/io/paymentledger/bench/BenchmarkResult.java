package io.paymentledger.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one JSON line a benchmark prints on stdout. Latencies are commit-to-ack, in milliseconds. */
record BenchmarkResult(String scenario, String workload, int events, int acknowledged, double seconds,
                       double eventsPerSec,
                       double insertEventsPerSec, double p50Ms, double p99Ms, double maxMs, double rssMb,
                       String notes) {
    private static final ObjectMapper JSON = new ObjectMapper();

    String toJson() {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("scenario", scenario);
        line.put("workload", workload);
        line.put("events", events);
        line.put("acknowledged", acknowledged);
        line.put("seconds", round(seconds, 3));
        line.put("events_per_sec", round(eventsPerSec, 0));
        line.put("insert_events_per_sec", round(insertEventsPerSec, 0));
        line.put("p50_ms", round(p50Ms, 1));
        line.put("p99_ms", round(p99Ms, 1));
        line.put("max_ms", round(maxMs, 1));
        line.put("rss_mb", round(rssMb, 1));
        line.put("notes", notes);
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of numbers and strings always serializes", e);
        }
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /** The {@code q} quantile (0..1) of {@code values} by the nearest-rank method; sorts the array. */
    static double quantile(long[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(values);
        int rank = (int) Math.ceil(q * values.length);
        return values[Math.max(0, Math.min(values.length - 1, rank - 1))];
    }
}
