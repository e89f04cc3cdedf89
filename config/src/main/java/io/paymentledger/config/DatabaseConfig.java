package io.paymentledger.config;

import java.util.Objects;

/**
 * How to reach PostgreSQL.
 *
 * @param url      {@code DATABASE_URL}: a JDBC URL, {@code jdbc:postgresql://host:5432/ledger}
 * @param user     {@code DATABASE_USER}
 * @param password {@code DATABASE_PASSWORD}; may be empty for trust or certificate authentication
 */
public record DatabaseConfig(String url, String user, String password) {
    public static final String DATABASE_URL = "DATABASE_URL";
    public static final String DATABASE_USER = "DATABASE_USER";
    public static final String DATABASE_PASSWORD = "DATABASE_PASSWORD";

    private static final String JDBC_PREFIX = "jdbc:postgresql:";

    public DatabaseConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (!url.startsWith(JDBC_PREFIX)) {
            throw new ConfigException(DATABASE_URL, "'" + url + "' is not a PostgreSQL JDBC URL; use "
                    + JDBC_PREFIX + "//host:5432/database");
        }
        if (user.isBlank()) {
            throw new ConfigException(DATABASE_USER, "is empty; set it to the database role to connect as");
        }
    }

    public static DatabaseConfig fromEnv(Env env) {
        return new DatabaseConfig(
                env.required(DATABASE_URL, "a JDBC URL such as jdbc:postgresql://localhost:5432/ledger"),
                env.required(DATABASE_USER, "the database role to connect as"),
                env.string(DATABASE_PASSWORD, ""));
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "****") + "]";
    }
}
