-- Accepted events per minute and type since a time (the console's throughput chart); a range of the received_at index.
SELECT date_trunc('minute', e.received_at) AS minute_at, e.event, COUNT(*) AS events
  FROM wa_events e
 WHERE e.received_at >= ?
 GROUP BY date_trunc('minute', e.received_at), e.event
 ORDER BY minute_at, e.event
