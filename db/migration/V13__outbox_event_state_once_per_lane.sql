-- outbox_event_state reads each lane's snapshots once (32 rows), not once per outbox row: V12's view cast the lane's
-- snapshot text for every row it checked. Same columns, same states.
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
