package io.paymentledger.ledger;

import static io.paymentledger.db.jooq.Tables.ACCOUNT;
import static io.paymentledger.db.jooq.Tables.IDEMPOTENCY_KEY;
import static io.paymentledger.db.jooq.Tables.JOURNAL_ENTRY;
import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;
import static io.paymentledger.db.jooq.Tables.PAYMENT;
import static io.paymentledger.db.jooq.Tables.POSTING;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.db.jooq.tables.records.OutboxEventRecord;
import io.paymentledger.schemas.Json;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;

/**
 * What the ledger has written, counted table by table, with every account's balances: two equal snapshots around a
 * command prove it wrote nothing.
 */
record LedgerRows(int payments, int journalEntries, int postings, int outboxEvents, int idempotencyKeys,
                  Map<String, List<Long>> balances) {

    static LedgerRows of(DSLContext dsl) {
        return new LedgerRows(dsl.fetchCount(PAYMENT), dsl.fetchCount(JOURNAL_ENTRY), dsl.fetchCount(POSTING),
                dsl.fetchCount(OUTBOX_EVENT), dsl.fetchCount(IDEMPOTENCY_KEY),
                dsl.select(ACCOUNT.ACCOUNT_ID, ACCOUNT.POSTED_MINOR, ACCOUNT.HELD_MINOR).from(ACCOUNT)
                        .fetchMap(row -> row.value1(), row -> List.of(row.value2(), row.value3())));
    }

    /** The payment's outbox rows by aggregate version. */
    static List<OutboxEventRecord> events(DSLContext dsl, String paymentId) {
        return dsl.selectFrom(OUTBOX_EVENT).where(OUTBOX_EVENT.AGGREGATE_ID.eq(paymentId))
                .orderBy(OUTBOX_EVENT.AGGREGATE_VERSION).fetch();
    }

    static JsonNode payload(OutboxEventRecord event) {
        try {
            return Json.mapper().readTree(event.getPayload().data());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("outbox payload is jsonb, so always JSON", e);
        }
    }
}
