-- Reference consumer (sample-consumer, issue 5): what it refused, and how far it got per aggregate.

-- One row per refused record, written in the same transaction as the rest of its batch and before the offset
-- commit, so every refused record is recorded exactly once and never retried. Operators read the reason here.
CREATE TABLE consumer_rejected_record (
    consumer_group       text        NOT NULL,
    topic                text        NOT NULL,
    kafka_partition      integer     NOT NULL,
    kafka_offset         bigint      NOT NULL,
    reason               text        NOT NULL,
    detail               text        NOT NULL,
    record_key           text,
    -- the event id when the value was readable that far, to cross-check with the outbox
    event_id             text,
    value_size_bytes     integer     NOT NULL,
    -- the value's first characters (invalid UTF-8 replaced), enough to see what was wrong; null without a value
    value_excerpt        text,
    rejected_at          timestamptz NOT NULL,
    PRIMARY KEY (consumer_group, topic, kafka_partition, kafka_offset),
    CONSTRAINT consumer_rejected_record_reason_known CHECK (reason IN
        ('malformed_json', 'invalid_envelope', 'unknown_event_type', 'invalid_payload', 'oversized_record',
         'processing_failed'))
);
CREATE INDEX consumer_rejected_record_time_idx ON consumer_rejected_record (consumer_group, rejected_at);

-- The highest aggregate_version applied per aggregate: an event above highest + 1 is a gap, one below it arrived
-- late (both are still applied, once each; they are flagged, never dropped).
-- previous_highest_version is what the last update replaced: the consumer's one upsert per batch returns it, so
-- it learns the highest before its batch without a lookup query (whose plan would depend on fresh statistics).
CREATE TABLE consumer_aggregate_progress (
    consumer_group       text        NOT NULL,
    aggregate_type       text        NOT NULL,
    aggregate_id         text        NOT NULL,
    highest_version      bigint      NOT NULL,
    previous_highest_version bigint,
    updated_at           timestamptz NOT NULL,
    PRIMARY KEY (consumer_group, aggregate_type, aggregate_id),
    CONSTRAINT consumer_aggregate_progress_version_positive CHECK (highest_version >= 1)
);
