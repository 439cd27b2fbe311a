-- Issue 24, tracing: the W3C traceparent of the span that stored the event (null while tracing is off), so the
-- delivery worker's attempt spans join the event's trace however much later they run, on whichever instance.
-- Portable between PostgreSQL and H2.
ALTER TABLE wa_outbox ADD COLUMN traceparent VARCHAR(64);
