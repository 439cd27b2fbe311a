-- Throughput rollup rows older than the chart can ask for (1440 minutes): at most shards x types rows a minute.
DELETE FROM wa_event_minutes WHERE minute_at < ?
