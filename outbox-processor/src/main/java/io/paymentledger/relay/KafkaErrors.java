package io.paymentledger.relay;

import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.BrokerNotAvailableException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;

/** Classifies producer failures by exception type into the relay's outcomes. */
final class KafkaErrors {
    /**
     * The broker is down, unreachable, or cannot take writes now, or refuses this client as a whole: nothing is
     * wrong with the record. Authentication and authorization failures are here too, so a credentials mistake
     * opens the circuit instead of dead-lettering the whole stream.
     */
    private static final List<Class<? extends Exception>> TRANSPORT = List.of(TimeoutException.class,
            NetworkException.class, DisconnectException.class, NotEnoughReplicasException.class,
            NotEnoughReplicasAfterAppendException.class, NotLeaderOrFollowerException.class,
            LeaderNotAvailableException.class, BrokerNotAvailableException.class, KafkaStorageException.class,
            AuthenticationException.class, AuthorizationException.class);

    private KafkaErrors() {
    }

    /**
     * Transport failures are {@link PublishResult.Unavailable}; other retriable Kafka errors are the record's own
     * and may pass ({@link PublishResult.RetryLater}); everything else no retry fixes ({@link PublishResult.Rejected}:
     * record too large, invalid topic, serialization, ...).
     */
    static PublishResult classify(OutboxRow row, Throwable error) {
        Exception exception = error instanceof Exception e ? e : new KafkaException(error);
        for (Class<? extends Exception> transport : TRANSPORT) {
            if (transport.isInstance(error)) {
                return new PublishResult.Unavailable(row, exception);
            }
        }
        if (error instanceof RetriableException) {
            return new PublishResult.RetryLater(row, exception);
        }
        return new PublishResult.Rejected(row, exception);
    }

    /** Whether the record was refused for its size, so a dead letter must not carry it again. */
    static boolean tooLarge(Exception error) {
        return error instanceof RecordTooLargeException
                || error instanceof org.apache.kafka.common.errors.RecordBatchTooLargeException;
    }
}
