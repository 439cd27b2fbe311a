-- The lanes one claim took are this worker's until lease_until: one statement for all of them (the array), committed
-- at once, so the delivery runs outside a transaction.
UPDATE wa_outbox_lanes SET leased_by = ?, lease_until = ? WHERE output = ? AND session_id = ANY(?)
