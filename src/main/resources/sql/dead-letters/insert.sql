INSERT INTO wa_dead_letters (id, event_id, session_id, event, output, envelope_json, error, attempts, status, created_at, last_attempt_at, traceparent)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)
