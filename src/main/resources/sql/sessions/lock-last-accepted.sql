-- The session's previous accepted event, locked until the archive transaction ends: a concurrent delivery for the
-- same session (on any writer or instance) waits here and then sees this transaction's outcome.
SELECT last_event_id, last_body_sha256, last_accepted_at FROM wa_sessions WHERE session_id = ? FOR UPDATE
