-- Sender delivery ids only. 1 row: this delivery is new; 0 rows: the same (session, id) was accepted within the window.
INSERT INTO wa_event_dedupe (session_id, dedupe_key, event_id, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
