-- A claim older than the dedupe window no longer makes a delivery a duplicate.
DELETE FROM wa_event_dedupe WHERE session_id = ? AND dedupe_key = ? AND expires_at < ?
