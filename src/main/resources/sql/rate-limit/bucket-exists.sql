-- Whether a client key has a bucket with state (security.DatabaseRateLimitStore.peek): a key that never spent a
-- token has none, and looking must not create one (Bucket4j's locking inserts an empty row for every key it
-- touches). One positional parameter: the bucket id. Answered by the primary key.
SELECT count(*) FROM wa_rate_limit_buckets WHERE id = ? AND state IS NOT NULL
