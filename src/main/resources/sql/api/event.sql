SELECT e.event_id, e.session_id, e.event, e.source, e.format, e.source_ip, e.auth_method, e.received_at, e.delivery_id,
       e.status, e.error, e.processed_at, e.data_json
  FROM wa_events e
 WHERE e.event_id = ?
