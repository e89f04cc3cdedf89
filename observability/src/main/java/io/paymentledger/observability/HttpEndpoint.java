package io.paymentledger.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's HTTP endpoint on the JDK's built-in server:
 * <ul>
 *   <li>{@code GET /metrics}: every meter of the registry in the Prometheus text format;</li>
 *   <li>{@code GET /health/live}: 200 while the process serves requests;</li>
 *   <li>{@code GET /health/ready}: 200 when every readiness check is up, else 503; the JSON body gives each check's
 *       status and reason, e.g. {@code {"status":"DOWN","checks":{"database":{"status":"DOWN","reason":"..."}}}}.</li>
 * </ul>
 */
public final class HttpEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    private final Map<String, HealthCheck> readiness;

    private HttpEndpoint(HttpServer server, PrometheusMeterRegistry registry, Map<String, HealthCheck> readiness) {
        this.server = server;
        this.registry = registry;
        this.readiness = new LinkedHashMap<>(readiness);
        this.executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "http-endpoint");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Binds {@code settings.port()} on every interface and starts serving. {@code readiness} maps a check's name
     * (as the JSON body shows it) to the check, in the order they are shown.
     *
     * @throws UncheckedIOException when the port cannot be bound, naming the port and {@code HTTP_PORT}
     */
    public static HttpEndpoint start(HttpSettings settings, PrometheusMeterRegistry registry,
                                     Map<String, HealthCheck> readiness) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(settings.port()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + settings.port() + " (" + HttpSettings.HTTP_PORT
                    + "): " + e.getMessage() + "; free the port or set " + HttpSettings.HTTP_PORT + " to another", e);
        }
        HttpEndpoint endpoint = new HttpEndpoint(server, registry, readiness);
        server.createContext("/metrics", exchange -> endpoint.serve(exchange, endpoint::metrics));
        server.createContext("/health/live", exchange -> endpoint.serve(exchange, endpoint::live));
        server.createContext("/health/ready", exchange -> endpoint.serve(exchange, endpoint::ready));
        server.createContext("/", exchange -> endpoint.serve(exchange, () -> new Response(404, "application/json",
                "{\"error\":\"not found; try /metrics, /health/live or /health/ready\"}")));
        server.setExecutor(endpoint.executor);
        server.start();
        log.info("HTTP endpoint listening on port {}: /metrics, /health/live, /health/ready", endpoint.port());
        return endpoint;
    }

    /** The bound port (the chosen one when {@code HTTP_PORT} was 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private record Response(int status, String contentType, String body) {
    }

    private interface Handler {
        Response handle();
    }

    private void serve(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange) {
            Response response = "GET".equals(exchange.getRequestMethod()) || "HEAD".equals(exchange.getRequestMethod())
                    ? handler.handle()
                    : new Response(405, "application/json", "{\"error\":\"method not allowed; use GET\"}");
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(response.status(), head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (RuntimeException e) {
            log.warn("HTTP endpoint failed to answer {}: {}", exchange.getRequestURI(), e.toString());
        }
    }

    private Response metrics() {
        return new Response(200, PROMETHEUS_TEXT, registry.scrape());
    }

    private Response live() {
        return new Response(200, "application/json", "{\"status\":\"UP\"}");
    }

    private Response ready() {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode checks = JSON.createObjectNode();
        boolean allUp = true;
        for (Map.Entry<String, HealthCheck> entry : readiness.entrySet()) {
            Health health = checkSafely(entry.getValue());
            allUp &= health.up();
            checks.putObject(entry.getKey()).put("status", health.up() ? "UP" : "DOWN").put("reason", health.reason());
        }
        body.put("status", allUp ? "UP" : "DOWN");
        body.set("checks", checks);
        return new Response(allUp ? 200 : 503, "application/json", body.toString());
    }

    private static Health checkSafely(HealthCheck check) {
        try {
            return check.check();
        } catch (RuntimeException e) {
            return Health.down("check failed: " + e);
        }
    }

    /** Stops serving at once; requests in progress are cut. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
