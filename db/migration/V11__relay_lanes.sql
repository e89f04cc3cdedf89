-- Issue 18, step 2: lanes instead of one lock.
-- Every aggregate belongs to one of 32 lanes, by a hash of its type and id. A relay instance claims rows only in the
-- lanes it leases here, so instances no longer take turns under one advisory lock: an aggregate's rows are claimed by
-- one instance at a time because its lane is, and nothing serializes the lanes of different instances.
-- The writers' INSERT does not change: the lane is computed when the relay reads a row, never stored.
CREATE FUNCTION outbox_lane_of(aggregate_type text, aggregate_id text) RETURNS smallint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (hashtextextended(aggregate_type || '/' || aggregate_id, 0) & 31)::smallint;

-- One row per lane. owner leases it until lease_until and renews the lease every second; a lane whose lease ran out
-- (its relay died or stalled) is taken over by another instance, which bumps epoch. The relay checks its lease, under a
-- share lock on these rows, in the transaction that claims rows, so a relay that lost a lane claims nothing more in it.
CREATE TABLE outbox_lane (
    lane                 smallint    PRIMARY KEY,
    owner                text,
    epoch                bigint      NOT NULL DEFAULT 0,
    lease_until          timestamptz,
    CONSTRAINT outbox_lane_in_range CHECK (lane >= 0 AND lane < 32),
    CONSTRAINT outbox_lane_owner_has_lease CHECK ((owner IS NULL) = (lease_until IS NULL))
);
INSERT INTO outbox_lane (lane) SELECT generate_series(0, 31);

-- Leases are renewed every second: vacuum this small table often, as outbox_claim.
ALTER TABLE outbox_lane SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 100,
    autovacuum_vacuum_cost_delay = 0);
