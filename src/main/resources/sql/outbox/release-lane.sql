-- The worker is done with the lane for now: due again at due_at (now, or after a failed attempt's backoff).
UPDATE wa_outbox_lanes SET leased_by = NULL, lease_until = NULL, due_at = ? WHERE output = ? AND session_id = ? AND leased_by = ?
