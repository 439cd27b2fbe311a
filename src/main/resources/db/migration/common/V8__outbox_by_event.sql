-- Retention keeps an archived event while an output still owes it (sql/retention/purge-events.sql asks wa_outbox
-- for each old event); without this index every purge batch would scan the whole outbox, which is largest exactly
-- when an output has been down for long.
CREATE INDEX wa_outbox_event ON wa_outbox (event_id);
