-- GET /api/whatsapp/events?source=...: one source's events, newest first, from an index like the other filters'
-- (a rare source in a big archive would otherwise walk the whole received_at index). Building it reads the archive
-- once and blocks writes meanwhile (about a second per million events): run the upgrade with the gateways stopped
-- or accept the pause. No statement timeout for this one statement.
SET LOCAL statement_timeout = 0;
CREATE INDEX wa_events_source_received ON wa_events (source, received_at);
