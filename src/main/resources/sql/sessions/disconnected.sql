UPDATE wa_sessions
   SET status = 'disconnected', disconnected_at = :#WaReceivedAt, last_reason = :#${body.text('reason')},
       updated_at = :#WaReceivedAt
 WHERE session_id = :#WaSessionId
