-- Removes those dead rows. TRUNCATE false: never take the exclusive lock that shrinking the file needs, which would
-- stall the webhook's inserts for a moment; the space is reused instead.
VACUUM (TRUNCATE false) wa_outbox, wa_outbox_lanes, wa_sessions, wa_event_minutes, wa_rate_limit_buckets
