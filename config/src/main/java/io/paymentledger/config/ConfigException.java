package io.paymentledger.config;

/**
 * A configuration value is missing or invalid. The message always names the variable, the offending value
 * (masked when secret) and what a valid value looks like, so an operator can fix it without reading code.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String variable;

    public ConfigException(String variable, String message) {
        super(variable + ": " + message);
        this.variable = variable;
    }

    /** The environment variable that was missing or invalid. */
    public String variable() {
        return variable;
    }
}
