-- As postgresql/V18: each filter's index ends with the event id, so the events list's page of keys is read from it.
DROP INDEX wa_events_event_received;
CREATE INDEX wa_events_event_page ON wa_events (event, received_at, event_id);
DROP INDEX wa_events_status_received;
CREATE INDEX wa_events_status_page ON wa_events (status, received_at, event_id);
DROP INDEX wa_events_source_received;
CREATE INDEX wa_events_source_page ON wa_events (source, received_at, event_id);
