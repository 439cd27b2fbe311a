-- data.msg from the stock server's "status" event, data.message or data.reason from other senders.
UPDATE wa_sessions
   SET status = 'auth_failure', qr = NULL, qr_at = NULL, auth_failure_at = :#WaReceivedAt,
       last_reason = :#${body.firstText('msg,message,reason')}, updated_at = :#WaReceivedAt
 WHERE session_id = :#WaSessionId
