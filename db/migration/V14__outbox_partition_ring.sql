-- Issue 18, step 4: cleanup without per-row deletes.
-- outbox_event becomes a partitioned table. Rows published by position (status 'pending', never written again) live in
-- a ring of four partitions, outbox_event_r0 .. outbox_event_r3, as PgQ rotates its event tables: new rows go to the
-- current one; the relay retires it after a period and moves new rows to the next (empty) one; a retired partition is
-- truncated as a whole once every lane's cursor has passed all its rows and it retired before OUTBOX_RETENTION_HOURS.
-- Rows of the failure path (retrying, dead, and published from the retry set) live in outbox_event_failures, the table
-- as it was; they move there with their status change and are deleted row by row past retention, as before.
-- The writers' INSERT does not change.
--
-- Which partition a row is in follows from its id: the id sequence hands out ids in ranges of 2^36, range k going to
-- ring slot k % 4, and rotating jumps the sequence to the next range. So the writer's row needs no extra column and no
-- function call per row, ids stay increasing, and a row never changes id (the relay refers to rows by id).
--
-- Uniqueness: PostgreSQL cannot enforce a unique index across partitions when the partition key is an expression, so
-- event_id, id and (aggregate_type, aggregate_id, aggregate_version) are unique within each partition (README: the
-- contract). Writers make event ids unique (ULIDs) and take versions from their aggregate, as the ledger does.

-- 1. Identity columns cannot be on a partitioned table before PostgreSQL 17: the id comes from a sequence instead.
DO
$$
    DECLARE
        next_id bigint := nextval(pg_get_serial_sequence('outbox_event', 'id'));
    BEGIN
        ALTER TABLE outbox_event ALTER COLUMN id DROP IDENTITY;
        CREATE SEQUENCE outbox_event_id_seq AS bigint;
        PERFORM setval('outbox_event_id_seq', next_id, false);
    END
$$;

-- 2. The table as it was becomes the failures partition; the new outbox_event takes its place, with its columns,
-- defaults and checks.
ALTER TABLE outbox_event RENAME TO outbox_event_failures;
ALTER INDEX outbox_event_pkey RENAME TO outbox_event_failures_pkey;
ALTER INDEX outbox_event_event_id_unique RENAME TO outbox_event_failures_event_id_key;
ALTER INDEX outbox_event_aggregate_version_unique RENAME TO outbox_event_failures_aggregate_version_key;
DROP TRIGGER outbox_event_notify ON outbox_event_failures;

CREATE TABLE outbox_event (LIKE outbox_event_failures INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY LIST ((CASE WHEN status = 'pending' THEN (id >> 36) % 4 ELSE 4 END));
ALTER TABLE outbox_event ALTER COLUMN id SET DEFAULT nextval('outbox_event_id_seq');
ALTER SEQUENCE outbox_event_id_seq OWNED BY outbox_event.id;

-- 3. The ring. Rows already waiting (pending) have ids of range 0: they go to slot 0, the current one.
CREATE TABLE outbox_event_r0 PARTITION OF outbox_event FOR VALUES IN (0);
CREATE TABLE outbox_event_r1 PARTITION OF outbox_event FOR VALUES IN (1);
CREATE TABLE outbox_event_r2 PARTITION OF outbox_event FOR VALUES IN (2);
CREATE TABLE outbox_event_r3 PARTITION OF outbox_event FOR VALUES IN (3);
INSERT INTO outbox_event_r0 SELECT * FROM outbox_event_failures WHERE status = 'pending';
DELETE FROM outbox_event_failures WHERE status = 'pending';
ALTER TABLE outbox_event ATTACH PARTITION outbox_event_failures FOR VALUES IN (4);

ALTER TABLE outbox_event_r0 ADD CONSTRAINT outbox_event_r0_pkey PRIMARY KEY (id),
    ADD CONSTRAINT outbox_event_r0_event_id_key UNIQUE (event_id),
    ADD CONSTRAINT outbox_event_r0_aggregate_version_key UNIQUE (aggregate_type, aggregate_id, aggregate_version);
ALTER TABLE outbox_event_r1 ADD CONSTRAINT outbox_event_r1_pkey PRIMARY KEY (id),
    ADD CONSTRAINT outbox_event_r1_event_id_key UNIQUE (event_id),
    ADD CONSTRAINT outbox_event_r1_aggregate_version_key UNIQUE (aggregate_type, aggregate_id, aggregate_version);
ALTER TABLE outbox_event_r2 ADD CONSTRAINT outbox_event_r2_pkey PRIMARY KEY (id),
    ADD CONSTRAINT outbox_event_r2_event_id_key UNIQUE (event_id),
    ADD CONSTRAINT outbox_event_r2_aggregate_version_key UNIQUE (aggregate_type, aggregate_id, aggregate_version);
ALTER TABLE outbox_event_r3 ADD CONSTRAINT outbox_event_r3_pkey PRIMARY KEY (id),
    ADD CONSTRAINT outbox_event_r3_event_id_key UNIQUE (event_id),
    ADD CONSTRAINT outbox_event_r3_aggregate_version_key UNIQUE (aggregate_type, aggregate_id, aggregate_version);

-- The other indexes, on every partition (the failures partition's own ones are attached, not built again).
CREATE INDEX outbox_event_by_tx ON outbox_event (tx_id) INCLUDE (id);
CREATE INDEX outbox_event_by_aggregate_unsettled ON outbox_event (aggregate_type, aggregate_id, aggregate_version)
    WHERE status IN ('retrying', 'dead');
CREATE INDEX outbox_event_by_published_at ON outbox_event (published_at) WHERE status = 'published';

CREATE TRIGGER outbox_event_notify
    AFTER INSERT ON outbox_event
    FOR EACH STATEMENT
    EXECUTE FUNCTION outbox_event_notify();

-- The view reads the new table (same columns, same states).
CREATE OR REPLACE VIEW outbox_event_state AS
SELECT e.id, e.event_id, e.aggregate_type, e.aggregate_id, e.aggregate_version, e.event_type, e.occurred_at,
       CASE
           WHEN e.status <> 'pending' THEN e.status
           WHEN txid_visible_in_snapshot(e.tx_id, l.delivered) THEN 'published'
           WHEN l.batch_upto IS NOT NULL AND e.id <= l.batch_after
               AND txid_visible_in_snapshot(e.tx_id, l.batch_upto) THEN 'published'
           ELSE 'pending'
       END AS state,
       e.parked, e.attempts, e.next_attempt_at, e.last_error, e.first_failure_at, e.last_failure_at, e.published_at,
       e.dead_lettered_at, e.tx_id, l.lane
FROM outbox_event e
JOIN (SELECT lane, delivered::txid_snapshot AS delivered, batch_upto::txid_snapshot AS batch_upto, batch_after
      FROM outbox_lane) l ON l.lane = outbox_lane_of(e.aggregate_type, e.aggregate_id);

-- 4. The ring's state. The current slot is the one the id sequence hands out ids for; current_since is when it became
-- current, retired_at when new rows stopped going to it (kept after truncation), truncated_at when it was last emptied.
CREATE TABLE outbox_partition (
    slot                 smallint    PRIMARY KEY,
    current_since        timestamptz,
    retired_at           timestamptz,
    truncated_at         timestamptz,
    CONSTRAINT outbox_partition_slot_in_ring CHECK (slot >= 0 AND slot < 4),
    CONSTRAINT outbox_partition_current_or_retired CHECK (current_since IS NULL OR retired_at IS NULL)
);
INSERT INTO outbox_partition (slot, current_since) VALUES (0, now());
INSERT INTO outbox_partition (slot) VALUES (1), (2), (3);

-- The slot new rows go to now.
CREATE FUNCTION outbox_current_slot() RETURNS smallint
    LANGUAGE sql STABLE
    RETURN (SELECT ((last_value >> 36) % 4)::smallint FROM outbox_event_id_seq);

-- Records the slot the sequence hands out as the current one, if it is not yet (the sequence moved on its own after
-- 2^36 ids, or a rotation's sequence jump outlived its transaction): the one before retires at `at`, which errs on the
-- side of keeping rows longer.
CREATE FUNCTION outbox_partition_catch_up(at timestamptz) RETURNS smallint
    LANGUAGE plpgsql AS
$$
DECLARE
    current_slot smallint := outbox_current_slot();
BEGIN
    UPDATE outbox_partition SET current_since = NULL, retired_at = at
    WHERE current_since IS NOT NULL AND slot <> current_slot;
    UPDATE outbox_partition SET current_since = at, retired_at = NULL
    WHERE slot = current_slot AND current_since IS NULL;
    RETURN current_slot;
END
$$;

-- Rotates the ring if the current slot has been current for `period`, holds rows, and the next slot's partition is
-- empty: the current slot retires at `at`, and the sequence jumps to the next slot's range. Returns the new current
-- slot, or null when it did not rotate. Relays call it concurrently: the ring's rows are locked first.
CREATE FUNCTION outbox_rotate(at timestamptz, period interval) RETURNS smallint
    LANGUAGE plpgsql AS
$$
DECLARE
    current_slot smallint;
    next_slot    smallint;
    since        timestamptz;
    current_used boolean;
    next_used    boolean;
BEGIN
    PERFORM 1 FROM outbox_partition ORDER BY slot FOR UPDATE;
    current_slot := outbox_partition_catch_up(at);
    SELECT current_since INTO since FROM outbox_partition WHERE slot = current_slot;
    EXECUTE format('SELECT EXISTS (SELECT FROM %I)', 'outbox_event_r' || current_slot) INTO current_used;
    IF since > at - period OR NOT current_used THEN
        RETURN NULL; -- not due, or nothing to retire: an idle outbox spends no ids
    END IF;
    next_slot := (current_slot + 1) % 4;
    EXECUTE format('SELECT EXISTS (SELECT FROM %I)', 'outbox_event_r' || next_slot) INTO next_used;
    IF next_used THEN
        RETURN NULL;
    END IF;
    UPDATE outbox_partition SET current_since = NULL, retired_at = at WHERE slot = current_slot;
    UPDATE outbox_partition SET current_since = at, retired_at = NULL WHERE slot = next_slot;
    PERFORM setval('outbox_event_id_seq',
                   (((SELECT last_value FROM outbox_event_id_seq) >> 36) + 1) << 36, false);
    RETURN next_slot;
END
$$;

-- Truncates every retired ring partition that retired at or before `cutoff` and whose rows every lane's cursor has
-- passed: all their transactions ended before the oldest cursor snapshot was taken (its xmin). The partition is locked
-- first (waiting at most `lock_wait`), so no transaction still holds an uncommitted row in it and none adds one until
-- the truncation commits; a partition that stays busy is tried again on the next run. Returns the truncated slots.
CREATE FUNCTION outbox_truncate_passed(cutoff timestamptz, lock_wait interval, at timestamptz) RETURNS smallint[]
    LANGUAGE plpgsql AS
$$
DECLARE
    candidate smallint;
    passed    bigint;
    newest    bigint;
    used      boolean;
    truncated smallint[] := '{}';
BEGIN
    PERFORM 1 FROM outbox_partition ORDER BY slot FOR UPDATE;
    PERFORM outbox_partition_catch_up(at);
    SELECT min(outbox_snapshot_xmin(delivered)) INTO passed FROM outbox_lane;
    FOR candidate IN SELECT slot FROM outbox_partition
                     WHERE retired_at <= cutoff AND slot <> outbox_current_slot() ORDER BY retired_at
        LOOP
            EXECUTE format('SELECT EXISTS (SELECT FROM %I)', 'outbox_event_r' || candidate) INTO used;
            CONTINUE WHEN NOT used;
            BEGIN
                PERFORM set_config('lock_timeout', (extract(epoch FROM lock_wait) * 1000)::bigint || 'ms', true);
                EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', 'outbox_event_r' || candidate);
                EXECUTE format('SELECT max(tx_id) FROM %I', 'outbox_event_r' || candidate) INTO newest;
                IF newest < passed THEN
                    EXECUTE format('TRUNCATE %I', 'outbox_event_r' || candidate);
                    UPDATE outbox_partition SET truncated_at = at WHERE slot = candidate;
                    truncated := truncated || candidate;
                END IF;
            EXCEPTION
                WHEN lock_not_available THEN
                    NULL; -- a transaction is still using the partition: try again on the next run
            END;
        END LOOP;
    RETURN truncated;
END
$$;
