package io.paymentledger.observability;

/**
 * One readiness condition of a service. Called on the HTTP server's threads for every {@code /health/ready}
 * request: it must be thread-safe, answer within a few seconds and never throw for the condition it checks.
 */
@FunctionalInterface
public interface HealthCheck {
    Health check();
}
