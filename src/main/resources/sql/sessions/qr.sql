-- A new QR to scan: the session waits for its phone; the latest QR and when it came are kept.
UPDATE wa_sessions
   SET status = 'qr_pending', qr = :#${body.text('qr')}, qr_at = :#WaReceivedAt, updated_at = :#WaReceivedAt
 WHERE session_id = :#WaSessionId
