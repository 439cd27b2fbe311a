UPDATE wa_events SET status = 'failed', error = ?, processed_at = ? WHERE event_id = ?
