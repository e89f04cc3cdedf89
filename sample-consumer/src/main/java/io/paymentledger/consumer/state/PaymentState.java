package io.paymentledger.consumer.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One payment's current state in the {@code payment_state} projection (and the value of its record on
 * {@code <prefix>.payment-state}, see {@code schemas/payment-state.schema.json}).
 *
 * @param amountMinor     authorized (asked for, when declined); null while no applied event carried it
 * @param declineReason   set only for a declined payment
 * @param metadata        the caller's metadata from authorize; null when none was given or version 1 is missing
 * @param version         the highest {@code aggregate_version} applied
 * @param eventId         the event of {@code version}
 * @param changedAt       that event's {@code occurred_at}
 * @param missingVersions the versions below {@code version} not applied yet, ascending; empty without a gap
 */
public record PaymentState(String paymentId, String status, String payerAccountId, String payeeAccountId,
                           String currency, Long amountMinor, long capturedMinor, long refundedMinor,
                           String declineReason, JsonNode metadata, long version, String eventId, Instant changedAt,
                           List<Long> missingVersions) {
    public PaymentState {
        Objects.requireNonNull(paymentId, "paymentId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(changedAt, "changedAt");
        missingVersions = List.copyOf(missingVersions);
    }

    /** Whether the event of {@code aggregateVersion} is already reflected in this state. */
    public boolean reflects(long aggregateVersion) {
        return aggregateVersion <= version && !missingVersions.contains(aggregateVersion);
    }
}
