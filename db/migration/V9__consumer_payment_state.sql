-- Issue 20: the reference consumer's payment_state projection, per consumer group: each payment's current state,
-- written in the same transaction as the inbox row of the event that changed it.
--
-- Version wins, never arrival order: a field set by every event (status, parties, currency, captured and refunded
-- amounts) comes from the highest aggregate_version applied; a field some events lack (amount_minor: a refund does
-- not carry it; metadata and decline_reason: only version 1 carries them) is filled from whichever applied event
-- carries it, and never changes afterwards (it is fixed for the payment's life). The same set of events gives the
-- same row in any arrival order.
--
-- missing_versions: the versions below `version` not applied yet (a gap). An event above the highest is applied at
-- once and leaves the versions it skipped here; each one is removed when it arrives. Empty when the state reflects
-- every version up to `version`.
CREATE TABLE payment_state (
    consumer_group       text        NOT NULL,
    payment_id           text        NOT NULL,
    status               text        NOT NULL,
    payer_account_id     text        NOT NULL,
    payee_account_id     text        NOT NULL,
    currency             char(3)     NOT NULL,
    -- authorized (or, when declined, asked for); null only while every applied event lacks it (refunds alone)
    amount_minor         bigint,
    captured_minor       bigint      NOT NULL,
    refunded_minor       bigint      NOT NULL,
    decline_reason       text,
    metadata             jsonb,
    -- the highest aggregate_version applied, and that event's id and occurred_at
    version              bigint      NOT NULL,
    event_id             text        NOT NULL,
    changed_at           timestamptz NOT NULL,
    missing_versions     bigint[]    NOT NULL DEFAULT '{}',
    updated_at           timestamptz NOT NULL,
    PRIMARY KEY (consumer_group, payment_id),
    CONSTRAINT payment_state_status_known
        CHECK (status IN ('authorized', 'declined', 'captured', 'voided', 'partially_refunded', 'refunded')),
    CONSTRAINT payment_state_version_positive CHECK (version >= 1),
    CONSTRAINT payment_state_amounts CHECK (captured_minor >= 0 AND refunded_minor BETWEEN 0 AND captured_minor)
);

-- `sample-consumer rebuild-state` rebuilds the projection from the topics into this table (its rows for the group
-- are deleted first), then compares it with payment_state.
CREATE TABLE payment_state_rebuild (LIKE payment_state INCLUDING ALL);
