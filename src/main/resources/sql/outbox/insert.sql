-- One delivery owed to one output, written in the transaction that stores the event; traceparent: the W3C trace
-- context the delivery's attempts continue (null while tracing is off).
INSERT INTO wa_outbox (output, session_id, event_id, attempts, created_at, traceparent) VALUES (?, ?, ?, 0, ?, ?)
