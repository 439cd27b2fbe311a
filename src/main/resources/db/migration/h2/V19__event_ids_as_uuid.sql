-- As postgresql/V19: event and dead-letter ids stored as UUID (16 bytes) instead of their text. H2 converts each
-- value as it copies the table (keys and indexes kept); a value that is not a UUID fails the statement with a data
-- conversion error naming it, and leaves that table as it was.
ALTER TABLE wa_events ALTER COLUMN event_id SET DATA TYPE UUID;
ALTER TABLE wa_event_dedupe ALTER COLUMN event_id SET DATA TYPE UUID;
ALTER TABLE wa_outbox ALTER COLUMN event_id SET DATA TYPE UUID;
ALTER TABLE wa_dead_letters ALTER COLUMN id SET DATA TYPE UUID;
ALTER TABLE wa_dead_letters ALTER COLUMN event_id SET DATA TYPE UUID;
ALTER TABLE wa_sessions ALTER COLUMN last_event_id SET DATA TYPE UUID;
