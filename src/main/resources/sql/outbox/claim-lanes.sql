-- Lanes of one output with deliveries waiting, due and not leased (or whose lease ran out: a crashed worker),
-- longest waiting first. SKIP LOCKED: a lane another worker is claiming right now is left to it.
SELECT session_id FROM wa_outbox_lanes l
 WHERE output = ? AND due_at <= ? AND (lease_until IS NULL OR lease_until < ?)
   AND EXISTS (SELECT 1 FROM wa_outbox o WHERE o.output = l.output AND o.session_id = l.session_id)
 ORDER BY due_at
 LIMIT ?
   FOR UPDATE SKIP LOCKED
