-- A failed attempt that will be retried: counted, with its error and the time of its next try, on the row (so a
-- restart keeps both).
UPDATE wa_outbox SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?
