-- The head of a lane and what follows it, in order, with the archived event each delivery carries. An event the
-- archive's retention already removed comes back with null columns (it is dead-lettered as such).
SELECT o.id, o.session_id, o.event_id, o.attempts, o.next_attempt_at, o.traceparent, e.event, e.format, e.source_ip,
       e.received_at, e.data_json, e.body_sha256, e.source
  FROM wa_outbox o LEFT JOIN wa_events e ON e.event_id = o.event_id
 WHERE o.output = ? AND o.session_id = ?
 ORDER BY o.id
 LIMIT ?
