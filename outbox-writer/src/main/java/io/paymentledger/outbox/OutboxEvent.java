package io.paymentledger.outbox;

import com.github.f4b6a3.ulid.UlidCreator;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One event as a writer hands it to the outbox: the columns of {@code outbox_event} a writer supplies (README, "The
 * outbox table"). Checked here as the table checks them, so a bad value fails in the writer's code with the field's
 * name instead of as a constraint violation of the whole transaction.
 *
 * @param eventId          a ULID, unique; consumers deduplicate by it ({@link #of} makes a new one)
 * @param aggregateType    kind of entity, e.g. {@code Payment}
 * @param aggregateId      the entity's id; the Kafka record key
 * @param aggregateVersion 1, 2, 3... per aggregate, unique per ({@code aggregateType}, {@code aggregateId})
 * @param eventType        e.g. {@code PaymentAuthorized}; picks the topic and the payload schema
 * @param eventVersion     version of the payload schema, at least 1
 * @param payload          the event's own fields as one JSON object
 * @param correlationId    id of the request or flow, or null
 * @param occurredAt       when it happened, or null for the database's {@code now()} at insert
 * @param trace            the writer's W3C trace context, or null; see {@link #inCurrentTrace()}
 */
public record OutboxEvent(String eventId, String aggregateType, String aggregateId, long aggregateVersion,
                          String eventType, int eventVersion, String payload, String correlationId,
                          Instant occurredAt, TraceContext trace) {
    private static final Pattern ULID = Pattern.compile("^[0-9A-HJKMNP-TV-Z]{26}$");

    public OutboxEvent {
        requireText("eventId", eventId);
        if (!ULID.matcher(eventId).matches()) {
            throw new IllegalArgumentException("eventId '" + eventId + "' is not a ULID (26 characters of "
                    + "0-9A-HJKMNP-TV-Z)");
        }
        requireText("aggregateType", aggregateType);
        requireText("aggregateId", aggregateId);
        requireText("eventType", eventType);
        Objects.requireNonNull(payload, "payload");
        if (aggregateVersion < 1) {
            throw new IllegalArgumentException("aggregateVersion " + aggregateVersion + " of " + aggregateType + " "
                    + aggregateId + " is below 1; versions are 1, 2, 3...");
        }
        if (eventVersion < 1) {
            throw new IllegalArgumentException("eventVersion " + eventVersion + " of " + eventType + " is below 1");
        }
    }

    /** An event without a trace context. */
    public OutboxEvent(String eventId, String aggregateType, String aggregateId, long aggregateVersion,
                       String eventType, int eventVersion, String payload, String correlationId, Instant occurredAt) {
        this(eventId, aggregateType, aggregateId, aggregateVersion, eventType, eventVersion, payload, correlationId,
                occurredAt, null);
    }

    /** An event with a new ULID, payload schema version 1, no correlation id, occurring at the insert. */
    public static OutboxEvent of(String aggregateType, String aggregateId, long aggregateVersion, String eventType,
                                 String payload) {
        return new OutboxEvent(UlidCreator.getMonotonicUlid().toString(), aggregateType, aggregateId,
                aggregateVersion, eventType, 1, payload, null, null, null);
    }

    public OutboxEvent withCorrelationId(String correlationId) {
        return new OutboxEvent(eventId, aggregateType, aggregateId, aggregateVersion, eventType, eventVersion, payload,
                correlationId, occurredAt, trace);
    }

    public OutboxEvent withOccurredAt(Instant occurredAt) {
        return new OutboxEvent(eventId, aggregateType, aggregateId, aggregateVersion, eventType, eventVersion, payload,
                correlationId, occurredAt, trace);
    }

    public OutboxEvent withEventVersion(int eventVersion) {
        return new OutboxEvent(eventId, aggregateType, aggregateId, aggregateVersion, eventType, eventVersion, payload,
                correlationId, occurredAt, trace);
    }

    /** This event carrying {@code trace} (null: none). */
    public OutboxEvent withTrace(TraceContext trace) {
        return new OutboxEvent(eventId, aggregateType, aggregateId, aggregateVersion, eventType, eventVersion, payload,
                correlationId, occurredAt, trace);
    }

    /**
     * This event carrying the OpenTelemetry context current on this thread ({@link TraceContext#current()}), or
     * unchanged when there is none: call it where the event is written, inside the traced request.
     */
    public OutboxEvent inCurrentTrace() {
        return TraceContext.current().map(this::withTrace).orElse(this);
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is " + (value == null ? "null" : "blank")
                    + "; every outbox event needs one");
        }
    }
}
