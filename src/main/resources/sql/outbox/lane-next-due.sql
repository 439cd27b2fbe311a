-- `order: none`: when the lane is next due, the earliest of its deliveries' planned retries, a delivery never tried
-- counting as due at the given time (null: the lane is empty).
SELECT MIN(COALESCE(next_attempt_at, ?)) FROM wa_outbox WHERE output = ? AND session_id = ?
