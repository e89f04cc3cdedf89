package io.paymentledger.faults;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT_STATE;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The fault suite's record of every committed outbox row ({@code committed-record.sql}): a table filled by a trigger in
 * the writer's transaction. The relays truncate delivered rows within seconds (they run with
 * {@code OUTBOX_RETENTION_HOURS=0}), so the outbox itself cannot say at the end what was committed.
 */
final class CommittedRecord {
    /** The state of a committed row whose partition was truncated: every lane's cursor had passed it. */
    static final String TRUNCATED = "truncated";

    private static final Table<?> COMMITTED = DSL.table(DSL.name("fault_committed"));
    private static final Field<String> EVENT_ID = DSL.field(DSL.name("fault_committed", "event_id"),
            SQLDataType.VARCHAR);
    private static final Field<String> AGGREGATE_TYPE = DSL.field(DSL.name("fault_committed", "aggregate_type"),
            SQLDataType.VARCHAR);
    private static final Field<String> AGGREGATE_ID = DSL.field(DSL.name("fault_committed", "aggregate_id"),
            SQLDataType.VARCHAR);
    private static final Field<Long> AGGREGATE_VERSION = DSL.field(DSL.name("fault_committed", "aggregate_version"),
            SQLDataType.BIGINT);

    private CommittedRecord() {
    }

    /** Creates the record's table and trigger in a freshly migrated database, before anything is written. */
    static void install(DSLContext dsl) {
        try (InputStream sql = CommittedRecord.class.getResourceAsStream("/committed-record.sql")) {
            if (sql == null) {
                throw new IllegalStateException("committed-record.sql is missing from the fault suite's jar");
            }
            dsl.execute(new String(sql.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every committed row, with its state now, or {@link #TRUNCATED} once its partition was truncated. */
    static List<Verifier.Committed> all(DSLContext dsl) {
        return dsl.select(EVENT_ID, AGGREGATE_TYPE, AGGREGATE_ID, AGGREGATE_VERSION,
                        DSL.coalesce(OUTBOX_EVENT_STATE.STATE, DSL.inline(TRUNCATED)))
                .from(COMMITTED)
                .leftJoin(OUTBOX_EVENT_STATE).on(OUTBOX_EVENT_STATE.EVENT_ID.eq(EVENT_ID))
                .fetch(r -> new Verifier.Committed(r.value1(), r.value2(), r.value3(), r.value4(), r.value5()));
    }

    /** The highest version of the aggregate ever committed, 0 for none. */
    static long highestVersion(DSLContext dsl, String aggregateType, String aggregateId) {
        Long highest = dsl.select(DSL.max(AGGREGATE_VERSION)).from(COMMITTED)
                .where(AGGREGATE_TYPE.eq(aggregateType), AGGREGATE_ID.eq(aggregateId))
                .fetchOne(0, Long.class);
        return highest == null ? 0 : highest;
    }

    static int count(DSLContext dsl) {
        return dsl.fetchCount(COMMITTED);
    }
}
