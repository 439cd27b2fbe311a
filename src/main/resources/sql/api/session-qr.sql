SELECT session_id, status, qr, qr_at FROM wa_sessions WHERE session_id = ?
