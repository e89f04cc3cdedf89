-- Issue 4: dead letters, parked aggregates, relay instances and retention.

-- A dead row parks its aggregate (OUTBOX_DEAD_LETTER_POLICY=park) until an operator redrives or skips it.
-- Decided when the row is dead-lettered, so changing the policy later never parks aggregates retroactively.
ALTER TABLE outbox_event ADD COLUMN parked boolean NOT NULL DEFAULT false;
ALTER TABLE outbox_event ADD COLUMN dead_lettered_at timestamptz;
ALTER TABLE outbox_event ADD CONSTRAINT outbox_event_only_dead_rows_park CHECK (NOT parked OR status = 'dead');

-- Per-aggregate order: a row is claimable only while no earlier version of its aggregate is pending or parked.
-- That check reads only unsettled rows, so this index stays small however many rows were published.
CREATE INDEX outbox_event_unsettled_idx ON outbox_event (aggregate_type, aggregate_id, aggregate_version)
    WHERE status <> 'published';

-- Retention deletes published rows oldest first, in small batches.
CREATE INDEX outbox_event_published_at_idx ON outbox_event (published_at) WHERE status = 'published';

-- The table is a queue: rows are inserted, updated once or twice and deleted. Vacuum it early and often so
-- dead tuples are reclaimed before they pile up (the default waits for 20% of the table to be dead).
ALTER TABLE outbox_event SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);

-- Live relay instances, for `outbox-processor.jar status`: each running relay refreshes its heartbeat.
CREATE TABLE outbox_relay_instance (
    instance_id          text        PRIMARY KEY,
    started_at           timestamptz NOT NULL,
    heartbeat_at         timestamptz NOT NULL,
    circuit_state        text        NOT NULL
);
