-- The newest accepted event of the session becomes the one the next delivery is compared with.
UPDATE wa_sessions SET last_event_id = ?, last_body_sha256 = ?, last_accepted_at = ? WHERE session_id = ?
