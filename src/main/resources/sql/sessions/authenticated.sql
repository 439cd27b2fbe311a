-- The phone scanned the QR: it is spent.
UPDATE wa_sessions
   SET status = 'authenticated', qr = NULL, qr_at = NULL, authenticated_at = :#WaReceivedAt, updated_at = :#WaReceivedAt
 WHERE session_id = :#WaSessionId
