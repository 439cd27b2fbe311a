-- Disables the output if it is still failing since at least the given time: the clock read again under the row's
-- lock, so a success on another instance in the meantime (failing_since cleared or moved on) wins, and of two
-- instances disabling at once only one updates the row (and sends the alert).
UPDATE wa_output_health SET disabled_at = ?, disabled_reason = ?
 WHERE output = ? AND disabled_at IS NULL AND failing_since IS NOT NULL AND failing_since <= ?
