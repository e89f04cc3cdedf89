package io.paymentledger.consumer.state;

import static io.paymentledger.db.jooq.Tables.PAYMENT_STATE;
import static io.paymentledger.db.jooq.Tables.PAYMENT_STATE_REBUILD;
import static org.jooq.impl.DSL.excluded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.db.jooq.tables.records.PaymentStateRecord;
import io.paymentledger.schemas.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.SelectField;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jooq.InsertValuesStep16;

/**
 * Rows of one projection table ({@code payment_state}, or {@code payment_state_rebuild} for {@code rebuild-state})
 * for one consumer group. Rows are locked and written in payment id order, one lock order for concurrent consumers.
 */
final class PaymentStateStore {
    private static final int ROWS_PER_STATEMENT = 1_000;

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

    /** A payment's row as the batch found it: the state the batch inserted, or the one that was there (locked). */
    record Current(PaymentState state, boolean inserted) {
    }

    /**
     * Inserts each payment's {@code fresh} state, or, where the payment already has a row, locks that row and returns
     * it unchanged; by payment id. One statement through the primary key, rows in payment id order (one lock order for
     * concurrent consumers), and no lookup query whose plan would depend on fresh statistics. A row another
     * transaction is inserting is waited for, then returned as it committed.
     */
    Map<String, Current> insertOrLock(DSLContext tx, List<PaymentState> fresh, Instant now) {
        Map<String, Current> current = new LinkedHashMap<>();
        Field<Boolean> inserted = DSL.field(DSL.name("xmax"), SQLDataType.INTEGER).eq(0).as("inserted");
        List<SelectField<?>> returned = new ArrayList<>(List.of(table.fields()));
        returned.add(inserted);
        for (List<PaymentState> chunk : chunks(fresh)) {
            insertStatement(tx, chunk, now).onConflict(table.CONSUMER_GROUP, table.PAYMENT_ID).doUpdate()
                    // A no-op update: it locks the existing row and makes RETURNING give it back as it is.
                    .set(table.UPDATED_AT, table.UPDATED_AT)
                    .returningResult(returned).fetch()
                    .forEach(row -> current.put(row.get(table.PAYMENT_ID), new Current(state(row), row.get(inserted))));
        }
        return current;
    }

    /**
     * Statements of at most {@value #ROWS_PER_STATEMENT} rows: PostgreSQL takes at most 32767 bind values a statement
     * (16 a row here), above which jOOQ would inline every value as text.
     */
    private static List<List<PaymentState>> chunks(List<PaymentState> states) {
        List<List<PaymentState>> chunks = new ArrayList<>();
        for (int from = 0; from < states.size(); from += ROWS_PER_STATEMENT) {
            chunks.add(states.subList(from, Math.min(states.size(), from + ROWS_PER_STATEMENT)));
        }
        return chunks;
    }

    /**
     * Writes the new states of existing payments (locked by {@link #lock}) in one statement: an insert whose every
     * row conflicts, so each updates its payment's row to the state given.
     */
    void update(DSLContext tx, List<PaymentState> states, Instant now) {
        for (List<PaymentState> chunk : chunks(states)) {
            updateChunk(tx, chunk, now);
        }
    }

    private void updateChunk(DSLContext tx, List<PaymentState> states, Instant now) {
        insertStatement(tx, states, now).onConflict(table.CONSUMER_GROUP, table.PAYMENT_ID).doUpdate()
                .set(table.STATUS, excluded(table.STATUS))
                .set(table.PAYER_ACCOUNT_ID, excluded(table.PAYER_ACCOUNT_ID))
                .set(table.PAYEE_ACCOUNT_ID, excluded(table.PAYEE_ACCOUNT_ID))
                .set(table.CURRENCY, excluded(table.CURRENCY))
                .set(table.AMOUNT_MINOR, excluded(table.AMOUNT_MINOR))
                .set(table.CAPTURED_MINOR, excluded(table.CAPTURED_MINOR))
                .set(table.REFUNDED_MINOR, excluded(table.REFUNDED_MINOR))
                .set(table.DECLINE_REASON, excluded(table.DECLINE_REASON))
                .set(table.METADATA, excluded(table.METADATA))
                .set(table.VERSION, excluded(table.VERSION))
                .set(table.EVENT_ID, excluded(table.EVENT_ID))
                .set(table.CHANGED_AT, excluded(table.CHANGED_AT))
                .set(table.MISSING_VERSIONS, excluded(table.MISSING_VERSIONS))
                .set(table.UPDATED_AT, excluded(table.UPDATED_AT))
                .execute();
    }

    private InsertValuesStep16<PaymentStateRecord, String, String, String, String, String, String, Long, Long, Long,
            String, JSONB, Long, String, OffsetDateTime, Long[], OffsetDateTime> insertStatement(
            DSLContext tx, List<PaymentState> states, Instant now) {
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
        return insert;
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

    PaymentState state(Record row) {
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
