-- Issue 8: a relay claims a batch with one row here instead of stamping every claimed outbox row.
-- Stamping meant writing each outbox row twice (claimed, then published); the claim was the most expensive part
-- of a relay pass and it ran while every other relay waited for the claim lock. A claim row lists the outbox ids
-- a relay pass is sending; while it exists no other pass claims them. The pass deletes it when it has recorded
-- every outcome, which also releases the rows it did not settle. A relay that dies leaves its claim until
-- claimed_until, and the next claimer deletes expired claims first: the rows are sent again (at least once).
-- outbox_event.claimed_by and claimed_until stay in the table for compatibility but are no longer written.
CREATE TABLE outbox_claim (
    claim_id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id          text        NOT NULL,
    claimed_at           timestamptz NOT NULL,
    claimed_until        timestamptz NOT NULL,
    outbox_ids           bigint[]    NOT NULL
);

-- Claims no longer update outbox rows, so the room V6 left on each page for them is not needed.
ALTER TABLE outbox_event RESET (fillfactor);

-- A pass inserts and deletes one row: vacuum after every hundred so a claim's scan of this table stays short.
ALTER TABLE outbox_claim SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 100,
    autovacuum_vacuum_cost_delay = 0);
