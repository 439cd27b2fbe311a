-- One batch of archived events older than the retention, with their sessions; ArchiveRetention deletes them per
-- session and lowers each session's event count by what it deleted. An event an output still owes (a row in
-- wa_outbox: the output has been down since) is kept until it is delivered or dead-lettered, so the delivery still
-- carries its event.
SELECT e.event_id, e.session_id FROM wa_events e
 WHERE e.received_at < ?
   AND NOT EXISTS (SELECT 1 FROM wa_outbox o WHERE o.event_id = e.event_id)
 ORDER BY e.received_at LIMIT ?
