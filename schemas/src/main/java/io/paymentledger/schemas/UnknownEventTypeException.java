package io.paymentledger.schemas;

/** No payload schema exists for an event type and version. */
public final class UnknownEventTypeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownEventTypeException(String eventType, int eventVersion) {
        super("no schema for event type '" + eventType + "' version " + eventVersion
                + " (expected schemas/events/" + eventType + ".v" + eventVersion + ".schema.json)");
    }
}
