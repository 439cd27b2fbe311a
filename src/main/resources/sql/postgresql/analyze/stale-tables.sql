-- The growing tables whose planner statistics are missing or describe a table of another size: holding at least
-- ? live rows, and never analyzed, or at least twice or at most half as many live rows (n_live_tup, counted as rows
-- come and go) as the planner's estimate (reltuples, set by the last ANALYZE or VACUUM). Without statistics, a
-- plan cached while the table was small can use an index on session_id alone for the acks' update and read a
-- session's every row per call; nothing replaces it with autovacuum off (docs/performance.md, issue 22). The queue
-- tables (outbox, lanes, rate-limit buckets) are left out: their size swings with the backlog, and the vacuum
-- keeps their estimate current.
-- wa_events is partitioned on PostgreSQL (V17): its rows are in its partitions (wa_events_legacy, wa_events_p202701,
-- ..., wa_events_default), each judged as a table of its own; the parent holds none, and its statistics (what a
-- plan over every partition uses; autovacuum never takes them) are judged by the live rows of all its partitions
-- together. ANALYZE of the parent also analyzes every partition, so when the parent is stale it alone is returned
-- for the events.
WITH leaves AS (
    SELECT t.relname, t.n_live_tup, c.reltuples, COALESCE(t.last_analyze, t.last_autoanalyze) AS analyzed,
           EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid AND i.inhparent = to_regclass('wa_events'))
               AS of_events
      FROM pg_stat_user_tables t
      JOIN pg_class c ON c.oid = t.relid
     WHERE t.schemaname = current_schema() AND c.relkind = 'r'
),
tables AS (
    SELECT relname, n_live_tup, reltuples, analyzed, of_events FROM leaves
     WHERE of_events OR relname IN ('wa_messages', 'wa_events', 'wa_calls', 'wa_media', 'wa_sessions',
                                    'wa_event_minutes', 'wa_event_dedupe', 'wa_dead_letters')
    UNION ALL
    SELECT 'wa_events', (SELECT sum(n_live_tup) FROM leaves WHERE of_events), c.reltuples,
           COALESCE(t.last_analyze, t.last_autoanalyze), false
      FROM pg_stat_user_tables t
      JOIN pg_class c ON c.oid = t.relid
     WHERE t.schemaname = current_schema() AND t.relname = 'wa_events' AND c.relkind = 'p'
),
stale AS (
    SELECT * FROM tables
     WHERE n_live_tup >= ?
       AND (analyzed IS NULL OR reltuples < 0 OR n_live_tup >= 2 * reltuples OR 2 * n_live_tup <= reltuples)
)
SELECT relname FROM stale
 WHERE NOT (of_events AND EXISTS (SELECT 1 FROM stale WHERE relname = 'wa_events'))
 ORDER BY relname
