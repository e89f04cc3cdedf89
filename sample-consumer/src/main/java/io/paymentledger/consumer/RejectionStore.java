package io.paymentledger.consumer;

import static io.paymentledger.db.jooq.Tables.CONSUMER_REJECTED_RECORD;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jooq.DSLContext;

/**
 * Refused records, written in the batch's transaction before its offsets are committed: each is recorded once (its
 * topic, partition and offset are the key) and never processed again.
 */
final class RejectionStore {

    void record(DSLContext tx, String groupId, List<RejectedRecord> rejected, Instant now) {
        if (rejected.isEmpty()) {
            return;
        }
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        var insert = tx.insertInto(CONSUMER_REJECTED_RECORD, CONSUMER_REJECTED_RECORD.CONSUMER_GROUP,
                CONSUMER_REJECTED_RECORD.TOPIC, CONSUMER_REJECTED_RECORD.KAFKA_PARTITION,
                CONSUMER_REJECTED_RECORD.KAFKA_OFFSET, CONSUMER_REJECTED_RECORD.REASON, CONSUMER_REJECTED_RECORD.DETAIL,
                CONSUMER_REJECTED_RECORD.RECORD_KEY, CONSUMER_REJECTED_RECORD.EVENT_ID,
                CONSUMER_REJECTED_RECORD.VALUE_SIZE_BYTES, CONSUMER_REJECTED_RECORD.VALUE_EXCERPT,
                CONSUMER_REJECTED_RECORD.REJECTED_AT);
        for (RejectedRecord record : rejected) {
            insert = insert.values(groupId, record.topic(), record.partition(), record.offset(),
                    record.verdict().reason().code(), record.verdict().detail(), record.key(), record.eventId(),
                    record.valueSizeBytes(), record.valueExcerpt(), at);
        }
        insert.onConflictDoNothing().execute();
    }
}
