package io.paymentledger.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The JSON Schemas of the message contract, loaded from the classpath ({@code schemas/...}) and cached.
 * Thread-safe; create one per process.
 *
 * <ul>
 *   <li>{@code envelope.schema.json}: every event record's value;</li>
 *   <li>{@code events/<EventType>.v<version>.schema.json}: the envelope's {@code payload} for one event type;</li>
 *   <li>{@code dead-letter.schema.json}: every record on the dead-letter topic;</li>
 *   <li>{@code payment-state.schema.json}: every record on the compacted payment state topic.</li>
 * </ul>
 */
public final class EventSchemas {
    /** Base of every schema's {@code $id}; mapped to the classpath so no schema is ever fetched over the network. */
    public static final String BASE_URI = "https://schemas.paymentledger.io/";
    private static final String CLASSPATH_BASE = "classpath:schemas/";
    private static final Pattern EVENT_TYPE = Pattern.compile("^[A-Z][A-Za-z0-9]{0,99}$");

    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config;
    private final JsonSchema envelope;
    private final JsonSchema deadLetter;
    private final JsonSchema paymentState;
    /**
     * Payload schemas by (event type, version), so lookups build no strings. Misses are cached too, but only up to
     * {@value #MAX_CACHED_MISSES} entries in all: unknown types come from outside and must not grow memory without end.
     */
    private final Map<PayloadKey, Optional<JsonSchema>> payloads = new ConcurrentHashMap<>();

    private static final int MAX_CACHED_MISSES = 1_000;

    private record PayloadKey(String eventType, int eventVersion) {
    }

    private EventSchemas() {
        factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(BASE_URI, CLASSPATH_BASE)));
        config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        envelope = load("envelope.schema.json");
        deadLetter = load("dead-letter.schema.json");
        paymentState = load("payment-state.schema.json");
    }

    /** Loads the envelope and dead-letter schemas; payload schemas load on first use. */
    public static EventSchemas load() {
        return new EventSchemas();
    }

    /** Problems of an envelope (the payload is only checked to be an object); empty when valid. */
    public List<String> validateEnvelope(JsonNode value) {
        return messages(envelope.validate(value));
    }

    /** Problems of a dead-letter record; empty when valid. */
    public List<String> validateDeadLetter(JsonNode value) {
        return messages(deadLetter.validate(value));
    }

    /** Problems of a payment state record; empty when valid. */
    public List<String> validatePaymentState(JsonNode value) {
        return messages(paymentState.validate(value));
    }

    /** Whether a payload schema exists for this event type and version. */
    public boolean hasPayloadSchema(String eventType, int eventVersion) {
        return payloadSchema(eventType, eventVersion).isPresent();
    }

    /**
     * Problems of an event's payload against the schema of its type and version; empty when valid.
     *
     * @throws UnknownEventTypeException when no schema exists for that type and version
     */
    public List<String> validatePayload(String eventType, int eventVersion, JsonNode payload) {
        JsonSchema schema = payloadSchema(eventType, eventVersion)
                .orElseThrow(() -> new UnknownEventTypeException(eventType, eventVersion));
        return messages(schema.validate(payload));
    }

    private Optional<JsonSchema> payloadSchema(String eventType, int eventVersion) {
        if (eventType == null) {
            return Optional.empty();
        }
        PayloadKey key = new PayloadKey(eventType, eventVersion);
        Optional<JsonSchema> cached = payloads.get(key);
        if (cached != null) {
            return cached;
        }
        Optional<JsonSchema> loaded = loadIfPresent(key);
        if (loaded.isPresent() || payloads.size() < MAX_CACHED_MISSES) {
            payloads.putIfAbsent(key, loaded);
        }
        return loaded;
    }

    private Optional<JsonSchema> loadIfPresent(PayloadKey key) {
        if (!EVENT_TYPE.matcher(key.eventType()).matches() || key.eventVersion() < 1) {
            return Optional.empty();
        }
        String path = "events/" + key.eventType() + ".v" + key.eventVersion() + ".schema.json";
        if (EventSchemas.class.getClassLoader().getResource("schemas/" + path) == null) {
            return Optional.empty();
        }
        return Optional.of(load(path));
    }

    private JsonSchema load(String path) {
        try {
            JsonSchema schema = factory.getSchema(SchemaLocation.of(BASE_URI + path), config);
            schema.initializeValidators();
            return schema;
        } catch (JsonSchemaException e) {
            throw new IllegalStateException("schema " + path + " could not be loaded from the classpath", e);
        }
    }

    private static List<String> messages(java.util.Set<ValidationMessage> messages) {
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
