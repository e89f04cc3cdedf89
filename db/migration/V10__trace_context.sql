-- Issue 19: W3C Trace Context travels with an event. A writer may store the context it was in when it wrote the
-- row (https://www.w3.org/TR/trace-context/): traceparent, e.g. 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01,
-- and optionally tracestate. Writers without one leave both null, as every writer did before. No constraint: a
-- malformed value must never fail the writer's business transaction; the relay forwards only a well-formed
-- traceparent (as the `traceparent`/`tracestate` headers) and logs the others.
ALTER TABLE outbox_event
    ADD COLUMN traceparent text,
    ADD COLUMN tracestate  text;

-- The reference consumer stores the trace id of the event each notification came from (null without one).
ALTER TABLE notification ADD COLUMN trace_id text;
