package io.paymentledger.consumer;

import static io.paymentledger.db.jooq.Tables.CONSUMER_INBOX;
import static io.paymentledger.db.jooq.Tables.NOTIFICATION;

import java.time.Instant;
import java.time.ZoneOffset;
import org.jooq.DSLContext;

/**
 * The inbox and its side effect. The inbox row (group, event id) and the notification are written in the same
 * transaction, so a redelivered event finds its inbox row and produces nothing.
 */
final class NotificationStore {

    /** Applies the event once; false when this group already processed that event id. */
    boolean applyOnce(DSLContext tx, String groupId, Envelope envelope, Instant now) {
        int inserted = tx.insertInto(CONSUMER_INBOX)
                .set(CONSUMER_INBOX.CONSUMER_GROUP, groupId)
                .set(CONSUMER_INBOX.EVENT_ID, envelope.eventId())
                .set(CONSUMER_INBOX.EVENT_TYPE, envelope.eventType())
                .set(CONSUMER_INBOX.AGGREGATE_ID, envelope.aggregateId())
                .set(CONSUMER_INBOX.AGGREGATE_VERSION, envelope.aggregateVersion())
                .set(CONSUMER_INBOX.PROCESSED_AT, now.atOffset(ZoneOffset.UTC))
                .onConflictDoNothing()
                .execute();
        if (inserted == 0) {
            return false;
        }
        tx.insertInto(NOTIFICATION)
                .set(NOTIFICATION.CONSUMER_GROUP, groupId)
                .set(NOTIFICATION.EVENT_ID, envelope.eventId())
                .set(NOTIFICATION.MESSAGE, NotificationMessages.of(envelope))
                .set(NOTIFICATION.CREATED_AT, now.atOffset(ZoneOffset.UTC))
                .execute();
        return true;
    }
}
