-- Issue 24, failing endpoints (docs/outputs.md, "Failing endpoints"): per output, since when every attempt has
-- failed (null after a success) and whether it is disabled. In the database, not in memory, so the state survives a
-- restart and every instance sharing the outbox sees the same: a disabled output's lanes are claimed by none of
-- them (sql/outbox/claim-lanes.sql). One row per configured output. Portable between PostgreSQL and H2.
CREATE TABLE wa_output_health (
    output           VARCHAR(64) PRIMARY KEY,
    failing_since    TIMESTAMP WITH TIME ZONE,   -- the first failed attempt with no success after it
    last_failure_at  TIMESTAMP WITH TIME ZONE,
    last_error       TEXT,
    last_success_at  TIMESTAMP WITH TIME ZONE,   -- written at most every few seconds while all goes well
    disabled_at      TIMESTAMP WITH TIME ZONE,   -- null = enabled
    disabled_reason  TEXT
);
