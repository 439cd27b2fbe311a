SELECT id, event_id, session_id, event, output, envelope_json, error, attempts, status, created_at, last_attempt_at, resolved_at, traceparent
  FROM wa_dead_letters WHERE id = ?
