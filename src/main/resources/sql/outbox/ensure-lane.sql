-- The (output, session) lane exists from the session's first delivery to that output on.
INSERT INTO wa_outbox_lanes (output, session_id, due_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING
