-- Issue 24, tracing: a dead letter keeps its delivery's traceparent (null while tracing was off), so a replay's
-- attempts join the event's trace like the outbox's did. Portable between PostgreSQL and H2.
ALTER TABLE wa_dead_letters ADD COLUMN traceparent VARCHAR(64);
