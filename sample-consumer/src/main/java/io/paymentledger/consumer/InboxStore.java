package io.paymentledger.consumer;

import static io.paymentledger.db.jooq.Tables.CONSUMER_INBOX;
import static io.paymentledger.db.jooq.Tables.NOTIFICATION;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.DSLContext;

/**
 * The inbox and its side effect, a batch at a time. Inbox rows (group, event id) and notifications are written in
 * the caller's transaction with one statement each, so an event already in the inbox (a duplicate in the batch, a
 * redelivery after a crash or a rebalance) produces nothing.
 */
final class InboxStore {

    /**
     * Which envelopes were applied now, in arrival order, and which were duplicates.
     *
     * @param duplicates later copies within the batch and events this group had already processed
     */
    record BatchResult(List<Envelope> applied, List<Envelope> duplicates) {
    }

    /** @param traceIds each event's trace id by event id, stored with its notification (absent: none) */
    BatchResult applyOnce(DSLContext tx, String groupId, List<Envelope> envelopes, Instant now,
                          Map<String, String> traceIds) {
        Map<String, Envelope> firsts = new LinkedHashMap<>();
        List<Envelope> duplicates = new ArrayList<>();
        for (Envelope envelope : envelopes) {
            if (firsts.putIfAbsent(envelope.eventId(), envelope) != null) {
                duplicates.add(envelope);
            }
        }
        if (firsts.isEmpty()) {
            return new BatchResult(List.of(), duplicates);
        }
        Set<String> inserted = insertInbox(tx, groupId, firsts.values(), now.atOffset(ZoneOffset.UTC));
        List<Envelope> applied = new ArrayList<>(inserted.size());
        for (Envelope envelope : firsts.values()) {
            (inserted.contains(envelope.eventId()) ? applied : duplicates).add(envelope);
        }
        insertNotifications(tx, groupId, applied, now.atOffset(ZoneOffset.UTC), traceIds);
        return new BatchResult(applied, duplicates);
    }

    /** Inserts in event id order (one lock order for concurrent consumers); returns the ids that were new. */
    private static Set<String> insertInbox(DSLContext tx, String groupId, java.util.Collection<Envelope> envelopes,
                                           OffsetDateTime at) {
        var insert = tx.insertInto(CONSUMER_INBOX, CONSUMER_INBOX.CONSUMER_GROUP, CONSUMER_INBOX.EVENT_ID,
                CONSUMER_INBOX.EVENT_TYPE, CONSUMER_INBOX.AGGREGATE_ID, CONSUMER_INBOX.AGGREGATE_VERSION,
                CONSUMER_INBOX.PROCESSED_AT);
        for (Envelope envelope : envelopes.stream().sorted(Comparator.comparing(Envelope::eventId)).toList()) {
            insert = insert.values(groupId, envelope.eventId(), envelope.eventType(), envelope.aggregateId(),
                    envelope.aggregateVersion(), at);
        }
        return insert.onConflictDoNothing().returningResult(CONSUMER_INBOX.EVENT_ID).fetch().stream()
                .map(row -> row.value1()).collect(Collectors.toSet());
    }

    private static void insertNotifications(DSLContext tx, String groupId, List<Envelope> applied, OffsetDateTime at,
                                            Map<String, String> traceIds) {
        if (applied.isEmpty()) {
            return;
        }
        var insert = tx.insertInto(NOTIFICATION, NOTIFICATION.CONSUMER_GROUP, NOTIFICATION.EVENT_ID,
                NOTIFICATION.MESSAGE, NOTIFICATION.CREATED_AT, NOTIFICATION.TRACE_ID);
        for (Envelope envelope : applied) {
            insert = insert.values(groupId, envelope.eventId(), NotificationMessages.of(envelope), at,
                    traceIds.get(envelope.eventId()));
        }
        insert.execute();
    }
}
