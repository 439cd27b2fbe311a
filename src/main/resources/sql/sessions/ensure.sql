-- The session's row exists from its first event on; the lifecycle routes then only update it.
INSERT INTO wa_sessions (session_id, status, first_seen_at, updated_at) VALUES (?, 'new', ?, ?) ON CONFLICT DO NOTHING
