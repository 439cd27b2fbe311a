-- Sessions with their counts, kept on the session row as events are stored (V10): the list costs the same at
-- 5M archived events as on an empty database. ReadQueries adds the WHERE / ORDER BY / paging.
SELECT s.session_id, s.status, s.qr IS NOT NULL AS qr_pending, s.qr_at, s.state, s.state_at, s.loading_percent,
       s.loading_message, s.authenticated_at, s.ready_at, s.disconnected_at, s.auth_failure_at, s.last_reason,
       s.first_seen_at, s.updated_at, s.message_count, s.call_count, s.event_count
  FROM wa_sessions s
