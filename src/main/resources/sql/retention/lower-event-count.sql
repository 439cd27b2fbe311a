-- The session's event count (V10) follows the archived events retention deleted.
UPDATE wa_sessions SET event_count = event_count - ? WHERE session_id = ?
