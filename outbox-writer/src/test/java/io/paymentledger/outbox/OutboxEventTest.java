package io.paymentledger.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OutboxEventTest {
    @Test
    void ofMakesANewUlidPerEventWithSchemaVersionOneAndNoOptionalColumns() {
        OutboxEvent first = OutboxEvent.of("Payment", "p-1", 1, "PaymentAuthorized", "{}");
        OutboxEvent second = OutboxEvent.of("Payment", "p-1", 2, "PaymentCaptured", "{}");

        assertThat(first.eventId()).matches("[0-9A-HJKMNP-TV-Z]{26}").isNotEqualTo(second.eventId());
        assertThat(first.eventVersion()).isEqualTo(1);
        assertThat(first.correlationId()).isNull();
        assertThat(first.occurredAt()).isNull();
    }

    @Test
    void eachBadColumnIsRefusedNamingTheField() {
        String ulid = OutboxEvent.of("Payment", "p", 1, "T", "{}").eventId();
        assertThatThrownBy(() -> new OutboxEvent("not-a-ulid", "Payment", "p", 1, "T", 1, "{}", null, null))
                .hasMessageContaining("eventId 'not-a-ulid' is not a ULID");
        assertThatThrownBy(() -> new OutboxEvent(ulid, " ", "p", 1, "T", 1, "{}", null, null))
                .hasMessageContaining("aggregateType is blank");
        assertThatThrownBy(() -> new OutboxEvent(ulid, "Payment", null, 1, "T", 1, "{}", null, null))
                .hasMessageContaining("aggregateId is null");
        assertThatThrownBy(() -> new OutboxEvent(ulid, "Payment", "p", 0, "T", 1, "{}", null, null))
                .hasMessageContaining("aggregateVersion 0 of Payment p is below 1");
        assertThatThrownBy(() -> new OutboxEvent(ulid, "Payment", "p", 1, "", 1, "{}", null, null))
                .hasMessageContaining("eventType is blank");
        assertThatThrownBy(() -> new OutboxEvent(ulid, "Payment", "p", 1, "T", 0, "{}", null, null))
                .hasMessageContaining("eventVersion 0 of T is below 1");
    }
}
