UPDATE wa_sessions
   SET loading_percent = :#${body.integer('percent')}, loading_message = :#${body.text('message')},
       updated_at = :#WaReceivedAt
 WHERE session_id = :#WaSessionId
