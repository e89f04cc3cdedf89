-- Issue 17: a missing topic is not a poison record. A relay holds the rows of a topic that does not exist (no attempt
-- spent, nothing dead-lettered) and reports the topic here with its heartbeat, so `outbox-processor.jar status`
-- names it: a JSON array of {"topic", "reason", "since", "rows_held"}, empty while every topic exists.
ALTER TABLE outbox_relay_instance ADD COLUMN missing_topics jsonb NOT NULL DEFAULT '[]'::jsonb;
