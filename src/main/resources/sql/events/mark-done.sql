UPDATE wa_events SET status = ?, processed_at = ?, error = NULL WHERE event_id = ?
