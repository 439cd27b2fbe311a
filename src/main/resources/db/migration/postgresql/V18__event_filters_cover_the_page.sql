-- GET /api/whatsapp/events?event= / ?status= / ?source=: the page of keys comes from the filter's own index alone
-- (an index-only scan, ReadQueries.events), so a value common long ago and absent lately (calls on a number that
-- stopped taking them, failed events after a fix) no longer walks the newest-first received_at index through
-- everything since: 209 ms at 5 M events before. The event id joins each index so the page needs no table row.
-- Rebuilding reads the archive once per index and blocks writes meanwhile (about 2 s per index per million events
-- here): run the upgrade with the gateway stopped (socket activation holds its connections meanwhile) or accept
-- the pause. No statement timeout for these statements.
SET LOCAL statement_timeout = 0;
DROP INDEX wa_events_event_received;
CREATE INDEX wa_events_event_page ON wa_events (event, received_at, event_id);
DROP INDEX wa_events_status_received;
CREATE INDEX wa_events_status_page ON wa_events (status, received_at, event_id);
DROP INDEX wa_events_source_received;
CREATE INDEX wa_events_source_page ON wa_events (source, received_at, event_id);
