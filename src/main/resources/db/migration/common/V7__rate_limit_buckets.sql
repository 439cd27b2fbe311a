-- Token buckets shared by every gateway instance on this database (RATE_LIMIT_STORE=database, the default on
-- PostgreSQL): one row per client key, its Bucket4j state serialised, and when it will have refilled completely
-- (epoch milliseconds), after which the housekeeping route deletes it. The columns are Bucket4j's.
CREATE TABLE wa_rate_limit_buckets (
    id         VARCHAR(128) PRIMARY KEY,
    state      BYTEA,
    expires_at BIGINT
);
CREATE INDEX wa_rate_limit_buckets_expires ON wa_rate_limit_buckets (expires_at);
