package io.paymentledger.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.Test;

class TraceContextTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + SPAN_ID + "-01";

    @Test
    void theCurrentOpenTelemetryContextBecomesTheEventsTraceWithoutAnSdk() {
        SpanContext span = SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(),
                TraceState.builder().put("ledger", "t1").build());
        OutboxEvent event = OutboxEvent.of("Payment", "p-1", 1, "PaymentAuthorized", "{}");
        try (Scope scope = Span.wrap(span).makeCurrent()) {
            OutboxEvent traced = event.inCurrentTrace();
            assertThat(traced.trace()).isEqualTo(new TraceContext(TRACEPARENT, "ledger=t1"));
            assertThat(traced.trace().traceId()).isEqualTo(TRACE_ID);
            assertThat(traced.withCorrelationId("c").trace()).as("withers keep it").isEqualTo(traced.trace());
        }
        assertThat(event.inCurrentTrace().trace()).as("no context, no trace").isNull();
    }

    @Test
    void onlyAWellFormedTraceparentIsAccepted() {
        assertThat(TraceContext.parse(TRACEPARENT, null)).isPresent();
        assertThat(TraceContext.parse("not-a-traceparent", null)).isEmpty();
        assertThat(TraceContext.parse("00-" + "0".repeat(32) + "-" + SPAN_ID + "-01", null)).as("zero trace id")
                .isEmpty();
        assertThat(TraceContext.parse("00-" + TRACE_ID + "-" + "0".repeat(16) + "-01", null)).as("zero span id")
                .isEmpty();
        assertThat(TraceContext.parse("ff-" + TRACE_ID + "-" + SPAN_ID + "-01", null)).as("version ff").isEmpty();
        assertThat(TraceContext.parse(TRACEPARENT.toUpperCase(), null)).as("upper case").isEmpty();
        assertThat(TraceContext.parse(TRACEPARENT, "x".repeat(600)).orElseThrow().tracestate())
                .as("an oversized tracestate is dropped, the traceparent kept").isNull();
        assertThatThrownBy(() -> new TraceContext("00-abc", null)).hasMessageContaining("'00-abc' is not a W3C");
    }
}
