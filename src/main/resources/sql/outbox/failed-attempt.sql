-- A failed attempt that will be retried: counted, with its error, on the row (so a restart keeps the count).
UPDATE wa_outbox SET attempts = ?, last_error = ? WHERE id = ?
