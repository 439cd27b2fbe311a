-- The newest accepted event of the session becomes the one the next delivery is compared with; the session's event
-- count rises by the events this transaction accepted (the sessions list reads it instead of counting wa_events).
UPDATE wa_sessions SET last_event_id = ?, last_body_sha256 = ?, last_accepted_at = ?, event_count = event_count + ?
 WHERE session_id = ?
