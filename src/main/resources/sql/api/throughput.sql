-- Accepted events per minute and type since a minute (the console's throughput chart), from the per-minute rollup
-- the archive raises (V10): at most 1440 minutes x event types x shards rows, however many events they count.
-- The sum cast back to BIGINT: PostgreSQL's SUM of a BIGINT is NUMERIC, which the API writes through a slow path.
SELECT m.minute_at, m.event, CAST(SUM(m.events) AS BIGINT) AS events
  FROM wa_event_minutes m
 WHERE m.minute_at >= ?
 GROUP BY m.minute_at, m.event
 ORDER BY m.minute_at, m.event
