package io.paymentledger.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpEndpointTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicReference<Health> database = new AtomicReference<>(Health.up("connected in 1 ms"));
    private PrometheusMeterRegistry registry;
    private HttpEndpoint endpoint;

    @BeforeEach
    void start() {
        registry = Metrics.prometheus("test-service");
        endpoint = HttpEndpoint.start(new HttpSettings(0), registry, Map.of("database", database::get));
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void metricsAreServedInPrometheusTextFormatWithTheApplicationTag() throws Exception {
        registry.counter("relay.test.events").increment(3);

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(response.body()).contains("relay_test_events_total{application=\"test-service\"} 3.0")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void readinessIsUpWithEachCheckAndTurnsDownWithTheReason() throws Exception {
        HttpResponse<String> up = get("/health/ready");
        assertThat(up.statusCode()).isEqualTo(200);
        JsonNode upBody = new ObjectMapper().readTree(up.body());
        assertThat(upBody.path("status").asText()).isEqualTo("UP");
        assertThat(upBody.path("checks").path("database").path("reason").asText()).isEqualTo("connected in 1 ms");

        database.set(Health.down("database unreachable: Connection refused"));
        HttpResponse<String> down = get("/health/ready");

        assertThat(down.statusCode()).isEqualTo(503);
        JsonNode downBody = new ObjectMapper().readTree(down.body());
        assertThat(downBody.path("status").asText()).isEqualTo("DOWN");
        assertThat(downBody.path("checks").path("database").path("status").asText()).isEqualTo("DOWN");
        assertThat(downBody.path("checks").path("database").path("reason").asText())
                .isEqualTo("database unreachable: Connection refused");
    }

    @Test
    void aCheckThatThrowsReadsAsDownInsteadOfFailingTheRequest() throws Exception {
        try (HttpEndpoint other = HttpEndpoint.start(new HttpSettings(0), registry, Map.of("broken", () -> {
            throw new IllegalStateException("boom");
        }))) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + other.port() + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("check failed: java.lang.IllegalStateException: boom");
        }
    }

    @Test
    void livenessIsUpWhileTheProcessServesRequests() throws Exception {
        HttpResponse<String> response = get("/health/live");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void unknownPathsAnswer404AndOtherMethods405() throws Exception {
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void aPortInUseFailsNamingThePortAndTheVariable() {
        HttpSettings taken = new HttpSettings(endpoint.port());

        assertThatThrownBy(() -> HttpEndpoint.start(taken, registry, Map.of()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("port " + endpoint.port())
                .hasMessageContaining("HTTP_PORT");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + endpoint.port() + path);
    }
}
