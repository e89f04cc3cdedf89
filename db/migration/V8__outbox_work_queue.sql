-- Issue 8: the relay's work queue moves out of outbox_event's indexes into outbox_work, kept by triggers.
--
-- Why: marking a row published changed `status`, which the partial pending, unsettled and published_at indexes
-- used. PostgreSQL then cannot write the change as a heap-only (HOT) update: every index of the table, three of them
-- unique (primary key, event_id, aggregate version), got a new entry with its uniqueness check. That was the
-- largest single cost of a relay pass (about 40 us a row). With no index on any column the relay changes, the mark
-- is a HOT update (about 10 us a row) and the queue's bookkeeping is a delete from a narrow table.
--
-- outbox_work holds exactly the unsettled outbox rows (status <> 'published'), with the columns the relay scans and
-- orders by. Triggers on outbox_event keep it so whoever writes: a service's INSERT, the relay's marks, an
-- operator's UPDATE or DELETE. Writers keep inserting into outbox_event exactly as before; nobody writes
-- outbox_work directly. outbox_event's columns, constraints and meanings do not change.
CREATE TABLE outbox_work (
    id                   bigint      NOT NULL PRIMARY KEY,
    aggregate_type       text        NOT NULL,
    aggregate_id         text        NOT NULL,
    aggregate_version    bigint      NOT NULL,
    status               text        NOT NULL,
    parked               boolean     NOT NULL
);
-- Per-aggregate order: an aggregate's head is its lowest version here that is pending or parked.
CREATE INDEX outbox_work_aggregate_idx ON outbox_work (aggregate_type, aggregate_id, aggregate_version);

-- A queue: rows are inserted and deleted all the time. Vacuum early and often.
ALTER TABLE outbox_work SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);

INSERT INTO outbox_work (id, aggregate_type, aggregate_id, aggregate_version, status, parked)
SELECT id, aggregate_type, aggregate_id, aggregate_version, status, parked
FROM outbox_event
WHERE status <> 'published';

-- Statement-level triggers with transition tables: one set-based statement per writer statement, not a call per
-- row. Ids are looked up with = ANY(ARRAY(...)) so the queue's primary key is used whatever the statistics say.
CREATE FUNCTION outbox_work_after_insert() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO outbox_work (id, aggregate_type, aggregate_id, aggregate_version, status, parked)
    SELECT id, aggregate_type, aggregate_id, aggregate_version, status, parked
    FROM inserted_rows
    WHERE status <> 'published';
    RETURN NULL;
END
$$;

CREATE FUNCTION outbox_work_after_update() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM outbox_work
    WHERE id = ANY (ARRAY(SELECT id FROM updated_rows WHERE status = 'published'));
    INSERT INTO outbox_work AS w (id, aggregate_type, aggregate_id, aggregate_version, status, parked)
    SELECT id, aggregate_type, aggregate_id, aggregate_version, status, parked
    FROM updated_rows
    WHERE status <> 'published'
    ON CONFLICT (id) DO UPDATE
        SET aggregate_type = EXCLUDED.aggregate_type, aggregate_id = EXCLUDED.aggregate_id,
            aggregate_version = EXCLUDED.aggregate_version, status = EXCLUDED.status, parked = EXCLUDED.parked
        WHERE (w.aggregate_type, w.aggregate_id, w.aggregate_version, w.status, w.parked)
            IS DISTINCT FROM (EXCLUDED.aggregate_type, EXCLUDED.aggregate_id, EXCLUDED.aggregate_version,
                              EXCLUDED.status, EXCLUDED.parked);
    RETURN NULL;
END
$$;

CREATE FUNCTION outbox_work_after_delete() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM outbox_work
    WHERE id = ANY (ARRAY(SELECT id FROM deleted_rows WHERE status <> 'published'));
    RETURN NULL;
END
$$;

CREATE FUNCTION outbox_work_after_truncate() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    TRUNCATE outbox_work;
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_work_after_insert AFTER INSERT ON outbox_event
    REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION outbox_work_after_insert();
CREATE TRIGGER outbox_work_after_update AFTER UPDATE ON outbox_event
    REFERENCING NEW TABLE AS updated_rows FOR EACH STATEMENT EXECUTE FUNCTION outbox_work_after_update();
CREATE TRIGGER outbox_work_after_delete AFTER DELETE ON outbox_event
    REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION outbox_work_after_delete();
CREATE TRIGGER outbox_work_after_truncate AFTER TRUNCATE ON outbox_event
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_work_after_truncate();

-- No index of outbox_event may cover a column the relay changes, or its updates stop being HOT.
DROP INDEX outbox_event_pending_idx;
DROP INDEX outbox_event_unsettled_idx;
DROP INDEX outbox_event_published_at_idx;
-- Retention finds old published rows by published_at. BRIN is a summarizing index: since PostgreSQL 16 an update
-- that changes only such columns is still HOT. Published rows sit roughly in publication order, so it is selective.
CREATE INDEX outbox_event_published_at_brin ON outbox_event USING brin (published_at) WITH (autosummarize = on);

-- A HOT update needs room on the row's own page: half-full pages leave room for each row's one change of status.
-- Applies to pages written from now on; retention turns the table over by itself.
ALTER TABLE outbox_event SET (fillfactor = 50);
