-- The previous accepted event of each session of a batch (an array parameter), locked until the archive
-- transaction ends, in session order so two batches never deadlock: a concurrent delivery for one of these
-- sessions (on any writer or instance) waits here and then sees this transaction's outcome.
SELECT session_id, last_event_id, last_body_sha256, last_accepted_at FROM wa_sessions
 WHERE session_id = ANY (?)
 ORDER BY session_id
   FOR UPDATE
