-- GET /api/whatsapp/events?source=...: one source's events, newest first, from an index like the other filters'.
CREATE INDEX wa_events_source_received ON wa_events (source, received_at);
