-- H2: the same as PostgreSQL's count-minute, as a standard MERGE (H2 has no ON CONFLICT DO UPDATE).
MERGE INTO wa_event_minutes m
USING (VALUES (CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS VARCHAR), CAST(? AS INTEGER), CAST(? AS BIGINT)))
      AS v (minute_at, event, shard, events)
   ON m.minute_at = v.minute_at AND m.event = v.event AND m.shard = v.shard
 WHEN MATCHED THEN UPDATE SET events = m.events + v.events
 WHEN NOT MATCHED THEN INSERT (minute_at, event, shard, events) VALUES (v.minute_at, v.event, v.shard, v.events)
