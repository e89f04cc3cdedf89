package io.paymentledger.outbox;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.schemas.EventSchemas;
import io.paymentledger.schemas.Json;
import java.sql.Connection;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The writer side of the outbox contract: appends events to {@code outbox_event} inside the caller's own transaction,
 * so the event commits or rolls back with the state change it describes. It fills exactly the columns a writer
 * supplies and leaves the relay's columns ({@code status}, {@code attempts}, ...) to their defaults; the insert's
 * trigger wakes the relay when the transaction commits. It never commits, rolls back or closes anything itself.
 *
 * <p>{@link #validating} checks every payload against {@code schemas/events/<type>.v<version>.schema.json} first and
 * writes nothing for an invalid one ({@link InvalidEventException}): consumers validate the same way, so an event that
 * would be rejected downstream is refused in the writer instead. {@link #unvalidated} writes payloads as given, for
 * event types whose schemas live elsewhere (and for tests and load generators).
 */
public final class OutboxWriter {
    private final EventSchemas schemas;

    private OutboxWriter(EventSchemas schemas) {
        this.schemas = schemas;
    }

    /** A writer that refuses an event whose payload breaks its schema or whose type and version have none. */
    public static OutboxWriter validating(EventSchemas schemas) {
        return new OutboxWriter(Objects.requireNonNull(schemas, "schemas"));
    }

    /** A writer that writes payloads as given (the database still requires valid JSON). */
    public static OutboxWriter unvalidated() {
        return new OutboxWriter(null);
    }

    /**
     * Appends {@code event} in the transaction of {@code tx} (a jOOQ context bound to the caller's transaction, e.g.
     * the {@code tx.dsl()} of {@code dsl.transaction(tx -> ...)}); returns its event id.
     *
     * @throws InvalidEventException when validating and the payload is invalid; nothing is written
     */
    public String append(DSLContext tx, OutboxEvent event) {
        return appendAll(tx, List.of(event)).get(0);
    }

    /**
     * Appends {@code event} on {@code connection}, in whatever transaction it has open (plain JDBC:
     * {@code setAutoCommit(false)}, your own statements, this, then {@code commit()}); returns its event id.
     */
    public String append(Connection connection, OutboxEvent event) {
        return append(DSL.using(connection, SQLDialect.POSTGRES), event);
    }

    /**
     * Appends every event in one multi-row insert, in the transaction of {@code tx}; returns their event ids in order.
     * Validates all of them before writing any.
     */
    public List<String> appendAll(DSLContext tx, List<OutboxEvent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        events.forEach(this::validate);
        var insert = tx.insertInto(OUTBOX_EVENT, List.of(OUTBOX_EVENT.EVENT_ID, OUTBOX_EVENT.AGGREGATE_TYPE,
                OUTBOX_EVENT.AGGREGATE_ID, OUTBOX_EVENT.AGGREGATE_VERSION, OUTBOX_EVENT.EVENT_TYPE,
                OUTBOX_EVENT.EVENT_VERSION, OUTBOX_EVENT.PAYLOAD, OUTBOX_EVENT.CORRELATION_ID,
                OUTBOX_EVENT.OCCURRED_AT, OUTBOX_EVENT.TRACEPARENT, OUTBOX_EVENT.TRACESTATE));
        List<String> ids = new ArrayList<>(events.size());
        for (OutboxEvent event : events) {
            insert = insert.values(row(event));
            ids.add(event.eventId());
        }
        insert.execute();
        return ids;
    }

    private static List<Field<?>> row(OutboxEvent event) {
        return List.of(DSL.val(event.eventId(), OUTBOX_EVENT.EVENT_ID), DSL.val(event.aggregateType(),
                        OUTBOX_EVENT.AGGREGATE_TYPE), DSL.val(event.aggregateId(), OUTBOX_EVENT.AGGREGATE_ID),
                DSL.val(event.aggregateVersion(), OUTBOX_EVENT.AGGREGATE_VERSION),
                DSL.val(event.eventType(), OUTBOX_EVENT.EVENT_TYPE),
                DSL.val(event.eventVersion(), OUTBOX_EVENT.EVENT_VERSION),
                DSL.val(JSONB.valueOf(event.payload()), OUTBOX_EVENT.PAYLOAD),
                DSL.val(event.correlationId(), OUTBOX_EVENT.CORRELATION_ID),
                event.occurredAt() == null ? DSL.defaultValue(OUTBOX_EVENT.OCCURRED_AT)
                        : DSL.val(event.occurredAt().atOffset(ZoneOffset.UTC), OUTBOX_EVENT.OCCURRED_AT),
                DSL.val(event.trace() == null ? null : event.trace().traceparent(), OUTBOX_EVENT.TRACEPARENT),
                DSL.val(event.trace() == null ? null : event.trace().tracestate(), OUTBOX_EVENT.TRACESTATE));
    }

    private void validate(OutboxEvent event) {
        if (schemas == null) {
            return;
        }
        if (!schemas.hasPayloadSchema(event.eventType(), event.eventVersion())) {
            throw new InvalidEventException(event, List.of("no schema for event type " + event.eventType()
                    + " version " + event.eventVersion() + " (schemas/events/" + event.eventType() + ".v"
                    + event.eventVersion() + ".schema.json)"));
        }
        List<String> problems = schemas.validatePayload(event.eventType(), event.eventVersion(), parse(event));
        if (!problems.isEmpty()) {
            throw new InvalidEventException(event, problems);
        }
    }

    private static JsonNode parse(OutboxEvent event) {
        try {
            return Json.mapper().readTree(event.payload());
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(event, List.of("payload is not JSON: " + e.getOriginalMessage()));
        }
    }
}
