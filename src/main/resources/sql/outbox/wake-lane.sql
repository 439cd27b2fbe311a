-- `order: none`, in the archive transaction: a new delivery makes its lane due soon even when the lane waits for a
-- retry planned hours ahead. Always an update (the row locked), so lock-lane.sql orders it against a hand-back.
UPDATE wa_outbox_lanes SET due_at = CASE WHEN due_at > ? THEN ? ELSE due_at END WHERE output = ? AND session_id = ?
