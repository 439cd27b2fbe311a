-- Expired dedupe claims: they no longer make anything a duplicate.
DELETE FROM wa_event_dedupe WHERE (session_id, dedupe_key) IN (
    SELECT session_id, dedupe_key FROM wa_event_dedupe WHERE expires_at < ? ORDER BY expires_at LIMIT ?)
