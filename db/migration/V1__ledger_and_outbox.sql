-- Ledger: accounts, payments, a double-entry journal and command idempotency.
-- Money is always integer minor units (bigint) plus an ISO 4217 currency code.

CREATE TABLE account (
    account_id           text        NOT NULL PRIMARY KEY,
    currency             char(3)     NOT NULL,
    kind                 text        NOT NULL DEFAULT 'customer',
    status               text        NOT NULL DEFAULT 'open',
    -- posted = money that has settled on the account; held = authorized, not yet captured.
    -- available to authorize = posted_minor - held_minor.
    posted_minor         bigint      NOT NULL DEFAULT 0,
    held_minor           bigint      NOT NULL DEFAULT 0,
    created_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT account_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT account_kind_known CHECK (kind IN ('customer', 'system')),
    CONSTRAINT account_status_known CHECK (status IN ('open', 'closed')),
    CONSTRAINT account_held_not_negative CHECK (held_minor >= 0),
    -- Only system accounts (the funding side of deposits) may go below zero.
    CONSTRAINT account_customer_not_overdrawn CHECK (kind = 'system' OR posted_minor - held_minor >= 0)
);

CREATE TABLE payment (
    payment_id           text        NOT NULL PRIMARY KEY,
    -- No foreign keys: a payment declined for an unknown account is recorded too.
    payer_account_id     text        NOT NULL,
    payee_account_id     text        NOT NULL,
    amount_minor         bigint      NOT NULL,
    currency             char(3)     NOT NULL,
    status               text        NOT NULL,
    decline_reason       text,
    -- The payment is the outbox aggregate: version of its latest event (1, 2, 3...).
    version              bigint      NOT NULL,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    CONSTRAINT payment_amount_positive CHECK (amount_minor >= 1),
    CONSTRAINT payment_status_known CHECK (status IN ('authorized', 'declined')),
    CONSTRAINT payment_version_positive CHECK (version >= 1)
);

CREATE TABLE journal_entry (
    entry_id             text        NOT NULL PRIMARY KEY,
    payment_id           text        REFERENCES payment (payment_id),
    kind                 text        NOT NULL,
    created_at           timestamptz NOT NULL
);
CREATE INDEX journal_entry_payment_idx ON journal_entry (payment_id);

-- Each entry's postings sum to zero per currency. Bucket 'available' + bucket 'held' of an account
-- equals its posted balance; the 'held' bucket equals its held amount.
CREATE TABLE posting (
    posting_id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id             text        NOT NULL REFERENCES journal_entry (entry_id),
    account_id           text        NOT NULL REFERENCES account (account_id),
    bucket               text        NOT NULL,
    amount_minor         bigint      NOT NULL,
    currency             char(3)     NOT NULL,
    CONSTRAINT posting_bucket_known CHECK (bucket IN ('available', 'held')),
    CONSTRAINT posting_amount_nonzero CHECK (amount_minor <> 0)
);
CREATE INDEX posting_entry_idx ON posting (entry_id);
CREATE INDEX posting_account_idx ON posting (account_id);

-- One row per command idempotency key: a retry with the same key and the same request returns the
-- recorded result; the same key with a different request is a conflict.
CREATE TABLE idempotency_key (
    idempotency_key      text        NOT NULL PRIMARY KEY,
    command              text        NOT NULL,
    request_hash         text        NOT NULL,
    payment_id           text        NOT NULL,
    created_at           timestamptz NOT NULL
);

-- The transactional outbox: the contract between writers (ledger-core and other services) and the relay.
-- A writer supplies event_id, aggregate_type, aggregate_id, aggregate_version, event_type, payload and
-- optionally correlation_id, event_version and occurred_at; every other column belongs to the relay.
CREATE TABLE outbox_event (
    id                   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id             text        NOT NULL,
    aggregate_type       text        NOT NULL,
    aggregate_id         text        NOT NULL,
    aggregate_version    bigint      NOT NULL,
    event_type           text        NOT NULL,
    event_version        integer     NOT NULL DEFAULT 1,
    payload              jsonb       NOT NULL,
    correlation_id       text,
    occurred_at          timestamptz NOT NULL DEFAULT now(),
    -- relay state
    status               text        NOT NULL DEFAULT 'pending',
    attempts             integer     NOT NULL DEFAULT 0,
    next_attempt_at      timestamptz NOT NULL DEFAULT now(),
    claimed_by           text,
    claimed_until        timestamptz,
    last_error           text,
    first_failure_at     timestamptz,
    last_failure_at      timestamptz,
    published_at         timestamptz,
    CONSTRAINT outbox_event_event_id_unique UNIQUE (event_id),
    CONSTRAINT outbox_event_aggregate_version_unique UNIQUE (aggregate_type, aggregate_id, aggregate_version),
    CONSTRAINT outbox_event_event_id_ulid CHECK (event_id ~ '^[0-9A-HJKMNP-TV-Z]{26}$'),
    CONSTRAINT outbox_event_aggregate_version_positive CHECK (aggregate_version >= 1),
    CONSTRAINT outbox_event_event_version_positive CHECK (event_version >= 1),
    CONSTRAINT outbox_event_status_known CHECK (status IN ('pending', 'published', 'dead')),
    CONSTRAINT outbox_event_attempts_not_negative CHECK (attempts >= 0)
);
-- The relay's work queue: only pending rows, in insertion order.
CREATE INDEX outbox_event_pending_idx ON outbox_event (id) WHERE status = 'pending';

-- Downstream reference consumer (sample-consumer): an inbox for exactly-once effects and its side effect.
CREATE TABLE consumer_inbox (
    consumer_group       text        NOT NULL,
    event_id             text        NOT NULL,
    event_type           text        NOT NULL,
    aggregate_id         text        NOT NULL,
    aggregate_version    bigint      NOT NULL,
    processed_at         timestamptz NOT NULL,
    PRIMARY KEY (consumer_group, event_id)
);

CREATE TABLE notification (
    notification_id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consumer_group       text        NOT NULL,
    event_id             text        NOT NULL,
    message              text        NOT NULL,
    created_at           timestamptz NOT NULL,
    CONSTRAINT notification_one_per_event UNIQUE (consumer_group, event_id)
);
