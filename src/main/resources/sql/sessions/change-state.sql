-- WhatsApp's own connection state (CONNECTED, CONFLICT, UNPAIRED, ...), kept beside our status.
UPDATE wa_sessions
   SET state = :#${body.text('state')}, state_at = :#WaReceivedAt, updated_at = :#WaReceivedAt
 WHERE session_id = :#WaSessionId
