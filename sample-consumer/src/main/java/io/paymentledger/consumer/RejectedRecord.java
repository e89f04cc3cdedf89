package io.paymentledger.consumer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record the consumer refused, as stored in {@code consumer_rejected_record}.
 *
 * @param eventId      the event id when the value could be read that far, else null
 * @param valueExcerpt the value's first {@value #EXCERPT_CHARS} characters (invalid UTF-8 replaced), or null
 */
record RejectedRecord(String topic, int partition, long offset, String key, Validation.Invalid verdict,
                      String eventId, int valueSizeBytes, String valueExcerpt) {
    static final int EXCERPT_CHARS = 2_000;

    /** Text fields are made storable: PostgreSQL text cannot hold NUL, and a bad record must never fail its batch. */
    static RejectedRecord of(ConsumerRecord<String, byte[]> record, Validation.Invalid verdict) {
        byte[] value = record.value();
        Validation.Invalid storable = new Validation.Invalid(verdict.reason(), storable(verdict.detail()),
                storable(verdict.eventId()));
        return new RejectedRecord(record.topic(), record.partition(), record.offset(), storable(record.key()),
                storable, storable.eventId(), value == null ? 0 : value.length, excerpt(value));
    }

    private static String storable(String text) {
        return text == null ? null : text.replace('\u0000', '\uFFFD');
    }

    private static String excerpt(byte[] value) {
        if (value == null) {
            return null;
        }
        int length = Math.min(value.length, EXCERPT_CHARS * 4);
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            String text = storable(decoder.decode(ByteBuffer.wrap(value, 0, length)).toString());
            return text.length() > EXCERPT_CHARS ? text.substring(0, EXCERPT_CHARS) : text;
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder never throws", e);
        }
    }
}
