-- Lanes of one output with deliveries waiting, due and not leased (or whose lease ran out: a crashed worker),
-- longest waiting first, none while the output is disabled (wa_output_health, shared by every instance). SKIP
-- LOCKED: a lane another worker is claiming right now is left to it.
SELECT session_id FROM wa_outbox_lanes l
 WHERE output = ? AND due_at <= ? AND (lease_until IS NULL OR lease_until < ?)
   AND EXISTS (SELECT 1 FROM wa_outbox o WHERE o.output = l.output AND o.session_id = l.session_id)
   AND NOT EXISTS (SELECT 1 FROM wa_output_health h WHERE h.output = ? AND h.disabled_at IS NOT NULL)
 ORDER BY due_at
 LIMIT ?
   FOR UPDATE SKIP LOCKED
