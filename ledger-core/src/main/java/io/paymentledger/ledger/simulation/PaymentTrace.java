package io.paymentledger.ledger.simulation;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The root span of one simulated payment. With an OpenTelemetry SDK installed (the usual {@code OTEL_*} set-up of a
 * Java agent) it is a real span of the {@code ledger-simulator} tracer; without one the API's tracer records
 * nothing, so the payment gets a fresh sampled trace id of its own, which still travels through the outbox, the
 * relay and the consumer.
 */
final class PaymentTrace {
    private PaymentTrace() {
    }

    static Span start() {
        Span span = GlobalOpenTelemetry.getTracer("ledger-simulator").spanBuilder("simulated payment").startSpan();
        if (span.getSpanContext().isValid()) {
            return span;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return Span.wrap(SpanContext.create(TraceId.fromLongs(nonZero(random), random.nextLong()),
                SpanId.fromLong(nonZero(random)), TraceFlags.getSampled(), TraceState.getDefault()));
    }

    private static long nonZero(ThreadLocalRandom random) {
        long value = random.nextLong();
        return value == 0 ? 1 : value;
    }
}
