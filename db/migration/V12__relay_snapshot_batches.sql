-- Issue 18, step 3: nothing written per row on the success path.
-- A lane's progress is a transaction snapshot (outbox_lane.delivered): every row of the lane whose transaction is visible
-- in it was delivered. A batch is the lane's rows whose transaction is visible in a newer snapshot (batch_upto) and not
-- in delivered, read in id order; batch_after is the last id of the batch delivered so far. One UPDATE of outbox_lane per
-- page acknowledges it, so published rows are published by position and never written. This is PgQ's batch
-- (pgq.batch_event_sql): exact under any commit order, and a transaction held open for minutes loses nothing and stalls
-- nobody, because its rows come with the first snapshot that sees it committed.
-- Only failures write rows: a failed row, and the later rows of its aggregate, move to the retry set (status 'retrying').
-- A row's state is the view outbox_event_state.

-- The writer's transaction, filled in by the default: the writers' INSERT does not change.
ALTER TABLE outbox_event ADD COLUMN tx_id bigint;
ALTER TABLE outbox_event ALTER COLUMN tx_id SET DEFAULT txid_current();

-- 'pending' now means "delivered by position": published once its lane's cursor passes it (see outbox_event_state).
-- Rows still waiting from before this migration have no tx_id: they go through the retry set once, in version order.
ALTER TABLE outbox_event DROP CONSTRAINT outbox_event_status_known;
ALTER TABLE outbox_event DROP CONSTRAINT outbox_event_only_dead_rows_park;
UPDATE outbox_event SET status = 'retrying' WHERE status = 'pending';
ALTER TABLE outbox_event ADD CONSTRAINT outbox_event_status_known
    CHECK (status IN ('pending', 'retrying', 'published', 'dead'));
ALTER TABLE outbox_event ADD CONSTRAINT outbox_event_only_dead_rows_park CHECK (NOT parked OR status = 'dead');
ALTER TABLE outbox_event ADD CONSTRAINT outbox_event_pending_has_tx CHECK (status <> 'pending' OR tx_id IS NOT NULL);

-- Batches are found by transaction; the pending index goes (every new row is 'pending'), the unsettled index keeps only
-- the failure path's rows, so it stays as small as the failures.
DROP INDEX outbox_event_pending_idx;
DROP INDEX outbox_event_unsettled_idx;
CREATE INDEX outbox_event_tx_idx ON outbox_event (tx_id) INCLUDE (id);
CREATE INDEX outbox_event_unsettled_idx ON outbox_event (aggregate_type, aggregate_id, aggregate_version)
    WHERE status IN ('retrying', 'dead');

-- Claims are gone: a lane's batch is read only by the instance that leases the lane, and its cursor write is fenced by
-- the lane's epoch.
DROP TABLE outbox_claim;

ALTER TABLE outbox_lane ADD COLUMN delivered text;
ALTER TABLE outbox_lane ADD COLUMN batch_upto text;
ALTER TABLE outbox_lane ADD COLUMN batch_after bigint;
ALTER TABLE outbox_lane ADD COLUMN batch_high bigint;
UPDATE outbox_lane SET delivered = txid_current_snapshot()::text;
ALTER TABLE outbox_lane ALTER COLUMN delivered SET NOT NULL;
ALTER TABLE outbox_lane ADD CONSTRAINT outbox_lane_batch_whole
    CHECK ((batch_upto IS NULL) = (batch_after IS NULL) AND (batch_upto IS NULL) = (batch_high IS NULL));

-- The current snapshot, as text (the relay stores it in outbox_lane).
CREATE FUNCTION outbox_snapshot() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN txid_current_snapshot()::text;

-- Whether transaction tx_id committed after snapshot since and by snapshot upto: its rows belong to that batch.
CREATE FUNCTION outbox_in_batch(tx_id bigint, since text, upto text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN txid_visible_in_snapshot(tx_id, upto::txid_snapshot)
        AND NOT txid_visible_in_snapshot(tx_id, since::txid_snapshot);

-- The bounds of a snapshot: transactions below xmin had ended when it was taken, xmax was the next to start, and xip
-- lists those between that were still running. A batch's transactions are [xmax(since), xmax(upto)) and xip(since).
CREATE FUNCTION outbox_snapshot_xmin(snapshot text) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN txid_snapshot_xmin(snapshot::txid_snapshot);
CREATE FUNCTION outbox_snapshot_xmax(snapshot text) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN txid_snapshot_xmax(snapshot::txid_snapshot);
CREATE FUNCTION outbox_snapshot_xip(snapshot text) RETURNS bigint[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ARRAY(SELECT txid_snapshot_xip(snapshot::txid_snapshot));

-- Every row's state, for operators and tools: 'pending' (not delivered yet), 'retrying' (in the retry set: failed, held
-- behind a failure of its aggregate, or waiting for its topic), 'published', or 'dead' (parked tells whether it blocks
-- its aggregate). published_at is set only for rows published from the retry set (or before this migration).
CREATE VIEW outbox_event_state AS
SELECT e.id, e.event_id, e.aggregate_type, e.aggregate_id, e.aggregate_version, e.event_type, e.occurred_at,
       CASE
           WHEN e.status <> 'pending' THEN e.status
           WHEN txid_visible_in_snapshot(e.tx_id, l.delivered::txid_snapshot) THEN 'published'
           WHEN l.batch_upto IS NOT NULL AND e.id <= l.batch_after
               AND txid_visible_in_snapshot(e.tx_id, l.batch_upto::txid_snapshot) THEN 'published'
           ELSE 'pending'
       END AS state,
       e.parked, e.attempts, e.next_attempt_at, e.last_error, e.first_failure_at, e.last_failure_at, e.published_at,
       e.dead_lettered_at, e.tx_id, l.lane
FROM outbox_event e
JOIN outbox_lane l ON l.lane = outbox_lane_of(e.aggregate_type, e.aggregate_id);
