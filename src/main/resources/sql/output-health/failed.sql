-- A failed attempt: the failure clock starts at the first failure after a success and runs on from there.
UPDATE wa_output_health
   SET failing_since = COALESCE(failing_since, ?), last_failure_at = ?, last_error = ?
 WHERE output = ?
