-- Dead row versions (deleted or updated rows no vacuum has removed yet) in the tables whose rows the gateway deletes
-- or rewrites at the event rate: the outbox queue, its lanes, the sessions (their counts too), the throughput
-- rollup, the shared rate limiter's buckets.
SELECT COALESCE(SUM(n_dead_tup), 0) FROM pg_stat_user_tables
 WHERE schemaname = current_schema()
   AND relname IN ('wa_outbox', 'wa_outbox_lanes', 'wa_sessions', 'wa_event_minutes', 'wa_rate_limit_buckets')
