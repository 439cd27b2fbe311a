-- The event row, written last in its transaction with the outcome of its route (processed, unrouted, failed).
INSERT INTO wa_events (event_id, session_id, event, format, source_ip, auth_method, received_at, data_json, body_sha256,
                       delivery_id, status, error, processed_at, source)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
