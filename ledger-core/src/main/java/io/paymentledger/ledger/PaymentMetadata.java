package io.paymentledger.ledger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymentledger.ledger.CommandRejectedException.Reason;
import java.nio.charset.StandardCharsets;

/**
 * Checks a payment's free-form metadata against {@link LedgerLimits} before anything is written: valid JSON without
 * duplicate keys, an object, at most {@code maxMetadataDepth} levels and {@code maxMetadataBytes} as compact JSON.
 * Parsing stops at the depth limit and a text far over the size limit is refused unread, so hostile input costs
 * no more than the limits allow.
 */
final class PaymentMetadata {
    /**
     * Text longer than this many times the byte limit is refused before parsing: indentation and whitespace never
     * account for that much, and a huge document should not cost a full parse.
     */
    private static final int RAW_SLACK_FACTOR = 4;

    private final LedgerLimits limits;
    private final ObjectMapper mapper;

    PaymentMetadata(LedgerLimits limits) {
        this.limits = limits;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxMetadataDepth())
                        .build())
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = new ObjectMapper(factory);
    }

    /**
     * The metadata as an object node, or null when {@code json} is null.
     *
     * @throws CommandRejectedException {@code metadata_invalid}, {@code metadata_too_deep} or
     *                                  {@code metadata_too_large}, naming the limit
     */
    ObjectNode parse(String json) {
        if (json == null) {
            return null;
        }
        if ((long) json.length() > (long) limits.maxMetadataBytes() * RAW_SLACK_FACTOR) {
            throw tooLarge(json.length() + " characters of text");
        }
        JsonNode node = read(json);
        if (node == null || !node.isObject()) {
            throw new CommandRejectedException(Reason.METADATA_INVALID, "metadata must be a JSON object but was "
                    + (node == null ? "empty" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        int bytes = compact(node).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxMetadataBytes()) {
            throw tooLarge(bytes + " bytes as compact JSON");
        }
        return (ObjectNode) node;
    }

    private JsonNode read(String json) {
        try (JsonParser parser = mapper.createParser(json)) {
            JsonNode node = mapper.readTree(parser);
            if (parser.nextToken() != null) {
                throw new CommandRejectedException(Reason.METADATA_INVALID,
                        "metadata must be one JSON object but has more after it");
            }
            return node;
        } catch (StreamConstraintsException e) {
            // Jackson has one exception type for all its read limits; only the nesting limit is set here, the others
            // (number and string lengths) keep their defaults and are reported as invalid input.
            if (String.valueOf(e.getOriginalMessage()).contains("nesting depth")) {
                throw new CommandRejectedException(Reason.METADATA_TOO_DEEP, "metadata is nested deeper than the limit of "
                        + limits.maxMetadataDepth() + " levels (" + LedgerLimits.METADATA_MAX_DEPTH + ")");
            }
            throw new CommandRejectedException(Reason.METADATA_INVALID, "metadata breaks a JSON reading limit: "
                    + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new CommandRejectedException(Reason.METADATA_INVALID,
                    "metadata is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("reading metadata from a string", e);
        }
    }

    private CommandRejectedException tooLarge(String actual) {
        return new CommandRejectedException(Reason.METADATA_TOO_LARGE, "metadata is " + actual + "; the limit is "
                + limits.maxMetadataBytes() + " bytes (" + LedgerLimits.METADATA_MAX_BYTES + ")");
    }

    /** Compact JSON, the form that is stored, hashed for idempotency and carried by events. */
    String compact(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serializes", e);
        }
    }
}
