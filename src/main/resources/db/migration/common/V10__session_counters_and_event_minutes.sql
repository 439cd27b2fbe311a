-- Portable DDL: runs on PostgreSQL and on H2 in PostgreSQL mode (the embedded default).

-- The sessions list used to count each session's rows in wa_events, wa_messages and wa_calls on every call: a read
-- that grew with the archive (331 ms at 5M events, issue 22). The counts are now kept on the session row, raised
-- in the archive transaction that already locks that row (event_count by EventArchive, message_count and
-- call_count by the insert triggers of V11, one file per database vendor) and lowered by ArchiveRetention for
-- what it deletes. A constant default is a catalogue change on PostgreSQL 11+, not a table rewrite.
ALTER TABLE wa_sessions ADD COLUMN event_count BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE wa_sessions ADD COLUMN message_count BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE wa_sessions ADD COLUMN call_count BIGINT DEFAULT 0 NOT NULL;

-- Accepted events per minute and type (the console's throughput chart), raised by each archive transaction for
-- what it accepted. Split in shards by session, as many as archive writers (EventArchive): a session always goes
-- to the same writer, so two writers of one instance never wait on the same row; the read adds up the shards of at
-- most 1440 minutes. Not lowered by retention: the chart shows what was accepted then. Rows older than two days
-- are deleted by ArchiveRetention (the chart reaches back one day).
CREATE TABLE wa_event_minutes (
    minute_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    event      VARCHAR(64) NOT NULL,
    shard      INTEGER     NOT NULL,
    events     BIGINT      NOT NULL,
    PRIMARY KEY (minute_at, event, shard)
);

-- Both are filled from the existing tables by V11 (db/migration/{vendor}), beside the triggers that keep them.
