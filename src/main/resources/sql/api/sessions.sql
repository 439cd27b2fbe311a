-- Sessions with their counts; ReadQueries adds the WHERE / ORDER BY / paging.
SELECT s.session_id, s.status, s.qr IS NOT NULL AS qr_pending, s.qr_at, s.state, s.state_at, s.loading_percent,
       s.loading_message, s.authenticated_at, s.ready_at, s.disconnected_at, s.auth_failure_at, s.last_reason,
       s.first_seen_at, s.updated_at,
       (SELECT count(*) FROM wa_messages m WHERE m.session_id = s.session_id) AS message_count,
       (SELECT count(*) FROM wa_calls c WHERE c.session_id = s.session_id) AS call_count,
       (SELECT count(*) FROM wa_events e WHERE e.session_id = s.session_id) AS event_count
  FROM wa_sessions s
