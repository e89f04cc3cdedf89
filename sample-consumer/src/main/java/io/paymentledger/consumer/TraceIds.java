package io.paymentledger.consumer;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The W3C trace id a record carries in its {@code traceparent} header (the relay copies it from the outbox row), so
 * the consumer's log lines and notifications continue the writer's trace.
 */
final class TraceIds {
    static final String MDC_KEY = "trace_id";
    private static final Pattern TRACEPARENT = Pattern.compile("^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$");

    private TraceIds() {
    }

    /** The trace id, or empty when the record has no well-formed {@code traceparent}. */
    static Optional<String> of(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader("traceparent");
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        var matcher = TRACEPARENT.matcher(new String(header.value(), StandardCharsets.UTF_8));
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
