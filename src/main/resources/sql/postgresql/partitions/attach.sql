-- The month's table becomes wa_events' partition for [{from}, {to}) (UTC month boundaries, ISO 8601). It takes a
-- SHARE UPDATE EXCLUSIVE lock on wa_events, which the webhook's inserts do not wait for, and scans DEFAULT (kept
-- empty) and the new table (only what was moved) for rows outside the bound.
ALTER TABLE wa_events ATTACH PARTITION {partition} FOR VALUES FROM ('{from}') TO ('{to}')
