package io.paymentledger.observability;

import io.paymentledger.config.ConfigException;
import io.paymentledger.config.Env;

/**
 * Where a service serves {@code /metrics}, {@code /health/live} and {@code /health/ready}.
 *
 * @param port {@code HTTP_PORT}: 1-65535, or 0 for a free port chosen at start (it is logged)
 */
public record HttpSettings(int port) {
    public static final String HTTP_PORT = "HTTP_PORT";

    public HttpSettings {
        if (port < 0 || port > 65_535) {
            throw new ConfigException(HTTP_PORT, "'" + port + "' is out of range; use 1-65535, or 0 for any free port");
        }
    }

    /** {@code HTTP_PORT}, or {@code defaultPort} when it is not set. */
    public static HttpSettings fromEnv(Env env, int defaultPort) {
        return new HttpSettings(env.integer(HTTP_PORT, defaultPort, 0, 65_535));
    }
}
