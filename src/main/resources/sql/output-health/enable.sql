-- The admin's enable: the output is on again and its failure clock starts from nothing.
UPDATE wa_output_health SET disabled_at = NULL, disabled_reason = NULL, failing_since = NULL WHERE output = ?
