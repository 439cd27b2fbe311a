-- One delivery owed to one output, written in the transaction that stores the event.
INSERT INTO wa_outbox (output, session_id, event_id, attempts, created_at) VALUES (?, ?, ?, 0, ?)
