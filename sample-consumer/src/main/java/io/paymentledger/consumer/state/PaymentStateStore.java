package io.paymentledger.consumer.state;

import static io.paymentledger.db.jooq.Tables.PAYMENT_STATE;
import static io.paymentledger.db.jooq.Tables.PAYMENT_STATE_REBUILD;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.db.jooq.tables.records.PaymentStateRecord;
import io.paymentledger.schemas.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Query;

/**
 * Rows of one projection table ({@code payment_state}, or {@code payment_state_rebuild} for {@code rebuild-state})
 * for one consumer group. Rows are locked and written in payment id order, one lock order for concurrent consumers.
 */
final class PaymentStateStore {
    private final io.paymentledger.db.jooq.tables.PaymentState table;
    private final String groupId;

    private PaymentStateStore(io.paymentledger.db.jooq.tables.PaymentState table, String groupId) {
        this.table = table;
        this.groupId = groupId;
    }

    static PaymentStateStore live(String groupId) {
        return new PaymentStateStore(PAYMENT_STATE, groupId);
    }

    static PaymentStateStore rebuild(String groupId) {
        return new PaymentStateStore(PAYMENT_STATE.rename(PAYMENT_STATE_REBUILD), groupId);
    }

    String tableName() {
        return table.getName();
    }

    /** The states of {@code paymentIds} that exist, locked until the transaction ends. */
    Map<String, PaymentState> lock(DSLContext tx, Collection<String> paymentIds) {
        Map<String, PaymentState> states = new LinkedHashMap<>();
        tx.selectFrom(table).where(table.CONSUMER_GROUP.eq(groupId)).and(table.PAYMENT_ID.in(paymentIds))
                .orderBy(table.PAYMENT_ID).forUpdate()
                .forEach(row -> states.put(row.get(table.PAYMENT_ID), state(row)));
        return states;
    }

    /** Inserts the states of new payments; returns the ids inserted (the others were created meanwhile). */
    Set<String> insert(DSLContext tx, List<PaymentState> states, Instant now) {
        if (states.isEmpty()) {
            return Set.of();
        }
        var insert = tx.insertInto(table, table.CONSUMER_GROUP, table.PAYMENT_ID, table.STATUS,
                table.PAYER_ACCOUNT_ID, table.PAYEE_ACCOUNT_ID, table.CURRENCY, table.AMOUNT_MINOR,
                table.CAPTURED_MINOR, table.REFUNDED_MINOR, table.DECLINE_REASON, table.METADATA, table.VERSION,
                table.EVENT_ID, table.CHANGED_AT, table.MISSING_VERSIONS, table.UPDATED_AT);
        OffsetDateTime at = utc(now);
        for (PaymentState s : states) {
            insert = insert.values(groupId, s.paymentId(), s.status(), s.payerAccountId(), s.payeeAccountId(),
                    s.currency(), s.amountMinor(), s.capturedMinor(), s.refundedMinor(), s.declineReason(),
                    jsonb(s.metadata()), s.version(), s.eventId(), utc(s.changedAt()), missing(s), at);
        }
        return insert.onConflictDoNothing().returningResult(table.PAYMENT_ID).fetch().stream()
                .map(row -> row.value1()).collect(Collectors.toSet());
    }

    /** Writes the new states of existing payments (locked by {@link #lock}). */
    void update(DSLContext tx, List<PaymentState> states, Instant now) {
        if (states.isEmpty()) {
            return;
        }
        OffsetDateTime at = utc(now);
        List<Query> updates = states.stream().map(s -> (Query) tx.update(table)
                .set(table.STATUS, s.status())
                .set(table.PAYER_ACCOUNT_ID, s.payerAccountId())
                .set(table.PAYEE_ACCOUNT_ID, s.payeeAccountId())
                .set(table.CURRENCY, s.currency())
                .set(table.AMOUNT_MINOR, s.amountMinor())
                .set(table.CAPTURED_MINOR, s.capturedMinor())
                .set(table.REFUNDED_MINOR, s.refundedMinor())
                .set(table.DECLINE_REASON, s.declineReason())
                .set(table.METADATA, jsonb(s.metadata()))
                .set(table.VERSION, s.version())
                .set(table.EVENT_ID, s.eventId())
                .set(table.CHANGED_AT, utc(s.changedAt()))
                .set(table.MISSING_VERSIONS, missing(s))
                .set(table.UPDATED_AT, at)
                .where(table.CONSUMER_GROUP.eq(groupId)).and(table.PAYMENT_ID.eq(s.paymentId()))).toList();
        tx.batch(updates).execute();
    }

    Optional<PaymentState> find(DSLContext dsl, String paymentId) {
        return dsl.selectFrom(table).where(table.CONSUMER_GROUP.eq(groupId)).and(table.PAYMENT_ID.eq(paymentId))
                .fetchOptional().map(this::state);
    }

    /** Deletes every row of the group: a rebuild starts from an empty table. */
    int clear(DSLContext dsl) {
        return dsl.deleteFrom(table).where(table.CONSUMER_GROUP.eq(groupId)).execute();
    }

    /** Every state of the group in payment id order, fetched {@code fetchSize} rows at a time; close it. */
    Cursor<PaymentStateRecord> inOrder(DSLContext tx, int fetchSize) {
        // Byte order ("C"), whatever the database's collation: the comparison walks both tables by String order.
        return tx.selectFrom(table).where(table.CONSUMER_GROUP.eq(groupId)).orderBy(table.PAYMENT_ID.collate("C"))
                .fetchSize(fetchSize).fetchLazy();
    }

    PaymentState state(PaymentStateRecord row) {
        JSONB metadata = row.get(table.METADATA);
        return new PaymentState(row.get(table.PAYMENT_ID), row.get(table.STATUS), row.get(table.PAYER_ACCOUNT_ID),
                row.get(table.PAYEE_ACCOUNT_ID), row.get(table.CURRENCY), row.get(table.AMOUNT_MINOR),
                row.get(table.CAPTURED_MINOR), row.get(table.REFUNDED_MINOR), row.get(table.DECLINE_REASON),
                metadata == null ? null : parse(metadata), row.get(table.VERSION), row.get(table.EVENT_ID),
                row.get(table.CHANGED_AT).toInstant(), Arrays.asList(row.get(table.MISSING_VERSIONS)));
    }

    private static JsonNode parse(JSONB metadata) {
        try {
            return Json.mapper().readTree(metadata.data());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("payment_state.metadata is not JSON: " + e.getMessage(), e);
        }
    }

    private static JSONB jsonb(JsonNode metadata) {
        return metadata == null ? null : JSONB.valueOf(metadata.toString());
    }

    private static Long[] missing(PaymentState state) {
        return state.missingVersions().toArray(Long[]::new);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
