-- Issue 8: room on each page for the relay's claim.
-- A claim sets only claimed_by and claimed_until, which no index covers, so PostgreSQL can write it as a
-- heap-only (HOT) update, without touching any of the table's six indexes, but only if the new row version fits
-- on the same page. Half-full pages leave that room. Applies to pages written from now on; the table is a queue
-- whose rows are deleted by retention, so it turns over by itself.
ALTER TABLE outbox_event SET (fillfactor = 50);
