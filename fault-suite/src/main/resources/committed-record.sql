-- The fault suite's own record of every committed outbox row. The relays run with OUTBOX_RETENTION_HOURS=0, so the
-- ring partitions of outbox_event are truncated as soon as every lane's cursor has passed them; this table, written in
-- the writer's own transaction, keeps what was committed for the verifier. Only the fault suite's database has it.
CREATE TABLE fault_committed (
    event_id             text        PRIMARY KEY,
    aggregate_type       text        NOT NULL,
    aggregate_id         text        NOT NULL,
    aggregate_version    bigint      NOT NULL
);
-- The hot writers re-read an aggregate's highest version here after a failed write (the outbox no longer has it).
CREATE INDEX fault_committed_by_aggregate ON fault_committed (aggregate_type, aggregate_id, aggregate_version);

CREATE FUNCTION fault_record_committed() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO fault_committed (event_id, aggregate_type, aggregate_id, aggregate_version)
    SELECT event_id, aggregate_type, aggregate_id, aggregate_version FROM inserted;
    RETURN NULL;
END
$$;

CREATE TRIGGER fault_record_committed
    AFTER INSERT ON outbox_event
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT
    EXECUTE FUNCTION fault_record_committed();
