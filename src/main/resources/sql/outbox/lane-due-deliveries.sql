-- An output with `order: none`: the lane's deliveries that are due (never tried, or whose planned retry time has
-- come), in order, skipping those still waiting for theirs. Columns as lane-deliveries.sql.
SELECT o.id, o.session_id, o.event_id, o.attempts, o.next_attempt_at, o.traceparent, e.event, e.format, e.source_ip,
       e.received_at, e.data_json, e.body_sha256, e.source
  FROM wa_outbox o LEFT JOIN wa_events e ON e.event_id = o.event_id
 WHERE o.output = ? AND o.session_id = ? AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?)
 ORDER BY o.id
 LIMIT ?
