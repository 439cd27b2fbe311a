-- One batch of archived events older than the retention; run until it deletes fewer than the batch size.
DELETE FROM wa_events WHERE event_id IN (
    SELECT event_id FROM wa_events WHERE received_at < ? ORDER BY received_at LIMIT ?)
