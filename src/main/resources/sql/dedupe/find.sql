SELECT event_id FROM wa_event_dedupe WHERE session_id = ? AND dedupe_key = ?
