-- Payment lifecycle (issue 3): capture (full or partial), void, refund (full or partial), per-account single-payment
-- limits, free-form payment metadata, and command results recorded with their idempotency keys.

-- A payer account may carry a limit on the amount of any one payment; larger authorizations are declined
-- with reason limit_exceeded. NULL means no limit.
ALTER TABLE account
    ADD COLUMN single_payment_limit_minor bigint,
    ADD CONSTRAINT account_single_payment_limit_positive
        CHECK (single_payment_limit_minor IS NULL OR single_payment_limit_minor >= 1);

-- captured_minor: what capture moved to the payee (0 until captured; the rest of the hold went back to the payer).
-- refunded_minor: the sum of all refunds, never more than what was captured.
-- metadata: the caller's free-form JSON object from authorize (size and depth limited by the ledger).
ALTER TABLE payment
    ADD COLUMN captured_minor bigint NOT NULL DEFAULT 0,
    ADD COLUMN refunded_minor bigint NOT NULL DEFAULT 0,
    ADD COLUMN metadata jsonb,
    DROP CONSTRAINT payment_status_known,
    ADD CONSTRAINT payment_status_known
        CHECK (status IN ('authorized', 'declined', 'captured', 'voided', 'partially_refunded', 'refunded')),
    ADD CONSTRAINT payment_captured_within_amount CHECK (captured_minor BETWEEN 0 AND amount_minor),
    ADD CONSTRAINT payment_refunded_within_captured CHECK (refunded_minor BETWEEN 0 AND captured_minor),
    ADD CONSTRAINT payment_metadata_object CHECK (metadata IS NULL OR jsonb_typeof(metadata) = 'object');

-- A replay returns the original result from the key's own row, never from the outbox (whose published rows the
-- relay's retention deletes): the event written, the aggregate version it got, the amount the command moved and
-- the payment status after it. The key is claimed first and its result filled in before the same transaction
-- commits, so a committed key always has its result.
ALTER TABLE idempotency_key
    ADD COLUMN event_id text,
    ADD COLUMN aggregate_version bigint,
    ADD COLUMN amount_minor bigint,
    ADD COLUMN payment_status text;

-- Keys recorded before this migration were all authorize commands, whose event is version 1.
UPDATE idempotency_key k
SET event_id = o.event_id, aggregate_version = 1
FROM outbox_event o
WHERE o.aggregate_type = 'Payment' AND o.aggregate_id = k.payment_id AND o.aggregate_version = 1;

UPDATE idempotency_key k
SET payment_status = p.status, amount_minor = p.amount_minor
FROM payment p
WHERE p.payment_id = k.payment_id;

