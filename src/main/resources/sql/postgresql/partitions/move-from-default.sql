-- The rows that landed in DEFAULT for the month {partition} is about to cover ([?, ?)), moved there: ATTACH would
-- refuse the bound while DEFAULT holds any of them. Same columns in the same order (create.sql's LIKE).
WITH moved AS (DELETE FROM wa_events_default WHERE received_at >= ? AND received_at < ? RETURNING *)
INSERT INTO {partition} SELECT * FROM moved
