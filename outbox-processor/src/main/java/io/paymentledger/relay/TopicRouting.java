package io.paymentledger.relay;

import io.paymentledger.config.KafkaConfig;
import java.util.Locale;

/** Which topic an outbox row goes to ({@code OUTBOX_TOPIC_ROUTING}). */
public enum TopicRouting {
    /** {@code <prefix>.<event_type lower-cased>}, e.g. {@code payments.paymentauthorized}. */
    EVENT_TYPE,
    /**
     * {@code <prefix>.<aggregate_type lower-cased>}, e.g. {@code payments.payment}: all of an aggregate's events on one
     * topic and partition, so consumers read them in version order.
     */
    AGGREGATE_TYPE;

    String topic(KafkaConfig kafka, String eventType, String aggregateType) {
        return kafka.topic(key(eventType, aggregateType).toLowerCase(Locale.ROOT));
    }

    /** The column value that picks the topic: the event type, or the aggregate type. */
    String key(String eventType, String aggregateType) {
        return this == EVENT_TYPE ? eventType : aggregateType;
    }
}
