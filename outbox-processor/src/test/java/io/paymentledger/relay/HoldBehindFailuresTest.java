package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

class HoldBehindFailuresTest {
    private static OutboxRow row(long id, String aggregateId, long version) {
        return new OutboxRow(id, "01J00000000000000000000" + String.format("%03d", id), "Payment", aggregateId,
                version, "PaymentAuthorized", 1, "{}", null, Instant.EPOCH, 0, null);
    }

    @Test
    void laterFailuresOfAnAggregateAreHeldSoOnlyItsHeadSpendsAnAttempt() {
        List<PublishResult> results = List.of(
                new PublishResult.RetryLater(row(1, "a", 1), new UnknownTopicOrPartitionException("no topic")),
                new PublishResult.Rejected(row(2, "a", 2), new RecordTooLargeException("too large")),
                new PublishResult.RetryLater(row(3, "b", 1), new UnknownTopicOrPartitionException("no topic")));

        List<PublishResult> held = Settlement.holdBehindFailures(results);

        assertThat(held.get(0)).isInstanceOf(PublishResult.RetryLater.class);
        assertThat(held.get(1)).isEqualTo(new PublishResult.Held(row(2, "a", 2)));
        assertThat(held.get(2)).isInstanceOf(PublishResult.RetryLater.class);
    }

    @Test
    void outagesAndSuccessesAreKeptAsTheyAre() {
        TimeoutException outage = new TimeoutException("broker down");
        List<PublishResult> results = List.of(
                new PublishResult.Published(row(1, "a", 1)),
                new PublishResult.Unavailable(row(2, "a", 2), outage),
                new PublishResult.Unavailable(row(3, "a", 3), outage),
                new PublishResult.Published(row(4, "b", 1)));

        assertThat(Settlement.holdBehindFailures(results)).isEqualTo(results);
    }
}
