package io.paymentledger.outbox;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A W3C Trace Context (https://www.w3.org/TR/trace-context/) as an outbox row carries it and the relay puts it in the
 * record's {@code traceparent} and {@code tracestate} headers, so a trace that starts before the ledger command
 * continues in every consumer.
 *
 * @param traceparent {@code version-traceid-parentid-flags}, lower-case hex, e.g.
 *                    {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}
 * @param tracestate  vendor entries, or null; at most {@value #MAX_TRACESTATE} characters
 */
public record TraceContext(String traceparent, String tracestate) {
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    static final int MAX_TRACESTATE = 512;
    private static final Pattern FORMAT = Pattern.compile("^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$");
    private static final String ZERO_TRACE_ID = "0".repeat(32);
    private static final String ZERO_SPAN_ID = "0".repeat(16);

    public TraceContext {
        Objects.requireNonNull(traceparent, "traceparent");
        if (!wellFormed(traceparent)) {
            throw new IllegalArgumentException("traceparent '" + traceparent + "' is not a W3C traceparent "
                    + "(version-traceid-parentid-flags in lower-case hex, ids not all zero, version not ff)");
        }
        if (tracestate != null && (tracestate.isBlank() || tracestate.length() > MAX_TRACESTATE)) {
            throw new IllegalArgumentException("tracestate must be null or 1-" + MAX_TRACESTATE + " characters but"
                    + " had " + tracestate.length());
        }
    }

    /** The context of stored values, or empty when there is none or the traceparent is malformed. */
    public static Optional<TraceContext> parse(String traceparent, String tracestate) {
        if (traceparent == null || !wellFormed(traceparent)) {
            return Optional.empty();
        }
        boolean usableState = tracestate != null && !tracestate.isBlank() && tracestate.length() <= MAX_TRACESTATE;
        return Optional.of(new TraceContext(traceparent, usableState ? tracestate : null));
    }

    /**
     * The OpenTelemetry context current on this thread (a span the caller's tracing started, or one extracted from
     * an incoming request), or empty when there is none. Needs only the OpenTelemetry API: no SDK, no exporter.
     */
    public static Optional<TraceContext> current() {
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        return parse(carrier.get(TRACEPARENT), carrier.get(TRACESTATE));
    }

    /** The 32 hex digits of the trace id. */
    public String traceId() {
        return traceparent.substring(3, 35);
    }

    /** Whether {@code traceparent} is a W3C traceparent this project forwards. */
    public static boolean wellFormed(String traceparent) {
        return FORMAT.matcher(traceparent).matches() && !traceparent.startsWith("ff")
                && !traceparent.substring(3, 35).equals(ZERO_TRACE_ID)
                && !traceparent.substring(36, 52).equals(ZERO_SPAN_ID);
    }
}
