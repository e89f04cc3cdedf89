package io.paymentledger.relay;

import static io.paymentledger.db.jooq.Tables.OUTBOX_RELAY_INSTANCE;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.paymentledger.schemas.Json;
import java.time.Instant;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/** The live relay instances ({@code outbox_relay_instance}): heartbeats and sign-off. */
final class InstanceStore {
    private final DSLContext dsl;

    InstanceStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * Records that {@code instance} is alive, for operators' {@code status}, with the topics whose rows it holds
     * because they are missing.
     */
    void heartbeat(String instance, Instant startedAt, Instant now, String circuitState,
                   List<MissingTopics.Topic> missingTopics) {
        JSONB missing = missingTopicsJson(missingTopics);
        dsl.insertInto(OUTBOX_RELAY_INSTANCE)
                .set(OUTBOX_RELAY_INSTANCE.INSTANCE_ID, instance)
                .set(OUTBOX_RELAY_INSTANCE.STARTED_AT, OutboxRows.utc(startedAt))
                .set(OUTBOX_RELAY_INSTANCE.HEARTBEAT_AT, OutboxRows.utc(now))
                .set(OUTBOX_RELAY_INSTANCE.CIRCUIT_STATE, circuitState)
                .set(OUTBOX_RELAY_INSTANCE.MISSING_TOPICS, missing)
                .onConflict(OUTBOX_RELAY_INSTANCE.INSTANCE_ID)
                .doUpdate()
                .set(OUTBOX_RELAY_INSTANCE.STARTED_AT, OutboxRows.utc(startedAt))
                .set(OUTBOX_RELAY_INSTANCE.HEARTBEAT_AT, OutboxRows.utc(now))
                .set(OUTBOX_RELAY_INSTANCE.CIRCUIT_STATE, circuitState)
                .set(OUTBOX_RELAY_INSTANCE.MISSING_TOPICS, missing)
                .execute();
    }

    private static JSONB missingTopicsJson(List<MissingTopics.Topic> topics) {
        ArrayNode array = Json.mapper().createArrayNode();
        for (MissingTopics.Topic topic : topics) {
            array.addObject().put("topic", topic.topic()).put("reason", topic.reason())
                    .put("since", topic.since().toString()).put("rows_held", topic.rowsHeld());
        }
        return JSONB.valueOf(array.toString());
    }

    /** Removes a stopped instance from the live list. */
    void signOff(String instance) {
        dsl.deleteFrom(OUTBOX_RELAY_INSTANCE).where(OUTBOX_RELAY_INSTANCE.INSTANCE_ID.eq(instance)).execute();
    }

}
