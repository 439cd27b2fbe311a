-- Issue 22: event and dead-letter ids (UUIDv7, shared.EventIds) stored as the native uuid type instead of their
-- 36-character text: 16 bytes a key instead of 37, so the archive's primary key and every index that carries the
-- event id (V18's page indexes, the outbox's join) are smaller. The gateway binds them as java.util.UUID and reads
-- them back as the same canonical text, so nothing on the wire changes.
--
-- Each ALTER rewrites its table and rebuilds its indexes (wa_events: every partition, keys and partitions kept as
-- they are), under an exclusive lock: about 30 s per million archived events (28.77 s at 1 M with
-- bench/uuid-ids.sh; docs/operating.md, "Upgrading"). Stop the old gateways first, or accept the pause. No
-- statement timeout for these statements (and no socket timeout: config.MigrationSocketTimeout).
--
-- A value that is not a UUID (nothing the gateway wrote; a row put in by hand) stops the migration with the table,
-- column and value named: the transaction rolls back whole, no row is changed or lost, and the gateway does not
-- start until that row is fixed or deleted.
SET LOCAL statement_timeout = 0;

DO $$
BEGIN
    BEGIN
        ALTER TABLE wa_events ALTER COLUMN event_id TYPE uuid USING event_id::uuid;
    EXCEPTION WHEN invalid_text_representation THEN
        RAISE EXCEPTION 'V19: wa_events.event_id holds a value that is not a UUID (%); nothing was converted', SQLERRM
            USING HINT = 'fix or delete that row, then start the gateway again';
    END;
    BEGIN
        ALTER TABLE wa_event_dedupe ALTER COLUMN event_id TYPE uuid USING event_id::uuid;
    EXCEPTION WHEN invalid_text_representation THEN
        RAISE EXCEPTION 'V19: wa_event_dedupe.event_id holds a value that is not a UUID (%); nothing was converted', SQLERRM
            USING HINT = 'fix or delete that row, then start the gateway again';
    END;
    BEGIN
        ALTER TABLE wa_outbox ALTER COLUMN event_id TYPE uuid USING event_id::uuid;
    EXCEPTION WHEN invalid_text_representation THEN
        RAISE EXCEPTION 'V19: wa_outbox.event_id holds a value that is not a UUID (%); nothing was converted', SQLERRM
            USING HINT = 'fix or delete that row, then start the gateway again';
    END;
    BEGIN
        -- Both columns in one statement: one rewrite of the table.
        ALTER TABLE wa_dead_letters ALTER COLUMN id TYPE uuid USING id::uuid,
                                    ALTER COLUMN event_id TYPE uuid USING event_id::uuid;
    EXCEPTION WHEN invalid_text_representation THEN
        RAISE EXCEPTION 'V19: wa_dead_letters.id or .event_id holds a value that is not a UUID (%); nothing was converted',
            SQLERRM USING HINT = 'fix or delete that row, then start the gateway again';
    END;
    BEGIN
        ALTER TABLE wa_sessions ALTER COLUMN last_event_id TYPE uuid USING last_event_id::uuid;
    EXCEPTION WHEN invalid_text_representation THEN
        RAISE EXCEPTION 'V19: wa_sessions.last_event_id holds a value that is not a UUID (%); nothing was converted',
            SQLERRM USING HINT = 'fix or delete that row, then start the gateway again';
    END;
END $$;
