-- Embedded database, at start: every lease not this process's is a dead process's (H2 lets one process open the
-- file), so it goes back at once.
UPDATE wa_outbox_lanes SET leased_by = NULL, lease_until = NULL WHERE leased_by IS NOT NULL AND leased_by <> ?
