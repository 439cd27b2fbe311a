-- Some of one session's old events (an array of ids), unless an output has come to owe one meanwhile.
DELETE FROM wa_events
 WHERE session_id = ? AND event_id = ANY (?)
   AND NOT EXISTS (SELECT 1 FROM wa_outbox o WHERE o.event_id = wa_events.event_id)
