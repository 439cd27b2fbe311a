-- The growing tables whose planner statistics are missing or describe a table of another size: holding at least
-- ? live rows, and never analyzed, or at least twice or at most half as many live rows (n_live_tup, counted as rows
-- come and go) as the planner's estimate (reltuples, set by the last ANALYZE or VACUUM). Without statistics, a
-- plan cached while the table was small can use an index on session_id alone for the acks' update and read a
-- session's every row per call; nothing replaces it with autovacuum off (docs/performance.md, issue 22). The queue
-- tables (outbox, lanes, rate-limit buckets) are left out: their size swings with the backlog, and the vacuum
-- keeps their estimate current.
SELECT t.relname
  FROM pg_stat_user_tables t
  JOIN pg_class c ON c.oid = t.relid
 WHERE t.schemaname = current_schema()
   AND t.relname IN ('wa_messages', 'wa_events', 'wa_calls', 'wa_media', 'wa_sessions', 'wa_event_minutes',
                     'wa_event_dedupe', 'wa_dead_letters')
   AND t.n_live_tup >= ?
   AND (COALESCE(t.last_analyze, t.last_autoanalyze) IS NULL
        OR c.reltuples < 0
        OR t.n_live_tup >= 2 * c.reltuples
        OR 2 * t.n_live_tup <= c.reltuples)
 ORDER BY t.relname
