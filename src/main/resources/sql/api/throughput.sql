-- Accepted events per minute and type since a minute (the console's throughput chart), from the per-minute rollup
-- the archive raises (V10): at most 1440 minutes x event types x shards rows, however many events they count.
SELECT m.minute_at, m.event, SUM(m.events) AS events
  FROM wa_event_minutes m
 WHERE m.minute_at >= ?
 GROUP BY m.minute_at, m.event
 ORDER BY m.minute_at, m.event
