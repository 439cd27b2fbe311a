-- A replay that failed too: one more round of attempts on the same dead letter.
UPDATE wa_dead_letters SET attempts = attempts + ?, error = ?, last_attempt_at = ? WHERE id = ?
