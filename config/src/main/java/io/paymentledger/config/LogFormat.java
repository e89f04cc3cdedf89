package io.paymentledger.config;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * {@code LOG_FORMAT}: {@code text} (default), one human-readable line per event, or {@code json}, one JSON object
 * per line (logstash-logback-encoder) with the MDC ({@code event_id}, {@code aggregate_id}) as fields. Logs go to
 * stderr either way; {@code LOG_LEVEL} sets the root level.
 */
public enum LogFormat {
    TEXT, JSON;

    public static final String LOG_FORMAT = "LOG_FORMAT";
    public static final String LOG_LEVEL = "LOG_LEVEL";

    /** The level names logback accepts for {@value #LOG_LEVEL}. */
    enum Level { TRACE, DEBUG, INFO, WARN, ERROR, OFF }

    /**
     * Checks {@value #LOG_FORMAT} and {@value #LOG_LEVEL}; a bad value names its variable, so a runnable exits
     * with a configuration error instead of logging nothing.
     */
    public static LogFormat fromEnv(Env env) {
        env.option(LOG_LEVEL, Level.class, Level.INFO);
        return env.option(LOG_FORMAT, LogFormat.class, TEXT);
    }

    /**
     * Gives logback.xml the format to include ({@code text} or {@code json}); an unknown value falls back
     * to {@code text} here, and {@link #fromEnv} refuses it at start-up.
     */
    public static final class AppenderName extends PropertyDefinerBase {
        @Override
        public String getPropertyValue() {
            try {
                return Env.kebab(fromEnv(Env.system()));
            } catch (ConfigException e) {
                return Env.kebab(TEXT);
            }
        }
    }
}
