-- Whether an output still owes one of the month's events (a row in wa_outbox): then the month is not dropped but
-- trimmed row by row, which keeps the owed events (retention/old-events.sql).
SELECT EXISTS (SELECT 1 FROM wa_outbox o JOIN {partition} e ON e.event_id = o.event_id)
