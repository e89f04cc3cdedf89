-- Wakes relays when rows are committed, whoever the writer is: NOTIFY is delivered only when the inserting
-- transaction commits (never for a rollback), and PostgreSQL folds the identical notifications of one
-- transaction into one. Relays LISTEN on channel 'outbox_event'; their poll interval is only the fallback.
CREATE FUNCTION outbox_event_notify() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('outbox_event', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_event_notify
    AFTER INSERT ON outbox_event
    FOR EACH STATEMENT
    EXECUTE FUNCTION outbox_event_notify();
