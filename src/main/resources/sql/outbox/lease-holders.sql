-- The instances that hold lanes whose leases have not run out (read before the live locks, never after: an
-- instance takes its lock before its first claim, so a holder read here that is alive is seen as such).
SELECT DISTINCT leased_by FROM wa_outbox_lanes WHERE leased_by IS NOT NULL AND lease_until >= ?
