-- A delivery the output took: the failure clock stops.
UPDATE wa_output_health SET failing_since = NULL, last_success_at = ? WHERE output = ?
