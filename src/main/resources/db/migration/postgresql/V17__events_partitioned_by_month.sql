-- PostgreSQL only (H2, the embedded default, keeps its plain wa_events: there is no V17 under db/migration/h2).
-- Issue 22: the archive partitioned by month of received_at (declarative RANGE partitioning), so retention drops a
-- month as one partition instead of deleting its rows one by one (dead tuples, bloat, vacuum work proportional to
-- the archive), and each month's indexes stay the size of a month.
--
-- The existing rows are not copied: the old table is renamed wa_events_legacy and attached as the partition that
-- covers everything before the first month boundary after its newest row (at least the start of next month, so
-- the rest of this month keeps going there). Then the next months (store.ArchivePartitions keeps
-- gateway.retention.partitions-ahead of them from then on) and wa_events_default for anything no partition covers.
--
-- A partitioned table's unique keys must include the partition key: the primary key becomes (event_id,
-- received_at). Nothing references wa_events by a foreign key, and nothing upserts into it (ON CONFLICT); event
-- ids are made by the gateway (UUIDv7, shared.EventIds), so they stay unique, and a lookup by event_id alone
-- (events/{id}, the outbox's join) probes each partition's primary key index, which leads with event_id.
--
-- Cost: the CHECK constraint below reads the old table once (a sequential scan) and the new primary key index is
-- built over it, both under an exclusive lock: about 2 s per million archived events (1.94 s at 1 M with
-- bench/partitions.sh; docs/operating.md, "Upgrading"). The other indexes are reused as they are. Stop the old
-- gateways first, or accept the pause.
SET LOCAL statement_timeout = 0;

ALTER TABLE wa_events RENAME TO wa_events_legacy;
-- Index names are unique per schema: the partitioned table's indexes take the old names, the legacy ones move.
ALTER INDEX wa_events_session_received RENAME TO wa_events_legacy_session_received;
ALTER INDEX wa_events_status_received RENAME TO wa_events_legacy_status_received;
ALTER INDEX wa_events_event_received RENAME TO wa_events_legacy_event_received;
ALTER INDEX wa_events_received RENAME TO wa_events_legacy_received;
ALTER INDEX wa_events_source_received RENAME TO wa_events_legacy_source_received;
ALTER TABLE wa_events_legacy DROP CONSTRAINT wa_events_pkey;
ALTER TABLE wa_events_legacy ADD CONSTRAINT wa_events_legacy_pkey PRIMARY KEY (event_id, received_at);

CREATE TABLE wa_events (
    event_id      VARCHAR(36)  NOT NULL,
    session_id    VARCHAR(64)  NOT NULL,
    event         VARCHAR(64)  NOT NULL,
    format        VARCHAR(16)  NOT NULL,
    source_ip     VARCHAR(64),
    auth_method   VARCHAR(16),
    received_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    data_json     TEXT         NOT NULL,
    body_sha256   VARCHAR(64)  NOT NULL,
    delivery_id   VARCHAR(200),
    status        VARCHAR(16)  NOT NULL,
    error         TEXT,
    processed_at  TIMESTAMP WITH TIME ZONE,
    source        VARCHAR(16)  DEFAULT 'wwebjs' NOT NULL,
    PRIMARY KEY (event_id, received_at)
) PARTITION BY RANGE (received_at);
CREATE INDEX wa_events_session_received ON wa_events (session_id, received_at);
CREATE INDEX wa_events_status_received ON wa_events (status, received_at);
CREATE INDEX wa_events_event_received ON wa_events (event, received_at);
CREATE INDEX wa_events_received ON wa_events (received_at);
CREATE INDEX wa_events_source_received ON wa_events (source, received_at);

DO $$
DECLARE
    -- Month boundaries in UTC, whatever the server's or the session's time zone.
    next_month timestamp := date_trunc('month', now() AT TIME ZONE 'UTC') + INTERVAL '1 month';
    newest timestamp := (SELECT max(received_at) AT TIME ZONE 'UTC' FROM wa_events_legacy);
    bound timestamp := greatest(next_month, date_trunc('month', newest) + INTERVAL '1 month');
    m timestamp;
BEGIN
    -- ATTACH checks every row against the partition bound unless a valid CHECK constraint already implies it;
    -- adding the constraint does that one scan, the attach then does none.
    EXECUTE format('ALTER TABLE wa_events_legacy ADD CONSTRAINT wa_events_legacy_bound CHECK (received_at < %L)',
                   bound AT TIME ZONE 'UTC');
    -- The existing indexes match the parent's and are attached as they are (the primary key's was built above).
    EXECUTE format('ALTER TABLE wa_events ATTACH PARTITION wa_events_legacy FOR VALUES FROM (MINVALUE) TO (%L)',
                   bound AT TIME ZONE 'UTC');
    ALTER TABLE wa_events_legacy DROP CONSTRAINT wa_events_legacy_bound;
    -- The first three months after it (gateway.retention.partitions-ahead's default); the job adds the rest.
    FOR i IN 0..2 LOOP
        m := bound + make_interval(months => i);
        EXECUTE format('CREATE TABLE %I PARTITION OF wa_events FOR VALUES FROM (%L) TO (%L)',
                       'wa_events_p' || to_char(m, 'YYYYMM'), m AT TIME ZONE 'UTC',
                       (m + INTERVAL '1 month') AT TIME ZONE 'UTC');
    END LOOP;
END $$;

-- Rows no partition covers (a clock far ahead, or the job not run for months) land here rather than fail; the job
-- moves them into their month's partition when it creates it.
CREATE TABLE wa_events_default PARTITION OF wa_events DEFAULT;
