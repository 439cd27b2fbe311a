-- The archive without the payloads (GET events/{id} has the data); ReadQueries joins the page of keys it finds.
SELECT e.event_id, e.session_id, e.event, e.source, e.format, e.source_ip, e.auth_method, e.received_at, e.delivery_id,
       e.status, e.error, e.processed_at
  FROM wa_events e
