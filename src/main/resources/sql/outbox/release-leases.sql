-- A stopping instance hands its lanes back at once, rather than leaving them until their leases run out.
UPDATE wa_outbox_lanes SET leased_by = NULL, lease_until = NULL WHERE leased_by = ?
