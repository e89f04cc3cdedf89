package io.paymentledger.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class DeadLetterTailTest {
    private static ConsumerRecord<String, byte[]> record(String value) {
        return new ConsumerRecord<>("payments.dlq", 2, 41, "agg", value == null ? null
                : value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void summarizesADeadLetterOnOneLine() {
        String letter = "{\"event_id\":\"E1\",\"event_type\":\"PaymentAuthorized\",\"aggregate_type\":\"Payment\","
                + "\"aggregate_id\":\"P1\",\"aggregate_version\":3,\"attempts\":5,\"error_class\":\"TimeoutException\","
                + "\"error_message\":\"Topic payments.x not present\",\"dead_lettered_at\":\"2026-11-22T10:00:00Z\","
                + "\"envelope\":null,\"envelope_omitted_reason\":\"record_too_large\"}";

        assertThat(DeadLetterTail.line(record(letter))).isEqualTo("2026-11-22T10:00:00Z E1 PaymentAuthorized Payment/P1 v3"
                + " attempts=5 TimeoutException: Topic payments.x not present (envelope omitted: record_too_large)");
    }

    @Test
    void saysWhereAnUnreadableDeadLetterIs() {
        assertThat(DeadLetterTail.line(record("not json"))).isEqualTo("2@41 unreadable dead letter (8 bytes)");
        assertThat(DeadLetterTail.line(record(null))).isEqualTo("2@41 unreadable dead letter (0 bytes)");
    }

    @Test
    void refusesANegativeLast() {
        assertThatThrownBy(() -> new DeadLetterTail.Options(false, false, false, -1)).hasMessageContaining("--last");
    }
}
