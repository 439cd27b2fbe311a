-- Raises one (minute, event type, shard) of the throughput rollup by the events a transaction accepted.
INSERT INTO wa_event_minutes (minute_at, event, shard, events) VALUES (?, ?, ?, ?)
ON CONFLICT (minute_at, event, shard) DO UPDATE SET events = wa_event_minutes.events + EXCLUDED.events
