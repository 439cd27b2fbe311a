UPDATE wa_sessions
   SET status = 'ready', qr = NULL, qr_at = NULL, ready_at = :#WaReceivedAt, updated_at = :#WaReceivedAt
 WHERE session_id = :#WaSessionId
